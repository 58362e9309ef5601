"""A load that only adds mentions updates the cascades from the stored ones
(etl.cascade_increment): it rebuilds the trees its mentions join, forecasts again the
cascades still open, and keeps the rest; the cascades and their nodes must then be exactly
what a full recompute makes. Random histories of posts, replies, shares (some flattened
onto the root), brand replies and replies to mentions never loaded, through the real
loader."""

from __future__ import annotations

import random
from datetime import datetime

import numpy as np
import pytest

from etl import cascade_increment, cascade_metrics, spread, warehouse
from etl.cascade_tree import typical_followers
from care_fixtures import (at, brand_msg, load_rows, msg, rebuilt_copy, replies_into_latest_threads, spy_calls,
                           tables_differ)

TABLES = ("cascades", "cascade_nodes")


def _history(rng: random.Random, first: int, count: int, earlier: list[dict], start: float,
             spacing: float = 60) -> list[dict]:
    """`count` mentions up to `spacing` minutes apart, linking to any earlier one."""
    rows: list[dict] = []
    for number in range(first, first + count):
        known = earlier + rows
        minutes = start + (number - first) * rng.uniform(1, spacing)
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


def _added_load(tmp_path, monkeypatch, db, rows, name="increment.csv") -> tuple[list[int], dict[str, int]]:
    """Load rows into db as an added load: the whole-forest recomputes it made, and how the
    cascade tables then differ from a full recompute (which recomputes whole: counted before)."""
    wholes = _spy_whole_forests(monkeypatch)
    load_rows(tmp_path, rows, name=name, db=db)
    return list(wholes), _tables_differ(db, tmp_path)


@pytest.mark.parametrize("seed", range(8))
def test_an_added_load_leaves_the_cascades_a_full_recompute_makes(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    base = _history(rng, 0, 80, [], 0)
    db = load_rows(tmp_path, base, name="base.csv")
    increment = _history(rng, 80, 30, base, 60 * 24 * rng.uniform(0, 3))
    recomputes = _added_load(tmp_path, monkeypatch, db, increment)
    assert recomputes == ([], {}), "the increment should have rebuilt only the trees it joins"


@pytest.mark.parametrize("seed", range(6))
def test_an_added_load_reaching_into_complete_cascades_leaves_what_a_recompute_makes(tmp_path, monkeypatch, seed):
    # Mentions up to a day apart: most cascades are complete (a week old) when the increment
    # comes, so the forecast is calibrated on stored cascades read from the tables, and the
    # increment replies to, shares and answers complete ones as well as open ones.
    rng = random.Random(100 + seed)
    base = _history(rng, 0, 120, [], 0, spacing=24 * 60)
    db = load_rows(tmp_path, base, name="base.csv")
    last = (datetime.fromisoformat(base[-1]["created_at"]) - at(0)).total_seconds() / 60
    increment = _history(rng, 120, 25, base, last + 30, spacing=120)
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([], {})


@pytest.mark.parametrize("seed", range(6))
def test_the_lone_roots_the_calibration_leaves_unread_change_nothing(tmp_path, monkeypatch, seed):
    # The increment reads only the first lone roots by hash (what fit() samples of them),
    # and the events of only the cascades fit() samples. With a sample of 6 a band, a
    # history of 120 mentions a day apart has more complete cascades than that, so the
    # rest go unread; the forecast must not change.
    for module in (spread, cascade_increment):
        monkeypatch.setattr(module, "MAX_CALIBRATION", 6)
    monkeypatch.setattr(spread, "MIN_CALIBRATION", 4)
    monkeypatch.setattr(spread, "MIN_BORROWED", 2)
    rng = random.Random(200 + seed)
    base = _history(rng, 0, 120, [], 0, spacing=24 * 60)
    db = load_rows(tmp_path, base, name="base.csv")
    with warehouse.connect_readonly(db) as con:
        complete_lone_roots = con.execute("""
            SELECT count(*) FROM cascades
            WHERE size = 1 AND root_created_at < (SELECT max(created_at) FROM mentions) - INTERVAL 8 DAYS""").fetchall()[0][0]
    assert complete_lone_roots > 6 + 1
    last = max((datetime.fromisoformat(row["created_at"]) - at(0)).total_seconds() / 60 for row in base)
    increment = _history(rng, 120, 25, base, last + 30, spacing=120)
    wholes = _spy_whole_forests(monkeypatch)
    # (as text, so NaN equals NaN; in the order the fits end: forecast_open fits its age
    # buckets side by side)
    models = spy_calls(monkeypatch, spread, "fit", record=repr)
    load_rows(tmp_path, increment, name="increment.csv", db=db)
    assert wholes == []
    added, models[:] = list(models), []
    assert _tables_differ(db, tmp_path) == {}
    assert added and sorted(added) == sorted(models), "the calibration must be the one a full recompute makes"


_REORDERED = "CREATE OR REPLACE TABLE cascade_nodes AS SELECT * FROM cascade_nodes ORDER BY "


@pytest.mark.parametrize("change, read_as_stored", [
    (None, [True, True]),                                        # as the cascade step writes them
    (_REORDERED + "root_id, node_id = root_id", [True, True]),   # each cascade together, its root last
    (_REORDERED + "hash(node_id)", [None, None]),                # scattered
    (_REORDERED + "node_id <> root_id, root_id", [None, None]),  # every root, then every other node
    # no root marked by its depth (the nodes' depths then stay wrong: only `cascades` compared)
    ("UPDATE cascade_nodes SET depth = 1 WHERE node_id = root_id", [None, None]),
])
def test_the_complete_cascades_nodes_are_read_as_stored_or_else_sorted(tmp_path, monkeypatch, change, read_as_stored):
    rng = random.Random(300)
    base = _history(rng, 0, 120, [], 0, spacing=24 * 60)
    db = load_rows(tmp_path, base, name="base.csv")
    if change:
        with warehouse.writer(db) as con:
            con.execute(change)
    reads = []
    as_stored, sorted_ = cascade_increment._grouped_nodes, cascade_increment._sorted_nodes

    def both(con, h, size):
        nodes = as_stored(con, h, size)
        reads.append(None if nodes is None else _same_cascades(_in_order(nodes), _in_order(sorted_(con, h, size))))
        return nodes
    monkeypatch.setattr(cascade_increment, "_grouped_nodes", both)
    last = (datetime.fromisoformat(base[-1]["created_at"]) - at(0)).total_seconds() / 60
    first = _history(rng, 120, 25, base, last + 30, spacing=120)
    load_rows(tmp_path, first, name="increment.csv", db=db)
    # a second: the first's nodes stored as the step writes them, the older ones as they were
    last = (datetime.fromisoformat(first[-1]["created_at"]) - at(0)).total_seconds() / 60
    load_rows(tmp_path, _history(rng, 145, 25, base + first, last + 30, spacing=120), name="second.csv", db=db)
    assert reads == read_as_stored
    compared = ("cascades",) if change and "depth" in change else TABLES
    assert tables_differ(db, rebuilt_copy(db, tmp_path, cascade_metrics.materialise), compared) == {}


def _in_order(runs) -> dict:
    """A read's nodes, cascade after cascade in the order of their hashes, each root first."""
    rows = runs.rows(np.arange(len(runs.run)))
    return {"time": runs.time[rows], "followers": runs.followers[rows], "is_root": runs.is_root[rows]}


def _same_cascades(nodes: dict, expected: dict) -> bool:
    """Whether two reads hold the same cascades in the same order, each root first (the
    other nodes of a cascade in any order)."""
    if not np.array_equal(nodes["is_root"], expected["is_root"]) or not nodes["is_root"][:1].all():
        return False

    def canonical(read: dict) -> np.ndarray:
        cascade = np.cumsum(read["is_root"])
        order = np.lexsort((read["followers"], read["time"], ~read["is_root"], cascade))
        return np.column_stack([read["time"][order], read["followers"][order]])
    return np.array_equal(canonical(nodes), canonical(expected), equal_nan=True)


def test_a_cascade_that_comes_of_age_between_loads_is_forecast_as_complete(tmp_path, monkeypatch):
    # Six days and 23 hours old at the first load, eight days at the second: no new mention
    # touches it, yet its forecast must become what it has.
    week = 7 * 24 * 60
    base = [msg("old", "ann", 0, followers=5000), msg("s1", "bob", 10, shared="old", followers=50),
            msg("late", "cid", week - 60, followers=10)]
    db = load_rows(tmp_path, base, name="base.csv")
    query = "SELECT predicted_final_size, size FROM cascades WHERE root_id = 'twitter:old'"
    with warehouse.connect_readonly(db) as con:
        predicted, size = con.execute(query).fetchall()[0]
    assert predicted > size
    increment = [msg("next", "dan", week + 24 * 60, followers=50)]
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([], {})
    with warehouse.connect_readonly(db) as con:
        assert con.execute(query).fetchall() == [(size, size)]


def test_replies_into_the_demo_history_leave_its_cascades_as_a_recompute_would(fresh_db, tmp_path, monkeypatch):
    assert _added_load(tmp_path, monkeypatch, fresh_db, replies_into_latest_threads(fresh_db)) == ([], {})


def test_a_flattened_cascade_joined_by_new_shares_is_rebuilt_as_a_whole(tmp_path, monkeypatch):
    # Every share points at the root, so build_forest infers who shared from whom: a new
    # share changes the inference over the whole cascade, not only below its own parent.
    base = [msg("r", "root", 0, followers=100)] + [
        msg(f"s{i}", f"fan{i}", 5 * (i + 1), shared="r", followers=10 * (i + 1)) for i in range(5)]
    db = load_rows(tmp_path, base, name="base.csv")
    increment = [msg("s9", "fan9", 40, shared="r", followers=5000), msg("p1", "other", 41, followers=3)]
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([], {})
    with warehouse.connect_readonly(db) as con:
        assert con.execute("SELECT size FROM cascades WHERE root_id = 'twitter:r'").fetchall() == [(7,)]


@pytest.mark.parametrize("increment", [
    pytest.param([msg("gone", "late", 1)], id="a parent an older reply was waiting for"),
    pytest.param([msg("lost", "late", 1)], id="a post an older share was waiting for"),
    pytest.param([msg("c9", "newcomer", 30, followers=10 ** 9), msg("c8", "newcomer2", 31, followers=10 ** 9),
                  msg("c7", "newcomer3", 32, followers=10 ** 9)],
                 id="the typical follower count moves, and an older count is unknown"),
])
def test_what_the_stored_cascades_cannot_answer_is_recomputed_whole(tmp_path, monkeypatch, increment):
    base = [msg("a", "ann", 0, followers=10), msg("b", "bob", 2, parent="gone", followers=20),
            msg("c", "cid", 3, shared="a", followers=30), msg("d", "dee", 4, shared="a", followers=None),
            msg("e", "eve", 5, shared="lost", followers=40)]
    db = load_rows(tmp_path, base, name="base.csv")
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([1], {})


@pytest.mark.parametrize("unknown", [
    pytest.param([], id="every older count known"),
    pytest.param([msg("f", "fay", 6, parent="a", followers=None), msg("g", "gus", 7, followers=None),
                  msg("h", "hal", 8, shared="e", followers=None)], id="unknown ones outside flattened shares"),
])
def test_a_moved_typical_follower_count_no_stored_cascade_used_is_taken_as_it_is(tmp_path, monkeypatch, unknown):
    # Of what an increment keeps, only flattened shares were attributed with the typical
    # count (to an unknown one): where no stored cascade has two shares and an unknown
    # count, new mentions moving it need no recompute. The new unknown counts take the new
    # value, in a flattened cascade's inference (every share points at the root) as in the
    # forecast.
    base = [msg("a", "ann", 0, followers=10), msg("b", "bob", 2, shared="a", followers=20),
            msg("c", "cid", 3, shared="a", followers=30), msg("e", "eve", 5, followers=40), *unknown]
    db = load_rows(tmp_path, base, name="base.csv")
    increment = [*(msg(f"n{i}", f"new{i}", 10 + i, shared="a", followers=10 ** 9) for i in range(4)),
                 msg("u", "unknown", 20, shared="a", followers=None), msg("v", "vic", 21, shared="e", followers=None)]
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([], {})


def test_a_moved_typical_follower_count_a_flattened_root_stood_on_is_recomputed_whole(tmp_path, monkeypatch):
    # The root's count unknown, its shares' known: which earlier participant the later
    # share is attributed to turns on the typical count, so moving it recomputes the step.
    base = [msg("r", "rob", 0, followers=None), msg("s1", "sue", 1, shared="r", followers=10),
            msg("s2", "sam", 30, shared="r", followers=10), msg("p", "pat", 2, followers=10)]
    db = load_rows(tmp_path, base, name="base.csv")
    increment = [msg(f"n{i}", f"new{i}", 40 + i, followers=10 ** 9) for i in range(5)]
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([1], {})


@pytest.mark.parametrize("seed", range(5))
def test_the_stored_typical_follower_count_is_the_forests(tmp_path, seed):
    # cascade_increment reads it with DuckDB's median; build_forest's is numpy's.
    rng = np.random.default_rng(seed)
    followers = rng.permutation(np.concatenate([rng.pareto(1.2, 500) * 50, rng.integers(0, 10 ** 9, 60)])).astype(np.int64)
    rows = [msg(f"m{i}", f"u{i}", i, followers=int(f)) for i, f in enumerate(followers[: 400 + seed])]
    db = load_rows(tmp_path, [*rows, msg("x", "ux", 0, followers=None)])  # one unknown: it stands in
    with warehouse.connect_readonly(db) as con:
        assert cascade_increment._typical_followers(con, since=10 ** 6) == typical_followers(
            followers[: 400 + seed].astype(np.float64))


@pytest.mark.parametrize("seed", range(8))
def test_the_typical_follower_count_is_kept_only_when_the_new_mentions_leave_it(tmp_path, seed):
    # With flattened shares of unknown counts stored, the typical count is kept when the
    # new mentions leave the median (numpy's, as build_forest takes it) where it was, and
    # None otherwise (the whole step then runs).
    # Few distinct counts often leave it; many often move it; an even count may put it
    # between two values.
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 4, 60) if seed % 2 else rng.integers(0, 10 ** 6, 60)
    counts = [None if rng.random() < 0.1 else int(v) for v in values[: 41 + seed]]
    split = 30 + seed
    got, every, older = _typical_after(tmp_path, counts[:split], counts[split:])
    assert got == (every if every == older else None)


@pytest.mark.parametrize("before, new", [
    ([1, 5, 9], [9]),          # an even count puts the median between 5 and 9: moved
    ([1, 5, 9], [0]),          # between 1 and 5: moved
    ([5, 5, 5], [9]),          # both middle places still 5: kept
    ([1, 5, 5, 9], [5, 0]),    # kept
    ([], [3]),                 # nothing known before
])
def test_the_typical_follower_count_at_the_edges_of_its_middle(tmp_path, before, new):
    got, every, older = _typical_after(tmp_path, before, new)
    assert got == (every if every == older else None)


@pytest.mark.parametrize("unknown_before", ["none", "alone"])
@pytest.mark.parametrize("before, new", [([1, 5, 9], [9]), ([1, 5, 9], [None, 0]), ([5, 5, 5], [9]), ([2], [7])])
def test_the_typical_follower_count_is_taken_as_it_is_when_no_stored_attribution_used_it(tmp_path, before, new,
                                                                                         unknown_before):
    got, every, older = _typical_after(tmp_path, before, new, unknown_before)
    if unknown_before == "none" and None not in new:  # no count unknown: its medians are not taken
        assert got == cascade_increment._STANDS_IN_FOR_NOTHING
    else:
        assert got == every


def _typical_after(tmp_path, before: list, new: list, unknown_before: str = "in shares") -> tuple:
    """(_typical_followers after a load of `before` then one of `new`, numpy's median of all
    the known counts, and of those before); None is an unknown count (a lone post's).
    unknown_before: what the first load also brings, every count unknown (so it has a row
    when `before` is empty): "in shares" a post shared twice, whose flattened shares are
    attributed with the typical count; "alone" a lone post; "none" nothing."""
    rows = [msg(f"m{i}", f"u{i}", i, followers=f) for i, f in enumerate([*before, *new])]
    unknown = {"in shares": [msg("x", "ux", 0, followers=None), msg("xs1", "us1", 1, shared="x", followers=None),
                             msg("xs2", "us2", 2, shared="x", followers=None)],
               "alone": [msg("x", "ux", 0, followers=None)], "none": []}[unknown_before]
    db = load_rows(tmp_path, [*rows[:len(before)], *unknown], name="base.csv")
    db = load_rows(tmp_path, rows[len(before):], name="increment.csv", db=db)
    with warehouse.connect_readonly(db) as con:
        since = con.execute("SELECT max(load_id) FROM mentions").fetchall()[0][0]
        got = cascade_increment._typical_followers(con, since)

    def known(counts):
        return typical_followers(np.array([f for f in counts if f is not None], dtype=np.float64))
    return got, known([*before, *new]), known(before)


@pytest.mark.parametrize("first", [
    pytest.param([], id="a first load of no mentions"),
    pytest.param([brand_msg("b", 0)], id="a first load of brand posts alone"),
])
def test_a_load_after_one_that_left_no_customer_cascade_loads(tmp_path, monkeypatch, first):
    # SPEC 6: the file loads. The empty forest was stored with untyped columns (every later
    # load failed adding to them); a stored brand post's row came back in two chunks, which
    # the stored cascades' table could not take.
    db = load_rows(tmp_path, first, name="first.csv")
    recomputes = _added_load(tmp_path, monkeypatch, db, [msg("p", "ann", 60), msg("s", "bob", 90, shared="p")],
                             name="next.csv")
    assert recomputes == ([], {}), "the stored tables should take the added load's rows"
    with warehouse.connect_readonly(db) as con:
        assert con.execute("SELECT size FROM cascades WHERE root_id = 'twitter:p'").fetchall() == [(2,)]


def test_cascade_tables_an_older_version_stored_untyped_are_recomputed(tmp_path):
    db = load_rows(tmp_path, [msg("p", "ann", 0)], name="first.csv")
    with warehouse.writer(db) as con:  # a column as the version before stored an empty forest's
        con.execute("CREATE OR REPLACE TABLE cascade_nodes AS SELECT * REPLACE (NULL AS kind) FROM cascade_nodes")
    load_rows(tmp_path, [msg("s", "bob", 90, shared="p")], name="next.csv", db=db)
    assert _tables_differ(db, tmp_path) == {}
