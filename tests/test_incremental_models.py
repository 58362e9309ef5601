"""A load that only adds mentions updates the marts for the threads and quarter hours it
touches (etl/models/incremental.py); every mart must then hold exactly the rows a full
rebuild makes. Random histories and increments, loaded through the real loader."""

from __future__ import annotations

import random

import pytest

from etl import models, pipeline, warehouse
from etl.models import incremental
from care_fixtures import (THANKS, brand_msg, load_rows, msg, rebuilt_copy, replies_into_latest_threads,
                           spy_calls, tables_differ)

MARTS = [m.name for m in models.load_models().values() if m.materialized == "table"]
TEXTS = [None, THANKS, "how do I change my plan?", "love it"]  # None: the default complaint


def _history(rng: random.Random, first: int, count: int, earlier: list[dict], start: float) -> list[dict]:
    """count mentions numbered from first, posted after `start` minutes: new posts, customer
    follow-ups, replies by other customers, brand replies and shares, with parents among
    `earlier` (other loads' rows) and their own, a few of them missing."""
    rows: list[dict] = []
    for number in range(first, first + count):
        known = earlier + rows
        minutes = start + (number - first) * rng.uniform(1, 90)
        role = rng.random()
        brand = rng.choice(["Acme", "Bolt"])
        parent = rng.choice(known) if known else None
        mid = f"m{number}"
        if parent is None or role < 0.3:
            rows.append(msg(mid, f"u{rng.randrange(6)}", minutes, brand=brand, text=rng.choice(TEXTS)))
        elif role < 0.5:
            rows.append(msg(mid, parent["author_id"], minutes, parent=parent["mention_id"].split(":")[-1],
                            brand=parent["brand"] or brand, text=rng.choice(TEXTS)))
        elif role < 0.7:
            rows.append(brand_msg(mid, minutes, parent=parent["mention_id"].split(":")[-1],
                                  brand=parent["brand"] or brand))
        elif role < 0.8:
            rows.append(msg(mid, f"u{rng.randrange(6)}", minutes, brand=brand,
                            shared=parent["mention_id"].split(":")[-1]))
        elif role < 0.9:  # a reply to a mention this history does not have (yet)
            rows.append(msg(mid, f"u{rng.randrange(6)}", minutes, parent=f"m{first + count + rng.randrange(5)}",
                            brand=brand))
        else:
            rows.append(msg(mid, f"u{rng.randrange(6)}", minutes, parent=parent["mention_id"].split(":")[-1],
                            brand=brand, text=rng.choice(TEXTS)))
    return rows


def _marts_differ(db, tmp_path) -> dict[str, int]:
    """How the marts of db differ from a full rebuild of its copy."""
    return tables_differ(db, rebuilt_copy(db, tmp_path, models.build_models), MARTS)


def _spy_rebuilds(monkeypatch, small: bool = True) -> list[int]:
    if small:
        # A small history's increment touches much of it: narrow regardless (past that
        # share, the narrowing is only slower, not different).
        monkeypatch.setattr(incremental, "_MOST_TOUCHED", 1.0)
    return spy_calls(monkeypatch, models, "build_models")


def _added_load(tmp_path, monkeypatch, db, rows, small: bool = True, **options) -> tuple[list[int], dict[str, int]]:
    """Load rows into db as an added load: the full rebuilds it made, and how the marts then
    differ from a full rebuild (itself a rebuild: counted before)."""
    rebuilds = _spy_rebuilds(monkeypatch, small)
    load_rows(tmp_path, rows, name="increment.csv", db=db, **options)
    return list(rebuilds), _marts_differ(db, tmp_path)


@pytest.mark.parametrize("seed", range(8))
def test_an_added_load_updates_the_marts_to_what_a_rebuild_makes(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    base = _history(rng, 0, 60, [], 0)
    db = load_rows(tmp_path, base, name="base.csv")
    # The increment starts inside the base's span and runs past it: it joins old threads,
    # answers old requests, brings missing parents, and opens new weeks.
    increment = _history(rng, 60, 25, base, 60 * 24 * rng.uniform(1, 10))
    rebuilds = _added_load(tmp_path, monkeypatch, db, increment)
    assert rebuilds == ([], {}), "the increment should have been applied without a rebuild"


def test_the_increment_reaches_into_old_threads(tmp_path, monkeypatch):
    # What the random cases rely on, spelled out once: a missing parent arriving, a follow-up
    # continuing an old request, a brand reply answering it, and a new week. The untouched
    # brand sorting first keeps Acme's code 1, where the narrowed run alone would say 0.
    db = load_rows(tmp_path, [msg("a1", "zed", 0, brand="Aardvark"), msg("c1", "alice", 0),
                              msg("c3", "bob", 5, parent="c2")], name="base.csv")
    increment = [msg("c2", "bob", 2), msg("c4", "alice", 9, parent="c1"), brand_msg("b1", 30, parent="c4"),
                 msg("c5", "erin", 60 * 24 * 8)]
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([], {})
    with warehouse.connect_readonly(db) as con:
        requests = dict(con.execute("SELECT request_id, first_response_id FROM care_requests").fetchall())
        roots = dict(con.execute("SELECT mention_id, root_id FROM threads").fetchall())
        runs = dict(con.execute("SELECT mention_id, request_id FROM care_messages").fetchall())
    # c3 was a request of its own until bob's earlier c2, which it answers, arrived.
    assert requests == {"twitter:a1": None, "twitter:c1": "twitter:b1", "twitter:c2": None,
                        "twitter:c5": None}
    assert roots["twitter:c3"] == runs["twitter:c3"] == "twitter:c2"


def test_replies_into_the_demo_history_update_its_marts_as_a_rebuild_would(fresh_db, tmp_path, monkeypatch):
    # The demo's world: two platforms, six brands with their own time zones, complete
    # exports with coverage.
    rows = replies_into_latest_threads(fresh_db)
    assert {row["platform"] for row in rows} == {"twitter", "facebook"}
    assert _added_load(tmp_path, monkeypatch, fresh_db, rows, small=False) == ([], {})


BASE = [msg("c1", "alice", 0, page="@acme_b"), msg("c2", "bob", 5, parent="c1"),
        msg("x1", "carol", 1, parent="x2"), msg("x2", "carol", 2, parent="x1")]


@pytest.mark.parametrize("more_base, increment", [
    pytest.param([], [msg("c9", "dave", 20, page="@acme_a")], id="a page sorting between stored ones"),
    pytest.param([msg("z1", "zoe", 3, brand="Zebra")], [msg("b9", "dave", 20, brand="Bongo")],
                 id="a brand sorting between stored ones"),
    pytest.param([], [{**msg("f9", "dave", 20), "platform": "facebook"}], id="a platform sorting first"),
    # c3 now continues c0 and takes its page: no request is left on @acme_c.
    pytest.param([msg("c3", "erin", 30, parent="c0", page="@acme_c")],
                 [msg("c0", "erin", 25, page="@acme_d")], id="a page left without requests"),
    pytest.param([msg("c3", "erin", 30, parent="c0", page="@acme_0")],
                 [msg("c0", "erin", 25, page="@acme_d"), msg("c8", "fay", 26, page="@acme_bb")],
                 id="a page gone and one new between"),
])
def test_an_increment_renumbers_the_codes_of_groupings_it_reorders(tmp_path, monkeypatch, more_base, increment):
    # A grouping's codes are its values' places in sorted order: a value new between stored
    # ones, or one left without requests, moves the stored rows' codes.
    db = load_rows(tmp_path, BASE + more_base, name="base.csv")
    assert _added_load(tmp_path, monkeypatch, db, increment) == ([], {})


@pytest.mark.parametrize("more_base, increment, options", [
    pytest.param([], [msg("c9", "dave", 20), msg("c1", "alice", 0, page="@acme_b", followers=10)], {},
                 id="a changed mention"),
    pytest.param([], [msg("c9", "dave", 20)], {"brand_settings": {"Acme": {"timezone": "Europe/Paris"}}},
                 id="a brand setting"),
    pytest.param([], [msg("c9", "dave", 20, parent="x1")], {}, id="a reply into a parent cycle"),
])
def test_what_an_increment_cannot_narrow_is_rebuilt_in_full(tmp_path, monkeypatch, more_base, increment,
                                                            options):
    db = load_rows(tmp_path, BASE + more_base, name="base.csv")
    assert _added_load(tmp_path, monkeypatch, db, increment, **options) == ([1], {})


def test_refresh_without_added_since_rebuilds(fresh_db, monkeypatch):
    rebuilds = _spy_rebuilds(monkeypatch)
    with warehouse.writer(fresh_db) as con:
        pipeline.refresh(con, show_progress=False, mentions_changed=False)
    assert rebuilds == [1]
