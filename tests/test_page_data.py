"""Data page: the load log adds up, quarantine shows reasons, uploads load or are refused cleanly."""

from __future__ import annotations

import fcntl
import io
import json
import tempfile
import threading
from pathlib import Path

import pytest
from app_support import download_buttons, downloaded, page_test, printed
from care_fixtures import msg, write_csv
import pandas as pd
from streamlit import config

from app import load_log, uploads
from etl import warehouse
from support import file_attribute

HEADER = ("mention_id,platform,brand,page,author_id,author_handle,author_followers,is_brand,"
          "created_at,text,kind,parent_id,shared_id\n")
GOOD = (HEADER
        + "twitter:7770001,twitter,Brindlewick,@Brindlewick,c1,cust_one,10,false,"
          "2026-10-01T10:00:00+00:00,my order is late,post,,\n"
        + "twitter:7770002,twitter,Brindlewick,@Brindlewick,c2,cust_two,10,false,"
          "2026-10-01T11:00:00+00:00,where is my refund?,post,,\n"
        + "twitter:7770003,twitter,Brindlewick,@Brindlewick,c3,cust_three,10,false,"
          "not-a-date,=cmd|' /C calc'!A0 \u202ebroken,post,,\n").encode()


def _db_counts(db) -> tuple[int, int]:
    with warehouse.connect_readonly(db) as con:
        loads = con.execute("SELECT count(*) FROM loads").fetchall()[0][0]
        mentions = con.execute("SELECT count(*) FROM mentions").fetchall()[0][0]
    return loads, mentions


def _upload(at, name: str, data: bytes, fmt: str = "csv"):
    at.selectbox(key="data_format").set_value(fmt)
    at.file_uploader(key="data_file").set_value((name, data, "text/csv"))
    return _submit(at)


def _frame(at, column: str, not_: str | None = None):
    """The first data grid with this column (and without not_)."""
    return next(f.value for f in at.dataframe
                if column in f.value.columns and (not_ is None or not_ not in f.value.columns))


def _submit(at):
    next(b for b in at.button if b.label == "Load").click()
    return at.run()


def test_loads_table_adds_up(dashboard_db, monkeypatch):
    at = page_test("data", dashboard_db, monkeypatch).run()
    assert not at.exception
    log = _frame(at, "started_at")
    with warehouse.connect_readonly(dashboard_db) as con:
        expected = con.execute("SELECT count(*), sum(rows_read) FROM loads").fetchall()[0]
    assert len(log) == expected[0]
    assert log["adds_up"].all()
    # the counts the caption checks before the file's long name (at 1024 px only rows read was left)
    [grid] = [d for d in at.dataframe if "started_at" in d.value]
    assert list(grid.proto.column_order)[:7] == ["load_id", "status", "rows_read", "rows_loaded", "rows_duplicate",
                                                 "rows_quarantined", "adds_up"]
    assert sorted(grid.proto.column_order) == sorted(log.columns)
    assert (log["rows_read"] == log["rows_loaded"] + log["rows_duplicate"] + log["rows_quarantined"]).all()
    read = next(m for m in at.metric if m.label == "Rows read").value
    assert read == f"{int(log.loc[log['status'] != 'failed', 'rows_read'].sum()):,}"
    # the demo's overlapping monthly pulls make nearly as many duplicates as loaded rows: said why
    duplicate = next(m for m in at.metric if m.label == "Duplicate")
    assert "not stored twice" in duplicate.help


def test_upload_loads_a_canonical_csv_and_shows_accounting(fresh_db, monkeypatch):
    before_loads, before_mentions = _db_counts(fresh_db)
    at = page_test("data", fresh_db, monkeypatch).run()
    assert not at.exception
    _upload(at, "brindlewick.csv", GOOD)
    assert not at.exception
    accounting = _frame(at, "adds_up", not_="started_at")
    row = accounting.iloc[0]
    assert (row["rows_read"], row["rows_loaded"], row["rows_duplicate"], row["rows_quarantined"]) == (3, 2, 0, 1)
    assert row["status"] == "partial" and bool(row["adds_up"])
    assert any("3 read = 2 loaded + 0 duplicate + 1 quarantined" in w.value for w in at.warning)
    after_loads, after_mentions = _db_counts(fresh_db)
    assert (after_loads, after_mentions) == (before_loads + 1, before_mentions + 2)
    # The page read the new database: the log and the quarantine show the new load.
    assert _frame(at, "started_at")["load_id"].iloc[0] == row["load_id"]
    at.selectbox(key="data_quarantine_load").set_value(int(row["load_id"])).run()
    quarantined = _frame(at, "raw")
    assert len(quarantined) == 1 and "not-a-date" in quarantined["reason"].iloc[0]
    assert quarantined["raw"].iloc[0].startswith("twitter:7770003")
    assert "A0 <U+202E>broken" in quarantined["raw"].iloc[0]  # a hidden character shown, not acting
    # Loading the same file again changes nothing: the good records are duplicates, the bad one
    # is counted again but stays in quarantine once, under the first load, where the banner
    # and the quarantine table point.
    _submit(at)
    again = _frame(at, "adds_up", not_="started_at").iloc[0]
    assert (again["rows_loaded"], again["rows_duplicate"], again["rows_quarantined"]) == (0, 2, 1)
    assert _db_counts(fresh_db)[1] == before_mentions + 2
    [warning] = [_unescaped(w.value) for w in at.warning]
    assert f"Quarantine table below (load {row['load_id']})" in warning
    assert at.selectbox(key="data_quarantine_load").value == row["load_id"]
    assert len(_frame(at, "raw")) == 1
    log = _frame(at, "started_at").set_index("load_id")
    assert log.loc[[again["load_id"], row["load_id"]], "stored_in_quarantine"].tolist() == [0, 1]
    with warehouse.connect_readonly(fresh_db) as con:
        assert con.execute("SELECT load_id FROM quarantine").fetchall() == [(row["load_id"],)]


def _unescaped(markdown: str) -> str:
    """A banner's text as the user reads it (the page escapes the loader's words)."""
    return printed(markdown)


def _mixed_upload(tmp_path) -> bytes:
    """Six good records and one whose time is not a time, on line 3 (the header is line 1)."""
    rows = [msg(f"mixed{i}", f"c{i}", i) for i in range(7)]
    rows[1]["created_at"] = "yesterday at noon"
    write_csv(tmp_path / "mixed.csv", rows)
    return (tmp_path / "mixed.csv").read_bytes()


def test_an_upload_with_quarantined_records_warns_with_the_first_problem(fresh_db, monkeypatch, tmp_path):
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "mixed.csv", _mixed_upload(tmp_path))
    assert not at.exception
    assert not at.success  # a load that set records aside is no plain success
    [warning] = [_unescaped(w.value) for w in at.warning]
    load_id = int(_frame(at, "adds_up", not_="started_at")["load_id"].iloc[0])
    assert "Loaded mixed.csv with problems: 7 read = 6 loaded + 0 duplicate + 1 quarantined" in warning
    # as the CLI's exit-3 line: the file, the first bad record and its problem
    assert "First problem: line 3: created_at 'yesterday at noon' is not a date and time" in warning
    assert f"Quarantine table below (load {load_id})" in warning
    # and the table it points to shows that load's records
    assert at.selectbox(key="data_quarantine_load").value == load_id
    quarantined = _frame(at, "raw")
    assert quarantined["locator"].tolist() == ["line 3"] and quarantined["position"].tolist() == [2]
    # record 2 on line 3 read as a contradiction (a review): the headers and their help say which is which
    [grid] = [d for d in at.dataframe if "raw" in d.value]
    config = json.loads(grid.proto.columns)
    assert config["position"]["label"] == "record no." and "differ from the line" in config["position"]["help"]
    assert config["locator"]["help"].startswith("Where to find the record")


@pytest.mark.parametrize("encoding, noticed", [("cp1251", True), ("utf-8", False)])
def test_an_upload_not_in_utf8_says_how_it_was_read(fresh_db, monkeypatch, encoding, noticed):
    """As load says on stderr: a Cyrillic cp1251 file is stored with wrong letters, and the
    banner was a plain green 'Loaded' (a spec audit)."""
    data = (HEADER + "twitter:7770011,twitter,Brindlewick,@Brindlewick,c1,cust_one,10,false,"
            "2026-10-01T10:00:00+00:00,Привет ваш рейс отменён,post,,\n").encode(encoding)
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "cyrillic.csv", data)
    assert not at.exception
    [said] = [_unescaped(s.value) for s in at.success]
    assert said.startswith("Loaded cyrillic.csv: 1 read = 1 loaded")
    assert ("It is not UTF-8 and was read as Windows-1252: if its letters look wrong" in said) == noticed


def test_a_time_without_offset_gets_advice_the_upload_form_can_follow(fresh_db, monkeypatch, tmp_path):
    rows = [msg("nozone1", "c1", 0), msg("nozone2", "c2", 1)]
    rows[0]["created_at"] = "2024-01-08 10:00:00"
    write_csv(tmp_path / "nozone.csv", rows)
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "nozone.csv", (tmp_path / "nozone.csv").read_bytes())
    assert not at.exception
    [reason] = _frame(at, "raw")["reason"]
    # the form has no time-zone option: the advice is what a user of it can do
    assert "has no UTC offset (give the times with a UTC offset" in reason
    assert "--assume-tz ZONE" in reason and "pass --assume-tz" not in reason
    assert "give the times with a UTC offset" in _unescaped(at.warning[0].value)


def test_wrong_format_is_refused_with_the_loaders_reason(fresh_db, monkeypatch):
    before = _db_counts(fresh_db)[1]
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "tweets.json", b'{"data": [{"id": "1", "text": "hi"}]}\n', fmt="csv")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and "missing column" in errors[0] and "Traceback" not in errors[0]
    assert _frame(at, "adds_up", not_="started_at")["status"].iloc[0] == "failed"
    assert _db_counts(fresh_db)[1] == before


@pytest.mark.parametrize("fixture, chosen, right", [("twcs_pandas.csv", "csv", "twcs"),
                                                    ("canonical.csv", "twcs", "csv")])
def test_a_csv_upload_of_the_other_csv_format_names_the_format_to_choose(fresh_db, monkeypatch, fixture, chosen, right):
    """A twcs export loaded as csv was told to add a platform column or use --map, an option the
    page does not have; the header was the twcs one, and the fix is choosing twcs."""
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, fixture, (Path(__file__).parent / "fixtures" / fixture).read_bytes(), fmt=chosen)
    [error] = [e.value for e in at.error]
    assert f"looks like a {right} file: load it as {right}" in _unescaped(error)
    assert "--map" not in error
    _upload(at, fixture, (Path(__file__).parent / "fixtures" / fixture).read_bytes(), fmt=right)
    assert not at.error and at.success


def test_a_refused_upload_is_the_only_outcome_shown(fresh_db, monkeypatch, tmp_path):
    """An earlier upload's banner and accounting stayed under a refusal, two outcomes at once
    and nothing to say which was the current one."""
    previous = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)
    try:
        at = page_test("data", fresh_db, monkeypatch).run()
        _upload(at, "mixed.csv", _mixed_upload(tmp_path))
        assert [w for w in at.warning if "mixed.csv" in _unescaped(w.value)]
        _upload(at, "big.csv", GOOD + b"x" * (1024 * 1024 + 1))  # refused before any load starts
    finally:
        config.set_option("server.maxUploadSize", previous)
    assert not at.exception
    assert len(at.error) == 1 and "over the upload limit" in at.error[0].value
    assert not [w for w in at.warning if "mixed.csv" in _unescaped(w.value)]
    assert "Accounting of the last upload" not in [c.value for c in at.caption]


def test_ids_a_spreadsheet_wrote_in_scientific_notation_are_refused_with_what_to_do(fresh_db, monkeypatch):
    """A twcs export opened and saved in Excel: the banner said the digits were lost and asked
    whether the file was twcs (it was), with no word of how to get a file that loads."""
    saved = ("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\r\n"
             "1.23457E+17,777201,TRUE,Mon Nov 30 08:00:00 +0000 2026,@BramblePost where is my parcel,,\r\n")
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "excel.csv", saved.encode(), fmt="twcs")
    [error] = [e.value for e in at.error]
    assert "scientific notation" in error and "export the file again" in _unescaped(error)
    assert "export the file again" in load_log.quarantine(None)["reason"].iloc[0]


def test_an_upload_into_a_warehouse_that_cannot_be_replaced_says_so_plainly(fresh_db, monkeypatch):
    """In a folder made append-only (chattr +a: root may not rename there either) the upload was
    loaded and scored, then refused as "[Errno 1] Operation not permitted: '.../reputation.duckdb.next-4242'"."""
    before = _db_counts(fresh_db)
    at = page_test("data", fresh_db, monkeypatch).run()
    with file_attribute(fresh_db.parent, "a"):
        _upload(at, "brindlewick.csv", GOOD)
        assert not list(fresh_db.parent.glob("reputation.duckdb.next-*"))
    assert not at.exception
    assert [_unescaped(e.value) for e in at.error] == [
        f"Not loaded: {fresh_db}: cannot replace it with the new state (Operation not permitted); nothing was changed"]
    assert _db_counts(fresh_db) == before


def test_an_empty_upload_is_a_failed_load_naming_the_file(fresh_db, monkeypatch):
    # refused unnamed and unlogged, where the command line logs a failed load naming the file
    # (a user review)
    before_loads, _ = _db_counts(fresh_db)
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "empty.csv", b"")
    assert not at.exception
    [error] = [_unescaped(e.value) for e in at.error]
    assert "empty.csv" in error and "empty" in error.replace("empty.csv", "")
    assert _frame(at, "adds_up", not_="started_at")["status"].iloc[0] == "failed"
    assert _db_counts(fresh_db)[0] == before_loads + 1


def test_oversize_upload_is_refused(fresh_db, monkeypatch):
    before = _db_counts(fresh_db)
    previous = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)
    try:
        at = page_test("data", fresh_db, monkeypatch).run()
        assert "up to 1 MB" in at.file_uploader(key="data_file").label
        _upload(at, "big.csv", GOOD + b"x" * (1024 * 1024 + 1))
    finally:
        config.set_option("server.maxUploadSize", previous)
    assert not at.exception
    assert any("over the upload limit of 1 MB" in e.value for e in at.error)
    assert _db_counts(fresh_db) == before


def test_path_like_name_writes_only_inside_a_private_temp_dir(fresh_db, monkeypatch, tmp_path):
    # A fresh temp root: anything written by the upload must be inside it, and gone after.
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    victim = tmp_path / "escaped.csv"
    name = "../" * 12 + str(victim).lstrip("/")
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, name, GOOD)
    assert not at.exception
    assert not victim.exists()
    assert list(root.iterdir()) == []  # the private folder is removed after the load
    with warehouse.connect_readonly(fresh_db) as con:
        [file] = con.execute("SELECT file FROM loads ORDER BY load_id DESC LIMIT 1").fetchall()[0]
    assert file == "upload:escaped.csv"  # logged under its cleaned name, not a path


@pytest.mark.parametrize("name, shown", [("../../x", "x"), ("..\\..\\evil.csv", "evil.csv"),
                                         ("/etc/passwd", "passwd"), (".hidden", "hidden"),
                                         ("a b;c.csv", "a_b_c.csv"), ("", "upload"), ("..", "upload")])
def test_shown_name_is_never_a_path(name, shown):
    assert uploads.shown_name(name) == shown


def test_an_upload_queued_behind_another_load_says_it_is_waiting(fresh_db):
    """Two uploads started at once in two tabs: the second's bar read 'Writing the upload to a
    private temporary file' for as long as the first load ran (the command line said it waited)."""
    steps: list[str] = []
    before = _db_counts(fresh_db)[1]
    with open(fresh_db.with_name(fresh_db.name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as the other tab's load holds it
        queued = threading.Thread(target=uploads.load_upload, args=(GOOD, "second.csv", "csv", fresh_db),
                                  kwargs={"on_step": lambda done, message: steps.append(message)})
        queued.start()
        for _ in range(600):  # until the upload has reached the lock
            if any("waiting" in step for step in steps) or not queued.is_alive():
                break
            queued.join(0.1)
        fcntl.flock(lock, fcntl.LOCK_UN)
    queued.join()
    assert "Loading second.csv as csv: waiting for another load to finish" in steps
    assert steps.index("Loading second.csv as csv: waiting for another load to finish") < \
        steps.index("Loading second.csv as csv: reading the file")
    assert _db_counts(fresh_db)[1] == before + 2  # loaded once the lock was free


def test_load_upload_refuses_unknown_format(fresh_db):
    with pytest.raises(uploads.UploadRefused, match="unknown format"):
        uploads.load_upload(GOOD, "a.csv", "xml", fresh_db)


def test_a_huge_quarantined_record_is_shown_cut_with_its_length(tmp_path):
    # twenty records of 2M characters took the page 7.5 s to send whole (a user review)
    from etl.load import load_files
    path = tmp_path / "huge.csv"
    write_csv(path, [msg("c1", "alice", 0), msg("c2", "bob", 1, text="x" * 150_000)])
    [report] = load_files(tmp_path / "q.duckdb", "csv", [path], show_progress=False)
    assert report.rows_quarantined == 1
    with warehouse.connect_readonly(tmp_path / "q.duckdb") as con:
        [row] = load_log.quarantine.uncached(con).to_dict("records")
        [[whole]] = con.execute("SELECT raw FROM quarantine").fetchall()
    assert row["raw"] == whole[:load_log.RAW_CHARACTERS] + "…"
    assert row["raw_characters"] == len(whole) > 150_000


def test_an_upload_that_edits_stored_texts_says_so_in_its_banner_and_accounting(fresh_db, monkeypatch):
    # a review: the command line said '1 of them with a different text', the banner a plain
    # '2 duplicate'; and the accounting grid, in the load log's old order, hid its counts
    first = GOOD.split(b"\n")
    good = b"\n".join(first[:3]) + b"\n"  # the header and the two good rows
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "first.csv", good)
    _upload(at, "edited.csv", good.replace(b"my order is late", b"my order is very late"))
    assert not at.exception
    [banner] = [_unescaped(s.value) for s in at.success]
    assert "2 read = 0 loaded + 2 duplicate (1 of them with a different text: the stored one was kept)" in banner
    [grid] = [d for d in at.dataframe if "rows_other_text" in d.value]
    assert list(grid.proto.column_order)[:7] == ["load_id", "status", "rows_read", "rows_loaded", "rows_duplicate",
                                                 "rows_quarantined", "adds_up"]


def test_a_brand_given_to_a_csv_whose_rows_name_their_own_says_which_brand_they_kept(fresh_db, monkeypatch):
    # as load --brand says it: the Brand field read as if it relabelled the file, where each
    # row's own brand cell wins (the command line said so, the banner did not)
    at = page_test("data", fresh_db, monkeypatch).run()
    at.text_input(key="data_brand").set_value("Quillfern")
    _upload(at, "brindlewick.csv", GOOD)
    assert not at.exception
    [warning] = [_unescaped(w.value) for w in at.warning]
    assert ("3 read = 2 loaded + 0 duplicate + 1 quarantined. 2 of the 2 mentions loaded kept the brand their "
            "file gives (e.g. 'Brindlewick'), not the Brand field 'Quillfern', which names only the brand of "
            "rows that give none. No mention loaded is marked as the brand's") in warning
    at.text_input(key="data_brand").set_value("Brindlewick")
    _upload(at, "again.csv", GOOD.replace(b"777000", b"888000"))
    assert not any("kept the brand" in _unescaped(w.value) for w in at.warning)


def test_an_upload_whose_brand_posts_reply_to_nothing_says_they_answer_no_request(fresh_db, monkeypatch):
    # a newcomer's csv with no parent_id column: the brand's answer loaded as a post of its own,
    # the complaint counted unanswered, and the banner said only 'Loaded'
    rows = (HEADER + "twitter:7770021,twitter,Brindlewick,@Brindlewick,c1,cust_one,10,false,"
                     "2026-10-01T10:00:00+00:00,my order is late,post,,\n"
                   + "twitter:7770022,twitter,Brindlewick,@Brindlewick,b1,Brindlewick,900,true,"
                     "2026-10-01T10:20:00+00:00,@cust_one sorry! DM us,{kind},{parent},\n")
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "unlinked.csv", rows.format(kind="post", parent="").encode())
    assert not at.exception
    [banner] = [_unescaped(s.value) for s in at.success]
    assert banner == ("Loaded unlinked.csv: 2 read = 2 loaded + 0 duplicate + 0 quarantined. Brand accounts wrote 1 "
                      "of the 2 mentions loaded, and none of them replies to another (no parent_id), so the brand's "
                      "posts answer no request: an answer counts when its parent_id names the mention it replies to.")
    linked = rows.format(kind="reply", parent="twitter:7770031").replace("777002", "777003")
    _upload(at, "linked.csv", linked.encode())
    [banner] = [_unescaped(s.value) for s in at.success]
    assert banner == "Loaded linked.csv: 2 read = 2 loaded + 0 duplicate + 0 quarantined."


def test_the_load_log_totals_leave_failed_loads_out_of_the_rows_and_count_loads_that_do_not_add_up():
    """load_log.totals, the Data page's metrics: a failed load published nothing, so its rows are
    in no total (it is still a load run); a load whose counts miss a record is counted apart."""
    log = pd.DataFrame({"status": ["complete", "failed", "partial", "complete"],
                        "rows_read": [10, 7, 5, 4], "rows_loaded": [8, 0, 3, 4], "rows_duplicate": [2, 0, 1, 0],
                        "rows_quarantined": [0, 7, 1, 1], "stored_in_quarantine": [0, 0, 1, 0]})
    log["adds_up"] = log["rows_read"] == log["rows_loaded"] + log["rows_duplicate"] + log["rows_quarantined"]
    assert load_log.totals(log) == {"loads": 4, "rows_read": 19, "rows_loaded": 15, "rows_duplicate": 3,
                                    "rows_quarantined": 2, "stored_in_quarantine": 1, "not_adding_up": 1}
    assert all(type(value) is int for value in load_log.totals(log).values())  # printed with a thousands comma


def test_one_load_that_does_not_add_up_is_said_in_the_singular(tmp_path, monkeypatch):
    """'1 loads do not add up' read as a slip: one load's error says 'load does'."""
    from care_fixtures import load_one_ignored
    from etl import warehouse
    db = load_one_ignored(tmp_path)
    with warehouse.writer(db) as con:  # a log row whose counts miss a record, as a damaged log would
        con.execute("UPDATE loads SET rows_read = rows_read + 1")
    at = page_test("data", db, monkeypatch).run()
    assert not at.exception
    assert [e.value.split(":")[0] for e in at.error] == ["1 load does not add up"]


def test_an_upload_of_which_not_one_record_loaded_says_nothing_loaded_and_asks_the_format(fresh_db, monkeypatch):
    # a Twitter export loaded as facebook-json read 'Loaded tweets.json with problems' in a
    # warning, every record quarantined and no word of the format (a user review; the command
    # line asks 'is the file facebook-json?')
    tweets = "\n".join(json.dumps({"id": f"55500{i}", "text": f"Quillfern hello {i}", "author_id": "c1",
                                   "created_at": "2026-10-01T10:00:00.000Z"}) for i in range(3)).encode()
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "tweets.json", tweets, fmt="facebook-json")
    assert not at.exception
    assert not at.warning and not at.success
    [error] = [_unescaped(e.value) for e in at.error]
    assert error.startswith("Nothing loaded from tweets.json: 3 read = 0 loaded + 0 duplicate + 3 quarantined.")
    assert "is the file facebook-json? If not, choose its format and load it again. First problem: line 1" in error
    at.text_input(key="data_brand").set_value("Quillfern")
    _upload(at, "tweets.json", tweets, fmt="twitter-json")  # the right format loads them all
    [success] = [_unescaped(s.value) for s in at.success]
    assert "Loaded tweets.json: 3 read = 3 loaded" in success and not at.error


def test_a_csv_upload_of_which_not_one_record_loaded_names_the_records_fault_not_the_format(fresh_db, monkeypatch):
    # every time without an offset: the csv's header was right, yet the banner asked 'is the file
    # csv? If not, choose its format' before the problem that was the fault
    naive = (HEADER + "twitter:7770011,twitter,Brindlewick,@Brindlewick,c1,cust_one,10,false,"
                      "2026-10-01 10:00,my order is late,post,,\n").encode()
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "naive.csv", naive)
    assert not at.exception and not at.warning and not at.success
    [error] = [_unescaped(e.value) for e in at.error]
    assert error.startswith("Nothing loaded from naive.csv: 1 read = 0 loaded + 0 duplicate + 1 quarantined. "
                            "First problem: line 2: created_at")
    assert "is the file" not in error and "choose its format" not in error


def test_a_csv_upload_of_other_column_names_says_what_the_page_can_do_instead_of_map(fresh_db, monkeypatch):
    # a newcomer's own csv on the Data page: refused for its missing columns with no way on, as
    # the upload has no --map; a twcs export chosen as csv is still told its format, no more
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "mine.csv", b"id,platform,author,date,body\n1,twitter,fern_w,2026-10-30T09:15:00Z,late again\n")
    assert not at.exception
    [error] = [_unescaped(e.value) for e in at.error]
    assert error.endswith("missing column(s) mention_id, author_id, created_at, text; the header line is "
                          "id,platform,author,date,body" + uploads.MISSING_COLUMNS_ADVICE)
    assert "rename the file's columns" in error and "--map COLUMN=FIELD" in error
    twcs = b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    _upload(at, "twcs.csv", twcs)
    [error] = [_unescaped(e.value) for e in at.error]
    assert error.endswith("(this looks like a twcs file: load it as twcs)")


def test_the_quarantine_downloads_whole_for_a_user_of_the_page_alone(fresh_db, monkeypatch, tmp_path):
    # the grid shows a record's first characters and its own export is off: a user without the
    # command line had no way to get a rejected record back to mend it (a user review)
    rows = [msg("whole1", "c1", 0), msg("whole2", "c2", 1, text="Quillfern " + "y" * 5_000)]
    rows[1]["created_at"] = "last tuesday"
    write_csv(tmp_path / "long.csv", rows)
    given = download_buttons(monkeypatch)
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "long.csv", (tmp_path / "long.csv").read_bytes())
    assert not at.exception
    load_id = int(_frame(at, "adds_up", not_="started_at")["load_id"].iloc[0])
    assert given["data_quarantine_csv"]["file_name"] == f"quarantine-load-{load_id}.csv"
    exported = pd.read_csv(io.BytesIO(downloaded(given, "data_quarantine_csv")), dtype=str, keep_default_na=False)
    [record] = exported.to_dict("records")
    assert record["locator"] == "line 3" and "'last tuesday' is not a date and time" in record["reason"]
    with warehouse.connect_readonly(fresh_db) as con:
        [[whole]] = con.execute("SELECT raw FROM quarantine WHERE load_id = ?", [load_id]).fetchall()
    assert record["raw"] == whole and len(whole) > load_log.RAW_CHARACTERS  # whole, not cut as in the grid


def test_a_header_only_upload_warns_that_it_holds_no_records(fresh_db, monkeypatch):
    # an export of no rows read 'Loaded header.csv: 0 read = 0 loaded ...' in a green success
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "header.csv", HEADER.encode())
    assert not at.exception and not at.success
    [warning] = [_unescaped(w.value) for w in at.warning]
    assert warning.startswith("Nothing loaded from header.csv: it holds no records (0 read = 0 loaded")


def test_the_upload_offers_every_format_the_loader_reads():
    """The upload's list of formats is its own (app/uploads.py), not the loader's: a source
    adapter added to etl/sources (README: Adding a source) loaded from the command line only,
    and the Data page offered no word of it."""
    from etl.sources import FORMATS
    assert sorted(uploads.FORMATS) == sorted(FORMATS)
    assert set(uploads.FORMAT_HELP) == set(uploads._SUFFIX) == set(FORMATS)


def test_an_upload_with_no_row_the_brands_says_every_reply_reads_as_a_customers(fresh_db, monkeypatch):
    # a file with no is_brand column and no account named: the brand's reply loaded as a
    # customer's post and the banner said plain 'Loaded' (a review: the audit read 100% ghost town)
    rows = ("mention_id,platform,author_id,author_handle,created_at,text,brand,page\n"
            "nf1,twitter,u50,quinn_x,2026-10-25T09:00:00+00:00,@Hollow room was filthy,Hollow,@Hollow\n"
            "nf2,twitter,hh,Hollow,2026-10-25T09:30:00+00:00,@quinn_x so sorry!,Hollow,@Hollow\n")
    at = page_test("data", fresh_db, monkeypatch).run()
    _upload(at, "noflags.csv", rows.encode())
    assert not at.exception
    [banner] = [_unescaped(s.value) for s in at.success]
    assert banner == ("Loaded noflags.csv: 2 read = 2 loaded + 0 duplicate + 0 quarantined. No mention loaded is "
                      "marked as the brand's (no is_brand true) and no account of 'Hollow' is known, so every reply "
                      "reads as a customer's post: mark the brand's rows with is_brand, or load the file again with "
                      "the Brand accounts field naming the brand's accounts.")
    # and the load log keeps it, where it was said once and lost (a review: message None)
    assert _frame(at, "started_at")["message"].iloc[0] == "upload:noflags.csv: " + banner.split("quarantined. ")[1][:-1]
    at.text_input(key="data_accounts").set_value("hh")
    _upload(at, "noflags.csv", rows.encode())  # the account named: the reply is the brand's, nothing to say
    [banner] = [_unescaped(s.value) for s in at.success]
    assert banner == "Loaded noflags.csv: 2 read = 0 loaded + 2 duplicate + 0 quarantined."


def test_the_quarantined_tile_says_the_records_stored_and_those_counted_across_loads(fresh_db, monkeypatch, tmp_path):
    # a file with a bad record loaded twice: the tile read "Quarantined 2" over a table of 1 (a review)
    at = page_test("data", fresh_db, monkeypatch).run()
    for _ in range(2):
        _upload(at, "mixed.csv", _mixed_upload(tmp_path))
    assert not at.exception
    with warehouse.connect_readonly(fresh_db) as con:
        [(stored, counted)] = con.execute("SELECT (SELECT count(*) FROM quarantine), sum(rows_quarantined) "
                                          "FROM loads WHERE status <> 'failed'").fetchall()
    assert counted == stored + 1
    [tile] = [m for m in at.metric if m.label == "Quarantined"]
    assert tile.value == f"{stored:,} stored"
    assert f"{counted:,} counted across loads" in [c.value for c in at.caption]


def test_an_upload_sets_its_brands_time_zone_as_load_brand_timezone_does(fresh_db, monkeypatch):
    # the form had no zone: an uploaded Kolkata brand's hours of the week were read in UTC (a review)
    at = page_test("data", fresh_db, monkeypatch).run()
    before = _db_counts(fresh_db)
    at.text_input(key="data_brand_timezone").set_value("Asia/Kolkatta")
    _upload(at, "brindlewick.csv", GOOD)
    [error] = [_unescaped(e.value) for e in at.error]
    assert error == "Not loaded: the time zone 'Asia/Kolkatta' needs a Brand: it is the zone that brand's hours " \
                    "of the week are read in"
    at.text_input(key="data_brand").set_value("Brindlewick")
    _upload(at, "brindlewick.csv", GOOD)
    [error] = [_unescaped(e.value) for e in at.error]
    assert error == "Not loaded: the time zone 'Asia/Kolkatta' is not one this app knows: give an IANA name such " \
                    "as Asia/Kolkata or Europe/London"
    assert _db_counts(fresh_db) == before  # refused before the warehouse is touched
    at.text_input(key="data_brand_timezone").set_value(" Asia/Kolkata ")
    _upload(at, "brindlewick.csv", GOOD)
    assert not at.exception and not at.error
    with warehouse.connect_readonly(fresh_db) as con:
        assert con.execute("SELECT timezone FROM brands WHERE brand = 'Brindlewick'").fetchall() == [("Asia/Kolkata",)]


def test_an_upload_sets_its_brands_industry_and_keeps_its_time_zone(fresh_db, monkeypatch):
    # Share of voice compares a brand within its industry, which only `load --industry` could set:
    # an analyst uploading from the Data page had no way to give one
    at = page_test("data", fresh_db, monkeypatch).run()
    at.text_input(key="data_brand_industry").set_value("parcel delivery")
    _upload(at, "brindlewick.csv", GOOD)
    [error] = [_unescaped(e.value) for e in at.error]
    assert error == ("Not loaded: the industry 'parcel delivery' needs a Brand: it is the set that brand is "
                     "compared within on Trends > Share of voice")
    at.text_input(key="data_brand").set_value("Brindlewick")
    at.text_input(key="data_brand_timezone").set_value("Asia/Kolkata")
    _upload(at, "brindlewick.csv", GOOD)
    at.text_input(key="data_brand_timezone").set_value("")
    at.text_input(key="data_brand_industry").set_value(" couriers ")
    _upload(at, "brindlewick.csv", GOOD)  # the zone left empty keeps the one set before
    assert not at.exception and not at.error
    with warehouse.connect_readonly(fresh_db) as con:
        assert con.execute("SELECT timezone, industry FROM brands WHERE brand = 'Brindlewick'").fetchall() == [
            ("Asia/Kolkata", "couriers")]
