"""A quarantined record whose mention a later (or earlier) load stored says so, in `python -m etl
quarantine` and on the Data page: a spec audit found a cut export's post, loaded whole from the
full export after it, still listed as if lost (SPEC 6). The quarantine itself is left as it was."""

from __future__ import annotations

import csv
import io
import json

from app_support import page_test
import pandas as pd

from app import load_log
from etl import warehouse
from etl.cli import build_parser, run_command
from support import CANONICAL_HEADER, FIXTURES, load, query, write_bytes


def _cut_then_whole(tmp_path):
    """Load 1: a facebook export cut inside its last comment (its post set aside cut short, the
    comment's item truncated); load 2: a csv line with a bad time; load 3: the whole export."""
    whole = (FIXTURES / "facebook_page.json").read_text()
    db = tmp_path / "w.duckdb"
    load(db, "facebook-json", write_bytes(tmp_path, "cut.json", whole[:whole.index('"Lovely') + 6]))
    load(db, "csv", write_bytes(tmp_path, "bad.csv", CANONICAL_HEADER
                                + "\ntwitter:9,twitter,N,@N,c1,,1,false,tomorrow,bad,post,,\n"))
    load(db, "facebook-json", write_bytes(tmp_path, "page.json", whole))
    return db


def _listed(db, capsys, *options) -> str:
    args = build_parser().parse_args(["quarantine", "--db", str(db), *options])
    assert run_command(args) == 0
    return capsys.readouterr().out


def test_the_quarantine_command_says_which_records_were_loaded_since(tmp_path, capsys):
    db = _cut_then_whole(tmp_path)
    rows = list(csv.DictReader(io.StringIO(_listed(db, capsys))))  # the bad csv line: loaded by none
    assert [(int(r["load_id"]), r["loaded_in"]) for r in rows] == [(1, "3"), (1, "3"), (2, "")]
    assert [r["loaded_in"] for r in json.loads(_listed(db, capsys, "--format", "json"))] == [3, 3, None]
    assert query(db, "SELECT count(*) FROM quarantine") == [(3,)]  # nothing taken out of it
    # the cut post and the truncated comment (its id read from its first key), both stored by load 3
    assert query(db, "SELECT load_id FROM mentions WHERE mention_id IN ('facebook:5550001_1', 'facebook:1_14')") \
        == [(3,), (3,)]


def test_the_data_page_quarantine_says_which_records_were_loaded_since(tmp_path, monkeypatch):
    db = _cut_then_whole(tmp_path)
    with warehouse.connect_readonly(db) as con:
        frame = load_log.quarantine.uncached(con)
    # newest load first, as the page lists them
    assert frame["load_id"].tolist() == [2, 1, 1]
    assert frame["loaded_in"].tolist() == [pd.NA, 3, 3]
    at = page_test("data", db, monkeypatch).run()
    assert not at.exception
    shown = next(f.value for f in at.dataframe if "raw" in f.value.columns)
    assert shown["loaded_in"].tolist() == [pd.NA, 3, 3]


def test_a_record_whose_id_no_load_stored_has_no_loaded_in(tmp_path, capsys):
    whole = (FIXTURES / "facebook_page.json").read_text()
    db = tmp_path / "w.duckdb"
    load(db, "facebook-json", write_bytes(tmp_path, "cut.json", whole[:whole.index('"Lovely') + 6]))
    assert [r["loaded_in"] for r in csv.DictReader(io.StringIO(_listed(db, capsys)))] == ["", ""]
