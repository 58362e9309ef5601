"""classify.run on small CSV files written by the tests."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from etl.classify import SetAside, read_header, run
from etl.sources.csvio import read_csv
from etl.text import OUTPUT_COLUMNS


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_appends_the_fixed_columns(tmp_path):
    src = _write(tmp_path / "in.csv",
                 'id,text,note\n1,"@AcmeAir flight delayed 3 hours, no gate agent",a\n'
                 '2,@CafeNova love the new menu!,\n3,,"x, y"\n')
    assert run(src, tmp_path / "out.csv") == 3
    rows = _read(tmp_path / "out.csv")
    assert rows[0] == ["id", "text", "note", *OUTPUT_COLUMNS]
    # A text starting with "@" could be run by a spreadsheet: it goes out after an apostrophe.
    assert rows[1][:3] == ["1", "'@AcmeAir flight delayed 3 hours, no gate agent", "a"]
    assert rows[1][4:] == ["negative", "1", "0", "1", "0", "delay"]
    assert -1 <= float(rows[1][3]) < 0
    assert rows[2][2] == "" and rows[2][4:9] == ["positive", "0", "0", "0", "0"] and rows[2][9] == ""
    assert rows[3][:3] == ["3", "", "x, y"] and rows[3][4] == "neutral"


def test_other_text_column_and_bom(tmp_path):
    src = _write(tmp_path / "in.csv", "message,id\n@ZenMobile why is my internet down again?,7\n", "utf-8-sig")
    assert run(src, tmp_path / "out.csv", text_column="message") == 1
    rows = _read(tmp_path / "out.csv")
    assert rows[0][:2] == ["message", "id"]  # no BOM glued to the first name
    assert rows[1][1] == "7" and rows[1][3:8] == ["negative", "1", "1", "1", "0"]


def test_missing_column_names_the_file_and_the_columns(tmp_path):
    src = _write(tmp_path / "in.csv", "id,body\n1,hello\n")
    with pytest.raises(ValueError) as error:
        run(src, tmp_path / "out.csv")
    assert str(src) in str(error.value) and "'text'" in str(error.value) and "'body'" in str(error.value)


@pytest.mark.parametrize("separator, name", [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_separated_by_other_than_commas_says_so(tmp_path, separator, name):
    src = _write(tmp_path / "in.csv", f"id{separator}text\n1{separator}hello\n")
    with pytest.raises(ValueError, match=f"separated by {name}, not commas") as error:
        run(src, tmp_path / "out.csv")
    assert str(src) in str(error.value)


@pytest.mark.parametrize("content, problem", [
    (b"", "not a readable CSV: the file is empty"),
    (b"\x1f\x8b\x08 not text", "not a readable CSV: the file looks gzip-compressed"),  # zcat forgotten
    (None, "already has the column(s) 'sentiment_compound'"),  # classify's own output again
])
def test_an_unusable_input_is_one_error_naming_the_file(tmp_path, content, problem):
    if content is None:
        run(_write(tmp_path / "first.csv", "id,text\n1,hello\n"), tmp_path / "scored.csv")
        src = tmp_path / "scored.csv"
    else:
        src = tmp_path / "in.csv"
        src.write_bytes(content)
    with pytest.raises(ValueError) as error:
        run(src, tmp_path / "out.csv")
    assert str(error.value).startswith(f"{src}: ") and problem in str(error.value)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_a_file_is_read_in_its_own_encoding(tmp_path, encoding):
    # as the loaders read them: a spreadsheet's cp1252 save keeps its accents and quotes
    src = _write(tmp_path / "in.csv", "id,text\n1,caf\u00e9 \u2019closed\u2019 again\n", encoding)
    run(src, tmp_path / "out.csv")
    assert _read(tmp_path / "out.csv")[1][1] == "caf\u00e9 \u2019closed\u2019 again"


@pytest.mark.parametrize("chunk_rows", [1, 100])
def test_a_text_with_bytes_not_of_its_encoding_is_said(tmp_path, chunk_rows):
    # UTF-8 with one latin-1 byte: scored as 'caf\ufffd' with no word of it (a CLI review)
    src = tmp_path / "in.csv"
    src.write_bytes(b"id,text\n1,fine caf\xc3\xa9\n2,caf\xe9 latin1\n3,ok\n")
    said = []
    assert run(src, tmp_path / "out.csv", chunk_rows=chunk_rows, warn=said.append) == 3
    assert said == [f"{src}: the text of 1 record held bytes that are not text in the file's encoding "
                    "(first: record 2); they were read as U+FFFD and scored so"]
    assert _read(tmp_path / "out.csv")[2][1] == "caf\ufffd latin1"
    clean = _write(tmp_path / "clean.csv", "id,text\n1,caf\u00e9\n")
    run(clean, tmp_path / "clean_out.csv", warn=said.append)
    assert len(said) == 1


@pytest.mark.parametrize("chunk_rows", [1, 100])
@pytest.mark.parametrize("body, good, aside", [
    ("1,fine\n2,one,too many\n3,ok\n", ["1", "3"],
     [SetAside(2, 3, "3 fields where the header has 2 (a comma in a text not in quotes?)")]),
    # the first record: pandas read its first cells as an index, then ended the run (a review)
    ("1,hello,extra\n2,fine\n", ["2"], [SetAside(1, 2, "3 fields where the header has 2 (a comma in a text "
                                                     "not in quotes?)")]),
    ("1,fine\n2\n3,ok\n", ["1", "3"], [SetAside(2, 3, "1 fields where the header has 2")]),
    ("1,fine\n2,ok,\n", ["1"], [SetAside(2, 3, "3 fields where the header has 2 (the last is empty: a trailing "
                                                "comma, or a comma in a text not in quotes?)")]),
])
def test_a_record_of_the_wrong_width_is_set_aside_and_said_and_the_rest_classified(tmp_path, body, good, aside,
                                                                                     chunk_rows):
    """SPEC 6: a bad record is said with its file, record, line and problem, and the others are
    classified; one such record made the whole run fail, with no output (a spec audit)."""
    src = _write(tmp_path / "in.csv", "id,text\n" + body)
    said, set_aside = [], []
    assert run(src, tmp_path / "out.csv", chunk_rows=chunk_rows, warn=said.append, set_aside=set_aside) == len(good)
    assert [row[0] for row in _read(tmp_path / "out.csv")[1:]] == good
    assert set_aside == aside
    count = f"{len(aside)} record{'' if len(aside) == 1 else 's'}"
    assert said == [*(f"{src}: record {r.record} (line {r.line}) set aside: {r.problem}" for r in aside),
                    f"{src}: {count} set aside, not classified (each named above)"]


def test_a_quote_left_open_costs_its_first_line_only(tmp_path):
    # as in a load: the lines it took in are read again as records of their own
    src = _write(tmp_path / "in.csv", 'id,text,n\n1,fine,1\n2,"open quote,2\n3,"ok, ""thanks""",3\n')
    set_aside = []
    assert run(src, tmp_path / "out.csv", set_aside=set_aside) == 2
    assert [row[:3] for row in _read(tmp_path / "out.csv")[1:]] == [["1", "fine", "1"],
                                                                    ["3", 'ok, "thanks"', "3"]]
    assert set_aside == [SetAside(2, 3, "unbalanced quote or wrong number of fields")]


@pytest.mark.parametrize("content, records", [
    # a bare CR in an unquoted text split it: a junk row with id 'refund me now' (a spec audit)
    (b"id,text\n1,my bill is wrong\r\rrefund me now\n2,ok thanks\n",
     [["1", "my bill is wrong\r\rrefund me now"], ["2", "ok thanks"]]),
    (b'id,text\n1,"still waiting\rfor my refund"\n2,fine\n', [["1", "still waiting\rfor my refund"], ["2", "fine"]]),
    (b'id,text\r\n1,late again\r\n2,"two\r\nlines"\r\n', [["1", "late again"], ["2", "two\r\nlines"]]),
    (b"id,text\r\n1,refund\rplease\r\n2,ok\r\n", [["1", "refund\rplease"], ["2", "ok"]]),
    (b'id,text\n1,"ends in a CR\r"\n2,ok\n', [["1", "ends in a CR\r"], ["2", "ok"]]),
])
def test_line_ends_and_carriage_returns_are_read_as_a_load_reads_them(tmp_path, content, records):
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    assert run(src, tmp_path / "out.csv", chunk_rows=1) == len(records)
    assert [row[:2] for row in _read(tmp_path / "out.csv")[1:]] == records
    loaded = [[cell.replace("\ue00d", "\r") for cell in row.values] for row in read_csv(src, ())]
    assert loaded == records


def test_the_twcs_sample_gives_a_row_per_record(tmp_path):
    # record 104's text holds two bare CRs: pandas cut it, and made a row of its end
    src = Path(__file__).parent / "fixtures" / "twcs_pandas.csv"
    assert run(src, tmp_path / "out.csv") == len(list(read_csv(src, ()))) == 7
    rows = {row[1]: row for row in _read(tmp_path / "out.csv")[1:]}
    assert rows["104"][5].endswith("\r\rI just love the start of email \U0001f601 https://t.co/x")


def test_values_are_kept_exactly(tmp_path):
    src = _write(tmp_path / "in.csv", 'id,text,n\n007,"a=1+1",NA\n008,"line one\nline two",-1.50\n')
    run(src, tmp_path / "out.csv")
    rows = _read(tmp_path / "out.csv")
    assert [r[:3] for r in rows[1:]] == [["007", "a=1+1", "NA"], ["008", "line one\nline two", "-1.50"]]


def test_a_text_column_named_as_a_spreadsheet_formula_starts_is_found(tmp_path):
    # the header's pandas names were read back from the line the output writes, whose csv_cell put
    # an apostrophe before '@body': --text-column @body was 'no column', the columns "'@body"
    src = _write(tmp_path / "in.csv", "@body,id\nmy flight was cancelled,1\n")
    assert run(src, tmp_path / "out.csv", text_column="@body") == 1
    assert _read(tmp_path / "out.csv")[0][:2] == ["'@body", "id"]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_in_any_column_goes_out_as_text(tmp_path, cell):
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["=note", "text", "n"], [cell, cell, "-3"]])
    run(src, tmp_path / "out.csv")
    [header, row] = _read(tmp_path / "out.csv")
    assert header[0] == "'=note" and row[:3] == ["'" + cell, "'" + cell, "-3"]


def test_chunks_give_the_same_result(tmp_path):
    lines = [f'{i},"@Shop order {i} {"never arrived" if i % 2 else "was lovely, thanks"}"' for i in range(25)]
    src = _write(tmp_path / "in.csv", "id,text\n" + "\n".join(lines) + "\n")
    assert run(src, tmp_path / "whole.csv") == 25
    assert run(src, tmp_path / "chunked.csv", chunk_rows=4) == 25
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "chunked.csv").read_bytes()
    assert [r[4] for r in _read(tmp_path / "whole.csv")[1:4]] == ["0", "1", "0"]


def test_header_only_file(tmp_path):
    src = _write(tmp_path / "in.csv", "id,text\n")
    assert run(src, tmp_path / "out.csv") == 0
    assert _read(tmp_path / "out.csv") == [["id", "text", *OUTPUT_COLUMNS]]


def test_a_bare_carriage_return_in_a_text_stays_inside_its_row(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b'id,text\n1,"still waiting\rfor my refund"\n2,fine\n')
    assert run(src, tmp_path / "out.csv") == 2
    rows = _read(tmp_path / "out.csv")
    assert [r[:2] for r in rows[1:]] == [["1", "still waiting\rfor my refund"], ["2", "fine"]]


@pytest.mark.parametrize("how", ["same path", "other spelling", "hard link"])
def test_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, how):
    src = _write(tmp_path / "in.csv", "id,text\n1,my order is late\n")
    out = {"same path": src, "other spelling": tmp_path / "." / "sub" / ".." / "in.csv",
           "hard link": tmp_path / "link.csv"}[how]
    (tmp_path / "sub").mkdir()
    if how == "hard link":
        out.hardlink_to(src)
    with pytest.raises(ValueError) as error:
        run(src, out)
    assert "input" in str(error.value) and str(src) in str(error.value)
    assert src.read_text() == "id,text\n1,my order is late\n"


def test_a_failed_run_leaves_the_previous_output_whole(tmp_path):
    src = _write(tmp_path / "in.csv", "id,text,is_brand\n1,fine,false\n2,ok,true\n3,hello,maybe\n")
    out = _write(tmp_path / "out.csv", "the previous result\n")
    with pytest.raises(ValueError):
        run(src, out, chunk_rows=1)  # the first chunk is written before the third fails
    assert out.read_text() == "the previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


@pytest.mark.parametrize("column,brand_value,customer_value", [
    ("is_brand", "true", "false"), ("is_brand", "1", "0"), ("inbound", "False", "True")])
def test_a_brand_column_scores_brand_replies_for_deflection(tmp_path, column, brand_value, customer_value):
    src = _write(tmp_path / "in.csv", f"text,{column}\n"
                 f"@cust1 Please DM us your booking reference.,{brand_value}\n"
                 f"@AcmeAir please DM me the refund form?,{customer_value}\n")
    run(src, tmp_path / "out.csv")
    header, brand, customer = _read(tmp_path / "out.csv")
    flags = [dict(zip(header, row)) for row in (brand, customer)]
    assert [f["is_deflection"] for f in flags] == ["1", "0"]
    assert [f["needs_reply"] for f in flags] == ["0", "1"]  # a brand's text never needs one


def test_without_a_brand_column_every_row_is_a_customers(tmp_path):
    src = _write(tmp_path / "in.csv", "text\n@cust1 Please DM us your booking reference.\n")
    run(src, tmp_path / "out.csv")
    header, row = _read(tmp_path / "out.csv")
    assert dict(zip(header, row))["is_deflection"] == "0"


def test_a_brand_column_value_that_is_not_a_truth_value_names_the_record(tmp_path):
    src = _write(tmp_path / "in.csv", "text,is_brand\nhi,true\nhello,maybe\n")
    with pytest.raises(ValueError, match=r"in.csv: record 2: is_brand 'maybe'"):
        run(src, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_the_output_has_the_input_columns_as_their_header_names_them(tmp_path):
    """SPEC 5: the input columns, then the fixed ones. pandas names a second 'note' 'note.1' and a
    nameless column 'Unnamed: 4', and the output's header took those names."""
    src = _write(tmp_path / "in.csv", "id,note,text,note,\n1,a,the flight was delayed,b,c\n")
    assert run(src, tmp_path / "out.csv", chunk_rows=1) == 1
    rows = _read(tmp_path / "out.csv")
    assert rows[0] == ["id", "note", "text", "note", "", *OUTPUT_COLUMNS]
    assert rows[1][:5] == ["1", "a", "the flight was delayed", "b", "c"] and rows[1][6] == "negative"
    header_only = _write(tmp_path / "header.csv", "id,note,note,text\n")
    assert run(header_only, tmp_path / "none.csv") == 0
    assert _read(tmp_path / "none.csv") == [["id", "note", "note", "text", *OUTPUT_COLUMNS]]


@pytest.mark.parametrize("header", ['note,text,note,,"a, b"', ' text ,text.1,text,Unnamed: 3,',
                                    "@body,=note,text"])
def test_the_header_read_once_names_the_columns_as_pandas_and_as_written(tmp_path, header):
    # one read of IN's header gives both: the names the chunks have (pandas': 'note.1', 'Unnamed: 3')
    # where the text column is looked for, and IN's own, which the output keeps
    src = _write(tmp_path / "in.csv", header + "\n1,2,3,4,5\n")
    read = read_header(src)
    assert read.columns == list(pd.read_csv(src, nrows=0).columns)
    assert read.written == _read(src)[0]


def test_a_header_that_leaves_a_quote_open_is_one_error_naming_the_file(tmp_path):
    # read a line at a time, as a load reads it, a name holding a line break would end at the line's end
    src = _write(tmp_path / "in.csv", 'is_brand,text,"x\n y"\n1,2,3\n')
    with pytest.raises(ValueError, match="the header line leaves a quote open") as error:
        read_header(src)
    assert str(error.value).startswith(f"{src}: not a readable CSV: ")


@pytest.mark.parametrize("block_bytes", [64, 1 << 20])
def test_records_arrow_reads_and_those_csvio_reads_after_it_are_each_classified_once(tmp_path, monkeypatch,
                                                                                    block_bytes):
    # as a load: Arrow reads block by block until one holds a record csvio reads otherwise (here a
    # record of the wrong width), then csvio reads on from the record after the last block Arrow read
    monkeypatch.setattr("etl.sources.arrow_csv.BLOCK_BYTES", block_bytes)
    lines = [f"{i},my order {i} is late" for i in range(1, 31)]
    lines[3] = ""  # a blank line: no record, not counted
    lines[20] = "21,late,again"
    src = _write(tmp_path / "in.csv", "id,text\n" + "\n".join(lines) + "\n")
    set_aside = []
    assert run(src, tmp_path / "out.csv", chunk_rows=7, set_aside=set_aside) == 28
    assert [row[0] for row in _read(tmp_path / "out.csv")[1:]] == [str(i) for i in range(1, 31) if i not in (4, 21)]
    assert set_aside == [SetAside(20, 22, "3 fields where the header has 2 (a comma in a text not in quotes?)")]
