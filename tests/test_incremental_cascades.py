"""A load that only adds mentions rebuilds the cascade trees its mentions join and takes the
other cascades as stored (etl.cascade_metrics.gather_forest_since); the cascades and their
nodes must then be exactly what a full recompute makes. Random histories of posts,
replies, shares (some flattened onto the root), brand replies and replies to mentions never
loaded, through the real loader."""

from __future__ import annotations

import random

import numpy as np
import pytest

from etl import cascade_metrics, warehouse
from care_fixtures import (brand_msg, load_rows, msg, rebuilt_copy, replies_into_latest_threads, spy_calls,
                           tables_differ)

TABLES = ("cascades", "cascade_nodes")


def _history(rng: random.Random, first: int, count: int, earlier: list[dict], start: float) -> list[dict]:
    rows: list[dict] = []
    for number in range(first, first + count):
        known = earlier + rows
        minutes = start + (number - first) * rng.uniform(1, 60)
        role = rng.random()
        target = rng.choice(known)["mention_id"].split(":")[-1] if known else None
        # mostly 10: the typical (median) follower count stays put, as over a large history
        author, followers = f"u{rng.randrange(12)}", rng.choice([10] * 6 + [None, 0, 500, 20000])
        mid = f"m{number}"
        if target is None or role < 0.25:
            rows.append(msg(mid, author, minutes, followers=followers))
        elif role < 0.5:
            rows.append(msg(mid, author, minutes, shared=target, followers=followers))
        elif role < 0.6:  # a quote (its own text) of what it shares
            rows.append(msg(mid, author, minutes, shared=target, kind="quote", followers=followers))
        elif role < 0.8:
            rows.append(msg(mid, author, minutes, parent=target, followers=followers))
        elif role < 0.9:
            rows.append(brand_msg(mid, minutes, parent=target))
        else:  # a reply to a mention no load will bring
            rows.append(msg(mid, author, minutes, parent=f"gone{number}", followers=followers))
    return rows


def _tables_differ(db, tmp_path) -> dict[str, int]:
    """How the cascade tables of db differ from a full recompute of its copy."""
    return tables_differ(db, rebuilt_copy(db, tmp_path, cascade_metrics.materialise), TABLES)


def _spy_whole_forests(monkeypatch) -> list[int]:
    return spy_calls(monkeypatch, cascade_metrics, "gather_forest")


@pytest.mark.parametrize("seed", range(8))
def test_an_added_load_leaves_the_cascades_a_full_recompute_makes(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    base = _history(rng, 0, 80, [], 0)
    db = load_rows(tmp_path, base, name="base.csv")
    increment = _history(rng, 80, 30, base, 60 * 24 * rng.uniform(0, 3))
    wholes = _spy_whole_forests(monkeypatch)
    load_rows(tmp_path, increment, name="increment.csv", db=db)
    assert wholes == [], "the increment should have rebuilt only the trees it joins"
    assert _tables_differ(db, tmp_path) == {}


def test_replies_into_the_demo_history_leave_its_cascades_as_a_recompute_would(fresh_db, tmp_path, monkeypatch):
    wholes = _spy_whole_forests(monkeypatch)
    load_rows(tmp_path, replies_into_latest_threads(fresh_db), name="increment.csv", db=fresh_db)
    assert wholes == []
    assert _tables_differ(fresh_db, tmp_path) == {}


def test_a_flattened_cascade_joined_by_new_shares_is_rebuilt_as_a_whole(tmp_path, monkeypatch):
    # Every share points at the root, so build_forest infers who shared from whom: a new
    # share changes the inference over the whole cascade, not only below its own parent.
    base = [msg("r", "root", 0, followers=100)] + [
        msg(f"s{i}", f"fan{i}", 5 * (i + 1), shared="r", followers=10 * (i + 1)) for i in range(5)]
    db = load_rows(tmp_path, base, name="base.csv")
    wholes = _spy_whole_forests(monkeypatch)
    load_rows(tmp_path, [msg("s9", "fan9", 40, shared="r", followers=5000),
                         msg("p1", "other", 41, followers=3)], name="increment.csv", db=db)
    assert wholes == []
    assert _tables_differ(db, tmp_path) == {}
    with warehouse.connect_readonly(db) as con:
        assert con.execute("SELECT size FROM cascades WHERE root_id = 'twitter:r'").fetchall() == [(7,)]


@pytest.mark.parametrize("increment", [
    pytest.param([msg("gone", "late", 1)], id="a parent an older reply was waiting for"),
    pytest.param([msg("c9", "newcomer", 30, followers=10 ** 9), msg("c8", "newcomer2", 31, followers=10 ** 9),
                  msg("c7", "newcomer3", 32, followers=10 ** 9)], id="the typical follower count moves"),
])
def test_what_the_stored_cascades_cannot_answer_is_recomputed_whole(tmp_path, monkeypatch, increment):
    base = [msg("a", "ann", 0, followers=10), msg("b", "bob", 2, parent="gone", followers=20),
            msg("c", "cid", 3, shared="a", followers=30)]
    db = load_rows(tmp_path, base, name="base.csv")
    wholes = _spy_whole_forests(monkeypatch)
    load_rows(tmp_path, increment, name="increment.csv", db=db)
    assert wholes == [1]
    assert _tables_differ(db, tmp_path) == {}


def test_a_second_read_of_a_stored_table_is_aligned_by_rowid():
    values, rows = np.array([10.0, 11.0, 12.0, 13.0]), np.array([7, 3, 9, 5])
    assert cascade_metrics._aligned(values, rows, rows) is values  # the same order: nothing moved
    assert cascade_metrics._aligned(values, rows, np.array([3, 5, 7, 9])).tolist() == [11.0, 13.0, 10.0, 12.0]
    with pytest.raises(RuntimeError):  # a row the first read did not see
        cascade_metrics._aligned(values, rows, np.array([3, 5, 7, 8]))
    with pytest.raises(RuntimeError):
        cascade_metrics._aligned(values, rows, np.array([3, 5, 7, 11]))
