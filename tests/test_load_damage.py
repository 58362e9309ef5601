"""Real files arrive damaged by spreadsheet programs. Each kind of damage, applied to a clean
twcs export, must load to exactly the mentions the clean file gives."""

from __future__ import annotations

import pytest

from support import CANONICAL_HEADER, assert_accounted, load, mention_rows, scalar, write_bytes

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
ROWS = [
    ("1234567", "NimbusCare", "False", "Tue Oct 31 22:10:47 +0000 2017",
     "@900001 Sorry \u2019bout that \u2013 please DM us.", "", "1234568"),
    ("1234568", "900001", "True", "Tue Oct 31 22:08:27 +0000 2017",
     "@NimbusCare caf\u00e9 wifi down, na\u00efve of me to expect better", "1234567,1234569", ""),
    ("1234569", "900001", "True", "Tue Oct 31 22:30:00 +0000 2017",
     "@NimbusCare still waiting \U0001F621", "", "1234567"),
]


def twcs_text(rows=ROWS, newline="\n") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if "," in value else value
    lines = [HEADER] + [",".join(cell(v) for v in row) for row in rows]
    return newline.join(lines) + newline


def mojibake(text: str) -> str:
    """What a spreadsheet does to UTF-8 it opens as cp1252 and saves as UTF-8 again."""
    def char(byte: int) -> str:
        try:
            return bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(byte)
    return "".join(char(b) for b in text.encode("utf-8"))


def with_ids(transform):
    return [tuple(transform(v) if i in (0, 6) and v else v for i, v in enumerate(row)) for row in ROWS]


DAMAGE = {
    "byte-order mark": lambda: b"\xef\xbb\xbf" + twcs_text().encode(),
    "windows line ends": lambda: twcs_text(newline="\r\n").encode(),
    "TRUE/FALSE": lambda: twcs_text().replace(",False,", ",FALSE,").replace(",True,", ",TRUE,").encode(),
    "ids as floats": lambda: twcs_text(with_ids(lambda v: v + ".0")).encode(),
    "thousands separators": lambda: twcs_text(with_ids(lambda v: f"{int(v):,}")).encode(),
    "mojibake": lambda: mojibake(twcs_text()).encode("utf-8"),
    "trailing blank rows": lambda: (twcs_text() + ",,,,,,\n" * 200_000).encode(),
    "bom, crlf and blanks together": lambda: (b"\xef\xbb\xbf" + (twcs_text(newline="\r\n")
                                              + ",,,,,,\r\n" * 1000).encode()),
}


@pytest.fixture(scope="module")
def clean_rows(tmp_path_factory):
    directory = tmp_path_factory.mktemp("clean")
    db = directory / "clean.duckdb"
    load(db, "twcs", write_bytes(directory, "clean.csv", twcs_text()))
    return mention_rows(db)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_file_loads_like_the_clean_one(tmp_path, clean_rows, damage):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twcs", write_bytes(tmp_path, "damaged.csv", DAMAGE[damage]()))
    assert (report.status, report.rows_read, report.rows_loaded) == ("complete", 3, 3)
    assert_accounted(report)
    assert mention_rows(db) == clean_rows


def test_blank_rows_are_counted_not_read(tmp_path):
    [report] = load(tmp_path / "w.duckdb", "twcs",
                    write_bytes(tmp_path, "blank.csv", DAMAGE["trailing blank rows"]()))
    assert (report.rows_read, report.rows_blank) == (3, 200_000)


def test_whole_file_in_cp1252(tmp_path, clean_rows):
    rows = [row for row in ROWS if "\U0001F621" not in row[4]]  # cp1252 has no emoji
    db = tmp_path / "w.duckdb"
    [report] = load(db, "twcs", write_bytes(tmp_path, "cp1252.csv", twcs_text(rows).encode("cp1252")))
    assert report.rows_loaded == 2
    assert mention_rows(db) == [r for r in clean_rows if r[0] != "twitter:1234569"]


def test_a_cp1252_file_behind_a_utf8_byte_order_mark_keeps_its_accents(tmp_path, clean_rows):
    """A tool that writes a UTF-8 mark before cp1252 text: the mark's own bytes were taken for
    UTF-8 content, so every accented row went to quarantine as 'invalid UTF-8'."""
    rows = [row for row in ROWS if "\U0001F621" not in row[4]]
    db = tmp_path / "w.duckdb"
    data = b"\xef\xbb\xbf" + twcs_text(rows).encode("cp1252")
    [report] = load(db, "twcs", write_bytes(tmp_path, "marked.csv", data))
    assert (report.rows_loaded, report.rows_quarantined) == (2, 0)
    assert mention_rows(db) == [r for r in clean_rows if r[0] != "twitter:1234569"]


@pytest.mark.parametrize("fmt", ["twcs", "csv"])
def test_a_file_cut_inside_its_last_record_says_so_and_covers_no_period(tmp_path, fmt):
    """A download cut short read '6 fields where the header has 8' and no word of the cut; loaded
    as a complete export, it vouched for a period whose later records it had lost."""
    if fmt == "twcs":
        whole = twcs_text()
    else:
        whole = CANONICAL_HEADER + "\n" + "\n".join(
            f"twitter:{n},twitter,Nimbus,@Nimbus,c{n},,1,false,2025-05-0{n}T08:00:00Z,no signal #{n},post,,"
            for n in (1, 2, 3)) + "\n"
    last = whole.rstrip("\n").rindex("\n") + 1  # the last record's start
    cut = write_bytes(tmp_path, f"cut.{fmt}.csv", whole[:whole.index(",", whole.index(",", last) + 1) + 6])
    db = tmp_path / "w.duckdb"
    [report] = load(db, fmt, cut, complete_export=True)
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    assert report.message.endswith("; the file ends inside this record, without a line end (cut short?)")
    assert scalar(db, "SELECT count(*) FROM load_coverage") == 0
    whole_file = write_bytes(tmp_path, f"whole.{fmt}.csv", whole)
    load(tmp_path / "whole.duckdb", fmt, whole_file, complete_export=True)
    assert scalar(tmp_path / "whole.duckdb", "SELECT count(*) FROM load_coverage") > 0  # what the cut file lost


@pytest.mark.parametrize("order", ["account first", "account later"])
def test_a_reddit_post_to_u_slash_a_brand_account_is_that_brands(tmp_path, order):
    # Reddit addresses its users as u/name: a customer's post in another subreddit to
    # u/Brightfield-Help stayed of no brand (no request, no reply counted), read or not
    # with the account known already; '@Brightfield-Help' would not name it either
    account = ("t3_h,reddit,Brightfield Bikes,r/brightfieldbikes,t2_help,Brightfield-Help,,true,1731500000,"
               "Ask us,post,,\n")
    customers = ("t3_q1,reddit,,r/bikes,t2_u1,ivy,,false,1731600000,u/Brightfield-Help battery died,post,,\n"
                 "t3_q2,reddit,,r/bikes,t2_u2,max,,false,1731600060,/u/brightfield-help same here,post,,\n"
                 "t3_q3,reddit,,r/bikes,t2_u3,kai,,false,1731600120,you/Brightfield-Help no,post,,\n")
    db = tmp_path / "w.duckdb"
    files = [account, customers] if order == "account first" else [customers, account]
    for number, rows in enumerate(files):
        load(db, "csv", write_bytes(tmp_path, f"{number}.csv", CANONICAL_HEADER + "\n" + rows))
    brands = scalar(db, "SELECT list((mention_id, brand, page) ORDER BY mention_id) FROM mentions "
                        "WHERE mention_id LIKE 'reddit:t3_q%'")
    assert brands == [("reddit:t3_q1", "Brightfield Bikes", "r/bikes"),
                      ("reddit:t3_q2", "Brightfield Bikes", "r/bikes"), ("reddit:t3_q3", None, "r/bikes")]


def test_epoch_times_with_a_fraction_load_as_reddit_writes_them(tmp_path):
    """Reddit's API writes created_utc as a float (1731600000.0), and a CSV made from it keeps
    the '.0': every such record was quarantined as 'not a date and time: use ... epoch seconds',
    the form it is in. Seconds and milliseconds with a fraction load at their instant."""
    text = (CANONICAL_HEADER + "\n"
            "t3_a1,reddit,Brightfield Bikes,r/brightfieldbikes,u1,ivy,,false,1731600000.0,battery died,post,,\n"
            "t1_b2,reddit,Brightfield Bikes,r/brightfieldbikes,u2,max,,false,1731600060.25,same here,reply,t3_a1,\n"
            "t1_c3,reddit,Brightfield Bikes,r/brightfieldbikes,u3,kai,,false,1731600120000.5,me too,reply,t3_a1,\n")
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "reddit.csv", text))
    assert (report.rows_loaded, report.rows_quarantined) == (3, 0)
    times = scalar(db, "SELECT list(strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%f') "
                       "ORDER BY created_at) FROM mentions")
    assert times == ["2024-11-14T16:00:00.000000", "2024-11-14T16:01:00.250000", "2024-11-14T16:02:00.000500"]
