"""A record naming itself as its parent or shared mention is kept without that link, and the
load says so once per file, with a count and the first one's locator (SPEC 6: nothing silently)."""

from __future__ import annotations

import json

import pytest

from support import CANONICAL_HEADER, assert_accounted, load, query, write_bytes


def _csv(tmp_path, link: str):
    """A canonical csv (read a batch at a time) whose lines 3 and 4 name themselves."""
    def row(n, own=False):
        target = f"twitter:{n}" if own else ""
        parent, shared = (target, "") if link == "parent_id" else ("", target)
        return f"twitter:{n},twitter,N,@N,c{n},,1,false,2025-05-01T08:0{n}:00Z,text {n},post,{parent},{shared}"
    lines = [CANONICAL_HEADER, row(1), row(2, own=True), row(3, own=True), row(4)]
    return "csv", write_bytes(tmp_path, "rows.csv", "\n".join(lines) + "\n"), "line 3"


def _twitter_json(tmp_path, link: str):
    """Twitter v1 lines (read a record at a time) whose lines 2 and 3 name themselves."""
    def tweet(n, own=False):
        value = {"id_str": str(n), "user": {"id_str": f"u{n}", "screen_name": f"user{n}"},
                 "created_at": "Wed Oct 11 10:00:00 +0000 2017", "text": f"text {n}"}
        if own:
            value["in_reply_to_status_id_str" if link == "parent_id" else "quoted_status_id_str"] = str(n)
        return json.dumps(value)
    lines = [tweet(1), tweet(2, own=True), tweet(3, own=True), tweet(4)]
    return "twitter-json", write_bytes(tmp_path, "tweets.jsonl", "\n".join(lines) + "\n"), "line 2"


@pytest.mark.parametrize("link", ["parent_id", "shared_id"])
@pytest.mark.parametrize("written", [_csv, _twitter_json], ids=["csv-batch", "twitter-json-by-record"])
def test_a_self_link_is_dropped_and_said_once_with_the_first_locator(tmp_path, written, link):
    fmt, path, first = written(tmp_path, link)
    db = tmp_path / "w.duckdb"
    [report] = load(db, fmt, path)
    assert_accounted(report)
    assert (report.rows_loaded, report.rows_quarantined) == (4, 0)  # kept, as before
    assert query(db, f"SELECT count({link}) FROM mentions") == [(0,)]
    assert (report.rows_self_linked, report.first_self_linked) == (2, first)
    said = [note for note in report.notes if "own mention_id" in note]
    assert said == [f"2 records name their own mention_id as parent_id or shared_id (first: {first}): kept "
                    "without that link, as a mention can neither reply to nor share itself"]


def test_a_file_without_self_links_says_nothing_of_them(tmp_path):
    db = tmp_path / "w.duckdb"
    [report] = load(db, "csv", write_bytes(tmp_path, "rows.csv", CANONICAL_HEADER + "\n"
                                           "twitter:1,twitter,N,@N,c1,,1,false,2025-05-01T08:00:00Z,hi,post,,\n"
                                           "twitter:2,twitter,N,@N,c2,,1,false,2025-05-01T08:01:00Z,yo,reply,"
                                           "twitter:1,\n"))
    assert report.rows_self_linked == 0
    assert not [note for note in report.notes if "own mention_id" in note]
