"""The canonical CSV cleaned a batch at a time gives what it gives cleaned one record at a
time: the same stage rows, rejects (with their reasons, in file order), accounts and blanks.
Random files mix the plain values the column rules handle with every form the row rules
repair or refuse; the batch is shrunk so files span several."""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime, timezone

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.sources import arrow_csv, canonical_batch, canonical_csv
from etl.sources.csvio import CsvRow
from etl.sources.records import (STAGE_SCHEMA, Account, BadFile, Blank, ParseOptions, Record, Reject, Rows,
                                 mentioned_handles)

from support import CANONICAL_HEADER, write_bytes

FIELDS = CANONICAL_HEADER.split(",") + ["likes"]
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

# Each field is plain (what exports and our own files hold) five times in six, else one of
# the forms the row rules repair or refuse: most records then reach the column rules.
plain_ids = st.one_of(st.integers(1, 30).map(str), st.integers(1, 30).map(lambda n: f"twitter:{n}"))
odd_ids = st.sampled_from(["", " 7 ", "12.0", "1e5", "1.5E+3", "1,234", "a b", "x" * 201, "\u0661\u0662",
                           "facebook:3", "7\u00a0000", "  "])
plain_times = st.datetimes(min_value=datetime(1985, 1, 1), max_value=datetime(2027, 6, 1),
                           timezones=st.just(timezone.utc)).map(lambda t: t.isoformat().replace("+00:00", "Z"))
odd_times = st.one_of(
    st.datetimes(min_value=datetime(1985, 1, 1), max_value=datetime(2027, 6, 1)).map(lambda t: t.isoformat()),
    st.sampled_from(["2025-01-01T00:33:40.123456+05:30", "2025-01-01T00:33:40.1234567Z", "2025-02-30T00:00:00Z",
                     "2025-01-01T24:00:00Z", "1735689600", "1735689600000", "Tue Oct 31 22:10:47 +0000 2017",
                     "2025-01-01 00:33:40 +00:00", "2025-01-01T00:33:40", "2025-01-01T00:33:40+0000",
                     "1989-12-31T23:59:59Z", "1990-01-01T00:00:00Z", "2026-01-02T00:00:00Z",
                     "2026-01-02T00:00:00.000001Z", "", "soon", "13/04/2024 10:00"]))
texts = st.lists(st.sampled_from(["a", " ", "@", "@Nimbus", "_", ",", '"', "\n", "\r", "\x00", "é", "ß", "#1",
                                  "\u00a0", "\u2003", "Ã©", "â€™", "ðŸ˜¡", "Ã", "@\u00e9t\u00e9"])
                 | st.characters(codec="utf-8"), max_size=12).map("".join) | st.sampled_from(
    ["ðŸ˜¡ angry @Nimbus", "CafÃ© closed", "itâ€™s late, again", "Â£5 refund",  # all mojibake: repaired
     "lost\n9,twitter,N,@N,c1,,1,false,2025-01-01T00:00:00Z,next",  # took in a record: refused
     "lost\r\n9,x,,,,,,,\"2025-01-01 00:00", "lost\n9,twitter,2025-01-01T00:00:00Z"])  # refused; loaded
odd_counts = st.sampled_from(["1,234", "12.0", "-1", "1e3", "abc", " 5 "])


def mostly(draw, plain, odd):
    return draw(odd if draw(st.integers(0, 5)) == 0 else plain)


@st.composite
def rows(draw):
    mention_id = mostly(draw, plain_ids, odd_ids)
    return {
        "mention_id": mention_id,
        "platform": mostly(draw, st.sampled_from(["twitter", "facebook"]),
                           st.sampled_from([" Twitter ", "TWITTER", "myspace", "", "X", " x.com "])),
        "brand": draw(st.sampled_from(["Nimbus", " Nimbus ", "", "  ", "Acme"])),
        "page": draw(st.sampled_from(["@Nimbus", " @Nimbus ", "", "\u00a0", "123"])),
        "author_id": mostly(draw, st.sampled_from(["c1", "c2", "brand1"]), odd_ids),
        "author_handle": draw(st.sampled_from(["", "Nimbus", "@Nimbus", " @x ", "\u2003"])),
        "author_followers": mostly(draw, st.sampled_from(["", "12", "0"]), odd_counts),
        "is_brand": mostly(draw, st.sampled_from(["true", "false", ""]),
                           st.sampled_from(["TRUE", "yes", "maybe", " 1 "])),
        "created_at": mostly(draw, plain_times, odd_times),
        "text": draw(texts),
        "kind": mostly(draw, st.sampled_from(["", "post", "reply", "share", "quote", "comment"]),
                       st.sampled_from([" Reply ", "SHARE", "retweet"])),
        "parent_id": draw(st.one_of(st.just(""), plain_ids, odd_ids, st.just(mention_id))),
        "shared_id": draw(st.one_of(st.just(""), plain_ids, odd_ids, st.just(mention_id))),
        "likes": mostly(draw, st.sampled_from(["", "3"]), odd_counts),
    }


def _file(records: list[dict], damage: list[int], line_end: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator=line_end)
    writer.writeheader()
    for i, record in enumerate(records):
        writer.writerow(record)
        if i in damage:  # a stray quote, a short record, blank spreadsheet rows short and full
            out.write(['x,"twitter,', "a,b", ",,,,", "," * (len(FIELDS) - 1),
                       " ," + "\u2003," * (len(FIELDS) - 2) + "\t"][i % 5] + line_end)
    return out.getvalue().encode("utf-8")


def _outcome(items) -> tuple:
    """(stage rows by position, rejects, accounts, blank lines) of a parse, however it batched."""
    tables, records, rejects, accounts, blanks = [], [], [], [], []
    for item in items:
        if isinstance(item, Rows):
            tables.append(item.table)
        elif isinstance(item, Record):
            records.append({**item.mention, "position": item.position, "locator": item.locator})
        elif isinstance(item, Reject):
            rejects.append((item.position, item.locator, item.raw, item.reason))
        elif isinstance(item, Account):
            accounts.append((item.platform, item.account_id, item.handle, item.brand))
        elif isinstance(item, Blank):
            blanks.append(item.line)
    tables.append(pa.Table.from_pylist(records, schema=STAGE_SCHEMA))
    return pa.concat_tables(tables).sort_by("position").to_pylist(), rejects, accounts, sorted(blanks)


def _both(path, options):
    return (_outcome(canonical_csv.parse(path, options)), _outcome(canonical_csv.parse_by_row(path, options)))


@settings(max_examples=80, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(records=st.lists(rows(), min_size=10, max_size=40), damage=st.lists(st.integers(0, 39), max_size=3),
       line_end=st.sampled_from(["\n", "\r\n"]), bare_cr=st.booleans(), brand=st.sampled_from([None, "Acme"]),
       assume_tz=st.sampled_from([None, "Europe/Paris"]))
def test_batches_clean_as_the_rows_do(tmp_path, monkeypatch, records, damage, line_end, bare_cr, brand, assume_tz):
    # Small batches and Arrow blocks: a file spans several, and a damaged record hands the
    # rest of the file from Arrow to csvio mid-way. A bare carriage return keeps Arrow out.
    monkeypatch.setattr(canonical_csv, "BATCH_ROWS", 7)
    monkeypatch.setattr(arrow_csv, "BLOCK_BYTES", 1024)
    if not bare_cr:
        records = [{**record, "text": record["text"].replace("\r", "")} for record in records]
    path = write_bytes(tmp_path, "mentions.csv", _file(records, damage, line_end))
    batched, by_row = _both(path, ParseOptions(brand=brand, assume_tz=assume_tz, now=NOW))
    assert batched == by_row


def test_plain_records_come_as_one_table_and_refused_ones_with_the_rows_reason(tmp_path):
    plain = {"mention_id": "7", "platform": "twitter", "brand": "Nimbus", "page": "@Nimbus", "author_id": "c1",
             "author_handle": "", "author_followers": "12", "is_brand": "false",
             "created_at": "2025-01-01T00:33:40Z", "text": "@Nimbus late again", "kind": "", "parent_id": "",
             "shared_id": "", "likes": ""}
    refused = {**plain, "mention_id": "8", "created_at": "2025-02-30T00:00:00Z"}
    path = write_bytes(tmp_path, "mentions.csv", _file([plain, refused, {**plain, "mention_id": "9"}], [], "\n"))
    items = list(canonical_csv.parse(path, ParseOptions(now=NOW)))
    [table] = [item.table for item in items if isinstance(item, Rows)]
    assert table.column("mention_id").to_pylist() == ["twitter:7", "twitter:9"]
    assert table.column("mentioned_handles").to_pylist() == [["nimbus"], ["nimbus"]]
    [reject] = [item for item in items if isinstance(item, Reject)]
    assert reject.locator == "line 3"
    assert reject.reason.startswith("created_at '2025-02-30T00:00:00Z' is not a date and time: ")
    assert not [item for item in items if isinstance(item, Record)]


@pytest.mark.parametrize("header", [
    "mention_id,platform,author_id,created_at,text,text",      # a repeated column
    "mention_id,platform,author_id,created_at,body,text",      # mapped, then the real one
    "mention_id,platform,author_id,created_at,text,body",      # the real one, then mapped
])
@pytest.mark.parametrize("parse", [canonical_csv.parse, canonical_csv.parse_by_row])
def test_a_field_two_columns_give_fails_the_file_both_ways(tmp_path, header, parse):
    path = write_bytes(tmp_path, "mentions.csv", f"{header}\n1,twitter,c1,2025-01-01T00:00:00Z,first,second\n")
    options = ParseOptions(column_map={"body": "text"} if "body" in header else {}, now=NOW)
    with pytest.raises(BadFile, match="the field text would come from two columns"):
        list(parse(path, options))


HANDLE_TEXTS = [
    "@Nimbus late again", "no handle", "", "mail me at a@b.com", "@@double", "@x@y", "@X_1 @Y2,(@z)",
    "a\n@next_line", "\t@tab", "@" + "a" * 60 + " @after", "trailing @", "@_ @9 @-x",
    "caf\u00e9 @Nimbus", "@\u00e9t\u00e9 @ok", "\u00e9@no",  # outside ASCII: Python's \w
    "u/Larkspur-Help late", "(/u/ab_c-d) hi", "thank you/me", "reddit.com/u/name", "u/ab", "u/" + "a" * 25,
    "@x u/y-z1 @w", "caf\u00e9 u/Larkspur-Help",
]


def test_reddit_users_are_addressed_as_u_slash_name():
    # u/Larkspur-Help addressed no one: a post to the brand's Reddit account was of no brand
    assert mentioned_handles("u/Larkspur-Help where is my order? cc /u/mod_2") == ["larkspur-help", "mod_2"]
    assert mentioned_handles("thank you/me, see reddit.com/u/name, u/ab") == []
    assert mentioned_handles("@x u/y-z1 @w") == ["x", "w", "y-z1"]


@pytest.mark.parametrize("texts", [HANDLE_TEXTS, HANDLE_TEXTS[:3], ["plain"], []])
def test_handles_are_found_as_the_row_rule_finds_them(texts):
    found = canonical_batch._handles(pa.array(texts + [None], pa.string()))  # None: a refused text
    assert found.type == pa.list_(pa.string())
    assert found.to_pylist() == [mentioned_handles(text) for text in texts] + [[]]


def test_blank_fields_are_what_str_strip_strips():
    assert arrow_csv._WHITESPACE == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def test_a_batch_arrow_cannot_hold_is_cleaned_row_by_row():
    """A lone surrogate cannot come out of csvio's decoding; if one did, the batch falls back."""
    header = ["mention_id", "platform", "author_id", "created_at", "text"]
    rows = [CsvRow(i, i + 1, "raw", [str(i), "twitter", "c1", "2025-01-01T00:00:00Z", text], None, header=header)
            for i, text in enumerate(["fine", "half an emoji \ud83d"], start=1)]
    items = list(canonical_csv._clean_batch(rows, {}, ParseOptions(now=NOW), set()))
    assert [item.mention["text"] for item in items if isinstance(item, Record)] == ["fine", "half an emoji \ufffd"]
    assert not [item for item in items if isinstance(item, Rows)]


LINE = "{id},twitter,Nimbus,@Nimbus,c1,,,false,2025-01-01T00:00:00Z,{text},,,,"
BLANK = "," * (len(FIELDS) - 1)


@pytest.mark.parametrize("name, body", [
    # line ends inside quoted texts move every later record's line; blank rows are counted
    # by their line; the short record hands the rest of the file to csvio
    ("quoted line ends", [LINE.format(id=1, text='"two\nlines"'), BLANK,
                          LINE.format(id=2, text='"three\n\nlines"'), BLANK, LINE.format(id=3, text="short"), "a,b",
                          BLANK, LINE.format(id=4, text="after"), BLANK]),
    ("old Mac line ends", "\r".join([",".join(FIELDS), LINE.format(id=1, text="one"), BLANK,
                                     LINE.format(id=2, text="two")]) + "\r"),
    ("a bare carriage return outside quotes", [LINE.format(id=1, text="carriage\rreturn"), BLANK,
                                               LINE.format(id=2, text="two")]),
    ("a byte-order mark", "\ufeff" + "\n".join([",".join(FIELDS), LINE.format(id=1, text="one"), BLANK]) + "\n"),
])
def test_lines_blanks_and_files_arrow_leaves_to_csvio(tmp_path, monkeypatch, name, body):
    monkeypatch.setattr(arrow_csv, "BLOCK_BYTES", 256)  # several blocks before the short record
    text = body if isinstance(body, str) else "\n".join([",".join(FIELDS), *body]) + "\n"
    path = write_bytes(tmp_path, "mentions.csv", text)
    batched, by_row = _both(path, ParseOptions(now=NOW))
    assert batched == by_row
    assert batched[0] and batched[3]  # records and blank rows were read


def test_a_header_line_again_is_refused_alike_both_ways(tmp_path, monkeypatch):
    # Two exports joined: the second header, in another case, is said to be one by both readers.
    monkeypatch.setattr(arrow_csv, "BLOCK_BYTES", 256)
    header = ",".join(FIELDS)
    path = write_bytes(tmp_path, "mentions.csv", "\n".join(
        [header, LINE.format(id=1, text="one"), BLANK, header.upper(), LINE.format(id=2, text="two")]) + "\n")
    batched, by_row = _both(path, ParseOptions(now=NOW))
    assert batched == by_row
    assert batched[1] == [(2, "line 4", header.upper() + "\n", canonical_csv.HEADER_AGAIN)]


def test_a_plain_file_is_read_by_arrow_alone(tmp_path, monkeypatch):
    path = write_bytes(tmp_path, "mentions.csv", "\n".join(
        [",".join(FIELDS), LINE.format(id=1, text='"a\nb"'), BLANK, LINE.format(id=2, text="two")]) + "\n")
    monkeypatch.setattr(canonical_csv, "read_csv", lambda *args: pytest.fail("csvio read the file"))
    rows, rejects, _, blanks = _outcome(canonical_csv.parse(path, ParseOptions(now=NOW)))
    assert [row["mention_id"] for row in rows] == ["twitter:1", "twitter:2"]
    assert [row["position"] for row in rows] == [1, 2]  # a blank row has no position
    assert (rejects, blanks) == ([], [4])


@pytest.mark.parametrize("data, arrow_reads", [
    (b"a,b\n1,2\r\n3,4\n", True),
    (b"a,b\n1,2\r\r\n3,4\n", False),        # csvio keeps the first CR in the field; Arrow ends the line
    (b"a,b\n1,2\r", False),                 # so too at the end of the file
    (b"a,b\r1,2\r", False),                 # old Mac line ends
    (b'"a",b\n1,2\n', False),               # a quoted header may span lines: csvio reads it as one
    (b"\xef\xbb\xbfa,b\n1,2\n", False),     # a byte-order mark
    (b"a,b", False),                        # a header alone, no line end
])
@pytest.mark.parametrize("scan_bytes", [3, 4, 1 << 20])  # a CR and its LF in different reads
def test_which_files_arrow_may_read(tmp_path, monkeypatch, data, arrow_reads, scan_bytes):
    monkeypatch.setattr(arrow_csv, "_SCAN_BYTES", scan_bytes)
    path = write_bytes(tmp_path, "f.csv", data)
    assert (arrow_csv.plain_header(path) == ["a", "b"]) is arrow_reads
