"""score_mentions against a real DuckDB file built from etl/schema.sql."""

from pathlib import Path

import duckdb
import pytest

from etl import scores, text
from etl.scores import score_key, score_mentions
from etl.text import SCORER_VERSION, text_hash

SCHEMA = Path(__file__).resolve().parent.parent / "etl" / "schema.sql"

MENTIONS = [
    # mention_id, author_id, is_brand, text
    ("twitter:1", "c1", False, "@AcmeAir flight delayed 3 hours, no gate agent"),
    ("twitter:2", "c2", False, "@AcmeAir thanks for the smooth flight!"),
    ("twitter:3", "acme", True, "@c1 Please DM us your booking reference. ^AB"),
    ("twitter:4", "c3", False, "@AcmeAir flight delayed 3 hours, no gate agent"),  # same text as 1
    ("twitter:5", "c4", False, ""),
]


def _connect(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(SCHEMA.read_text())
    return con


def _insert(con, rows, load_id=1):
    for mention_id, author, is_brand, body in rows:
        con.execute(
            """INSERT INTO mentions (mention_id, platform, brand, author_id, is_brand, created_at,
                                     text, kind, load_id)
               VALUES (?, 'twitter', 'AcmeAir', ?, ?, TIMESTAMPTZ '2024-03-01 10:00:00+00', ?, 'post', ?)""",
            [mention_id, author, is_brand, body, load_id],
        )


def _scores(con):
    return con.execute(
        "SELECT mention_id, text_hash, sentiment_label, is_complaint, needs_reply, is_deflection, "
        "complaint_reason, scorer_version FROM mention_scores ORDER BY mention_id"
    ).fetchall()


def test_scores_every_mention_once(tmp_path):
    con = _connect(tmp_path)
    _insert(con, MENTIONS)
    assert score_mentions(con) == 5
    rows = {r[0]: r for r in _scores(con)}
    assert set(rows) == {m[0] for m in MENTIONS}
    assert rows["twitter:1"][2:7] == ("negative", True, True, False, "delay")
    assert rows["twitter:2"][3] is False and rows["twitter:2"][2] == "positive"
    assert rows["twitter:3"][5] is True and rows["twitter:3"][4] is False
    assert rows["twitter:5"][2] == "neutral"
    assert rows["twitter:1"][1] == score_key(MENTIONS[0][3], False)
    assert rows["twitter:3"][1] == score_key(MENTIONS[2][3], True) != score_key(MENTIONS[2][3], False)
    assert {r[7] for r in rows.values()} == {SCORER_VERSION}
    assert score_mentions(con) == 0  # nothing new: nothing scored
    assert len(_scores(con)) == 5


def _spy_scored(monkeypatch) -> list[str]:
    """The texts handed to the analyzer from now on."""
    scored = []
    real = scores.TextScorer.submit
    monkeypatch.setattr(scores.TextScorer, "submit", lambda self, t, b: scored.extend(t) or real(self, t, b))
    return scored


def test_identical_text_reuses_the_stored_score(tmp_path, monkeypatch):
    con = _connect(tmp_path)
    _insert(con, MENTIONS[:3])
    score_mentions(con)
    # A stored score is trusted: tamper with it and a new copy of the text must copy it.
    con.execute("UPDATE mention_scores SET complaint_reason = 'other' WHERE mention_id = 'twitter:1'")
    scored = _spy_scored(monkeypatch)
    _insert(con, MENTIONS[3:])
    assert score_mentions(con) == 2
    assert scored == [""]  # only the new text went through the analyzer
    reason = con.execute("SELECT complaint_reason FROM mention_scores WHERE mention_id = 'twitter:4'").fetchone()
    assert reason == ("other",)


def test_a_few_texts_against_many_stored_scores_are_scored_afresh(tmp_path, monkeypatch):
    # Where a look-up would scan more stored scores than scoring the batch costs, the
    # analyzer scores even a known text: the tampered stored score is not copied.
    con = _connect(tmp_path)
    _insert(con, MENTIONS[:3])
    score_mentions(con)
    expected = con.execute("SELECT * EXCLUDE (mention_id) FROM mention_scores WHERE mention_id = 'twitter:1'").fetchall()
    con.execute("UPDATE mention_scores SET complaint_reason = 'other' WHERE mention_id = 'twitter:1'")
    monkeypatch.setattr(scores, "LOOKUP_WORTH", 1)  # 2 new texts against 3 stored scores
    scored = _spy_scored(monkeypatch)
    _insert(con, MENTIONS[3:])
    assert score_mentions(con) == 2
    assert sorted(scored) == ["", MENTIONS[3][3]]
    copy = con.execute("SELECT * EXCLUDE (mention_id) FROM mention_scores WHERE mention_id = 'twitter:4'").fetchall()
    assert copy == expected


def test_same_text_from_the_other_side_is_scored_afresh(tmp_path):
    con = _connect(tmp_path)
    body = "@c1 Please DM us your booking reference."
    _insert(con, [("twitter:10", "acme", True, body)])
    score_mentions(con)
    _insert(con, [("twitter:11", "c9", False, body)])
    assert score_mentions(con) == 1
    rows = dict(con.execute("SELECT mention_id, is_deflection FROM mention_scores").fetchall())
    assert rows == {"twitter:10": True, "twitter:11": False}


def test_a_key_stored_before_the_side_mark_is_not_copied_across_sides(tmp_path):
    con = _connect(tmp_path)
    body = "@c1 Please DM us your booking reference."
    _insert(con, [("twitter:10", "acme", True, body)])
    score_mentions(con)
    con.execute("UPDATE mention_scores SET text_hash = ?", [text_hash(body)])  # as stored before
    _insert(con, [("twitter:11", "c9", False, body)])
    assert score_mentions(con) == 1
    rows = dict(con.execute("SELECT mention_id, is_deflection FROM mention_scores").fetchall())
    assert rows == {"twitter:10": True, "twitter:11": False}


def test_scores_of_an_older_version_are_replaced(tmp_path, monkeypatch):
    con = _connect(tmp_path)
    _insert(con, MENTIONS)
    score_mentions(con)
    monkeypatch.setattr(scores, "SCORER_VERSION", "test-next")
    assert score_mentions(con) == 5
    versions = con.execute("SELECT DISTINCT scorer_version FROM mention_scores").fetchall()
    assert versions == [("test-next",)]


@pytest.mark.parametrize("count", [0, 1])
def test_small_tables(tmp_path, count):
    con = _connect(tmp_path)
    _insert(con, MENTIONS[:count])
    assert score_mentions(con) == count
    assert len(_scores(con)) == count


@pytest.mark.parametrize("pooled", [False, True])
def test_scoring_in_small_batches_gives_the_same_scores(tmp_path, monkeypatch, pooled):
    # Batches are pipelined: one is scored (pooled: by the worker processes) while the one
    # before is stored and the next read.
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    whole.mkdir(), parts.mkdir()
    one_pass, batched = _connect(whole), _connect(parts)
    for con in (one_pass, batched):
        _insert(con, MENTIONS)
    assert score_mentions(one_pass) == 5
    if pooled:  # two workers whatever the machine has
        monkeypatch.setattr(text, "PARALLEL_FROM", 1)
        monkeypatch.setattr(text, "_available_cores", lambda: 2)
    assert score_mentions(batched, batch=2) == 5
    assert _scores(batched) == _scores(one_pass)


@pytest.mark.parametrize("older_unscored", [False, True])
def test_a_new_load_scores_its_mentions_and_any_older_left_unscored(tmp_path, older_unscored):
    # new_since narrows the search to the new load only while every older mention is scored.
    con = _connect(tmp_path)
    _insert(con, MENTIONS[:3])
    score_mentions(con)
    if older_unscored:
        con.execute("DELETE FROM mention_scores WHERE mention_id = 'twitter:2'")
    _insert(con, MENTIONS[3:], load_id=2)
    assert score_mentions(con, batch=1, new_since=2) == (3 if older_unscored else 2)
    assert [row[0] for row in _scores(con)] == [m[0] for m in MENTIONS]
