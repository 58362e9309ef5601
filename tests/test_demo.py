"""The demo history: deterministic, the size and shape asked for, loaded through the real
loader, and carrying the care policies in its raw data."""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from etl import demo, pipeline
from etl.cli import main
from etl.demo_chunks import twitter_chunk
from etl.demo_export import PULLS, FacebookPulls, Node, TwitterMonths
from etl.demo_text import Picker, Wording, mangle
from etl.demo_world import BRANDS, POLICIES

MENTIONS = 6000
CONTENT = ("mention_id, platform, brand, page, author_id, author_handle, author_followers, is_brand, "
           "created_at, text, kind, parent_id, shared_id, likes, shares, replies")


def _query(db, sql, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql, list(params)).fetchall()


def _brand(policy: str) -> str:
    return next(b.name for b in BRANDS if b.policy.name == policy)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    summary = demo.run(db, mentions=MENTIONS, seed=11, show_progress=False)
    return db, summary


# ----------------------------------------------------------------------------- determinism

def _first_start(db_path):
    """What dashboard.py does when no database exists: build the demo behind a progress bar."""
    import streamlit as st

    from etl.demo import ensure_demo
    bar = st.progress(0.0, text="Building the demo database")
    built = ensure_demo(db_path, on_progress=lambda f, m: bar.progress(f, text=m), mentions=2000, seed=1)
    bar.empty()
    st.write("built" if built else "found")


def test_same_seed_same_history_and_another_seed_another(tmp_path):
    first, again, other = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "c.duckdb"
    assert main(["demo", "--mentions", "2000", "--seed", "1", "--db", str(first), "--quiet"]) == 0
    app = AppTest.from_function(_first_start, args=(str(again),), default_timeout=120).run()
    assert not app.exception and [m.value for m in app.markdown] == ["built"]
    told = []
    demo.run(other, mentions=2000, seed=2, show_progress=False,
             on_progress=lambda f, m: told.append((f, m)))
    fractions, labels = [f for f, _ in told], [m for _, m in told]
    table = f"SELECT {CONTENT} FROM mentions ORDER BY mention_id"
    rows = _query(first, table)
    assert len(rows) > 1000
    assert rows == _query(again, table)
    assert rows != _query(other, table)
    # A progress bar fed by on_progress moves forward and ends full.
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 10
    # and its label names the stage running, not only which files (which read as done)
    assert any(label.endswith(": updating the cascades") for label in labels)
    assert labels[-2].endswith(": publishing") and labels[-1] == "demo loaded"
    # A second start finds the database and builds nothing.
    assert [m.value for m in AppTest.from_function(_first_start, args=(str(again),)).run().markdown] == ["found"]


def test_a_chunk_does_not_depend_on_what_was_generated_before(tmp_path):
    plan = demo._Plan(20_000, seed=5)
    brand = BRANDS[1]

    def rows_of_week(week, warm_up):
        out = TwitterMonths(tmp_path / f"{week}-{warm_up}")
        out.directory.mkdir()
        for earlier in warm_up:
            twitter_chunk(plan.chunk(brand, "twitter", earlier), earlier, plan.per_weight[1, "twitter"], out)
        before = out.rows
        twitter_chunk(plan.chunk(brand, "twitter", week), week, plan.per_weight[1, "twitter"], out)
        for month in range(7):
            out.finish(month)
        return out.rows - before

    assert rows_of_week(9, ()) == rows_of_week(9, (7, 8)) > 0


# ----------------------------------------------------------------------------- size and shape

def test_counts_and_span_as_configured(built):
    db, summary = built
    assert 0.8 * MENTIONS <= summary["mentions"] <= 1.2 * MENTIONS
    assert summary["brands"] >= 6 and summary["platforms"] >= 2
    assert summary["days"] >= 180
    assert summary["shares"] > 0 and summary["quotes"] > 0
    industries = _query(db, "SELECT count(DISTINCT industry), count(*) FILTER (WHERE timezone <> 'UTC') FROM brands")
    assert industries[0][0] >= 2 and industries[0][1] == len(BRANDS)
    kinds = dict(((p, k), n) for p, k, n in
                 _query(db, "SELECT platform, kind, count(*) FROM mentions GROUP BY ALL"))
    for platform_kind in [("twitter", "post"), ("twitter", "reply"), ("twitter", "share"),
                          ("twitter", "quote"), ("facebook", "post"), ("facebook", "comment"),
                          ("facebook", "reply")]:
        assert kinds.get(platform_kind, 0) > 0, platform_kind
    both = _query(db, "SELECT count(*) FROM (SELECT brand FROM mentions GROUP BY brand "
                      "HAVING count(DISTINCT platform) = 2)")
    assert both[0][0] >= 1


def test_every_mention_is_attributed_and_linked(built):
    db, _ = built
    unattributed = _query(db, "SELECT count(*) FROM mentions WHERE brand IS NULL OR page IS NULL")
    dangling = _query(db, """SELECT count(*) FROM mentions m WHERE coalesce(m.parent_id, m.shared_id) IS NOT NULL
                             AND coalesce(m.parent_id, m.shared_id) NOT IN (SELECT mention_id FROM mentions)""")
    backwards = _query(db, """SELECT count(*) FROM mentions m JOIN mentions p ON p.mention_id = m.parent_id
                              WHERE m.created_at < p.created_at""")
    flattened = _query(db, """SELECT count(*) FROM mentions m JOIN mentions r ON r.mention_id = m.shared_id
                              WHERE m.kind IN ('share', 'quote') AND r.kind <> 'post'""")
    assert unattributed[0][0] == 0 and backwards[0][0] == 0 and flattened[0][0] == 0
    # Deleted facebook comments can leave replies behind only if those were seen; nothing else dangles.
    assert dangling[0][0] == 0


def test_loaded_as_periodic_exports_without_losing_a_record(built):
    db, summary = built
    loads = _query(db, "SELECT format, status, rows_quarantined FROM loads")
    assert {f for f, _, _ in loads} == {"csv", "facebook-json"}
    assert all(status == "complete" and q == 0 for _, status, q in loads)
    pages = _query(db, "SELECT page, count(DISTINCT load_id) FROM load_coverage GROUP BY page")
    assert len(pages) == sum("facebook" in b.platforms for b in BRANDS)
    assert all(pulls == len(PULLS) for _, pulls in pages)
    # Each format's exports load oldest first, one row per file: a pull never precedes an older one.
    for fmt in ("csv", "facebook-json"):
        files = [f for (f,) in _query(db, "SELECT file FROM loads WHERE format = ? ORDER BY load_id", [fmt])]
        months = [re.search(r"(\d{4}-\d{2})\.\w+$", f).group(1) for f in files]
        assert len(set(files)) == len(files) > 1 and months == sorted(months) and len(set(months)) == len(PULLS)


def test_the_history_is_loaded_with_one_refresh_per_format(tmp_path, monkeypatch):
    # Each load_files call recomputes every derived table; one call per month made the demo slow.
    refreshes = []
    real = pipeline.refresh
    monkeypatch.setattr(pipeline, "refresh", lambda con, **kw: (refreshes.append(1), real(con, **kw)))
    summary = demo.run(tmp_path / "demo.duckdb", mentions=1000, seed=3, show_progress=False)
    assert len(refreshes) == 2 and summary["loads"] > 2 * len(PULLS)


def test_only_the_deleting_brand_has_comments_vanish_from_later_exports(built):
    db, summary = built
    deleted = summary["deleted_detected"]
    assert set(deleted) == {_brand("deleter")} and deleted[_brand("deleter")] > 10
    # What vanished first are customers' complaints (comments or visitor posts); replies go with them.
    vanished = _query(db, """
        WITH gone AS (
            SELECT m.* FROM mentions m JOIN mention_sightings s USING (mention_id)
            WHERE m.platform = 'facebook'
              AND s.last_load_id < (SELECT max(load_id) FROM load_coverage c WHERE c.page = m.page))
        SELECT DISTINCT kind, is_brand FROM gone
        WHERE parent_id IS NULL OR parent_id NOT IN (SELECT mention_id FROM gone)""")
    assert set(vanished) <= {("comment", False), ("post", False)} and ("comment", False) in vanished


# ----------------------------------------------------------------------------- the world

def test_followers_are_heavy_tailed_with_famous_accounts(built):
    db, _ = built
    median, top = _query(db, """SELECT median(f), max(f) FROM (SELECT DISTINCT author_id, author_followers f
                                FROM mentions WHERE platform = 'twitter' AND NOT is_brand)""")[0]
    assert median < 1000 and top >= 100_000


def test_an_incident_makes_a_spike(built):
    db, _ = built
    daily = dict(_query(db, """SELECT created_at::DATE, count(*) FROM mentions
                               WHERE brand = 'Nimbalo Mobile' AND NOT is_brand GROUP BY 1"""))
    spike = max(daily, key=daily.get)
    assert str(spike) in ("2026-08-18", "2026-08-19")
    assert daily[spike] > 4 * np.median(list(daily.values()))


def test_customers_write_less_at_night_than_at_midday(built):
    db, _ = built
    by_hour = dict(_query(db, """SELECT hour(m.created_at AT TIME ZONE b.timezone), count(*)
                                 FROM mentions m JOIN brands b USING (brand)
                                 WHERE NOT m.is_brand AND m.kind IN ('post', 'comment') GROUP BY 1"""))
    assert by_hour[12] > 4 * by_hour[3]


def test_wording_varies_like_real_posts(built):
    db, _ = built
    texts = [t for (t,) in _query(db, """SELECT text FROM mentions WHERE NOT is_brand
                                         AND kind IN ('post', 'comment')""")]
    assert len(set(texts)) > 0.6 * len(texts)
    assert any("\ufe0f" in t for t in texts)                       # emoji with variation selector
    assert any("#" in t for t in texts)
    assert any(t.isupper() for t in [w for x in texts for w in x.split() if len(w) > 5])
    assert any(t.startswith("@") and "can I" in t and not t.endswith("?") for t in texts)
    assert any("Great, " in t or "never change" in t for t in texts)  # sarcasm


def test_typos_change_words_but_keep_the_message():
    picker = Picker(np.random.default_rng(3))
    text = "my flight has been delayed again and nobody is helping"
    mangled = {mangle(picker, text) for _ in range(50)}
    assert len(mangled) > 20
    assert all(abs(len(m) - len(text)) <= 2 for m in mangled)


# ----------------------------------------------------------------------------- policies in raw data

_ROOT_RESPONSE = """
WITH roots AS (
    SELECT * FROM mentions
    WHERE NOT is_brand AND kind IN ('post', 'comment')
      AND (parent_id IS NULL OR parent_id IN (SELECT mention_id FROM mentions WHERE is_brand))),
run AS (  -- the root and the customer's own follow-ups under it
    SELECT r.mention_id AS root, m.mention_id FROM roots r
    JOIN mentions m ON m.parent_id = r.mention_id AND m.author_id = r.author_id
    UNION ALL SELECT mention_id, mention_id FROM roots),
answer AS (
    SELECT run.root, min(b.created_at) AS at FROM run JOIN mentions b ON b.parent_id = run.mention_id AND b.is_brand
    GROUP BY run.root)
SELECT r.brand, avg((a.at IS NOT NULL AND a.at <= r.created_at + INTERVAL 72 HOURS)::INT)
FROM roots r LEFT JOIN answer a ON a.root = r.mention_id GROUP BY r.brand
"""


def test_each_policy_shows_in_the_raw_threads(built):
    db, _ = built
    answered = dict(_query(db, _ROOT_RESPONSE))
    ghost, fast = _brand("ghost-town"), _brand("always-on")
    assert min(answered, key=answered.get) == ghost
    assert max(answered, key=answered.get) == fast
    assert answered[fast] - answered[ghost] >= 0.4

    office = _brand("office-hours")
    outside = _query(db, """SELECT count(*) FILTER (WHERE isodow(t) > 5 OR hour(t) < 9 OR hour(t) >= 17), count(*)
                            FROM (SELECT created_at AT TIME ZONE 'Europe/Berlin' AS t FROM mentions
                                  WHERE brand = ? AND is_brand AND kind <> 'post')""", [office])[0]
    assert outside[1] > 20 and outside[0] == 0

    deflections = dict(_query(db, """SELECT brand, avg(regexp_matches(text, 'DM|call us|form at|see https|via https|email us')::INT)
                                     FROM mentions WHERE is_brand AND kind <> 'post' GROUP BY brand"""))
    deflector = _brand("deflector")
    assert max(deflections, key=deflections.get) == deflector and deflections[deflector] > 0.5

    slow = _brand("slow")
    medians = dict(_query(db, """SELECT m.brand, median(epoch(m.created_at - p.created_at)) FROM mentions m
                                 JOIN mentions p ON p.mention_id = m.parent_id
                                 WHERE m.is_brand AND NOT p.is_brand GROUP BY m.brand"""))
    assert medians[slow] > 10 * medians[fast]


# ----------------------------------------------------------------------------- exports and entry points

def test_a_page_export_shows_a_comment_until_it_is_deleted_and_its_replies_go_with_it(tmp_path):
    day = 86400
    post = Node(PULLS[0] - 10 * day, None, {"id": "1_1"})
    comment = Node(PULLS[0] - 2 * day, PULLS[0] + 3 * day, {"id": "1_2"})
    reply = Node(PULLS[0] - 1 * day, None, {"id": "1_3"})
    comment.children.append(reply)
    post.children.append(comment)
    assert post.state(PULLS[0])["comments"]["data"][0]["comments"]["data"][0]["id"] == "1_3"
    assert "comments" not in post.state(PULLS[1])
    pulls = FacebookPulls(tmp_path)
    pulls.add("1", post)
    pulls.close()
    first, second = pulls.export("1", 0), pulls.export("1", 1)
    assert "1_2" in first.read_text() and "1_2" not in second.read_text()


def test_the_demo_never_overwrites_a_database_unless_asked(tmp_path):
    db = tmp_path / "real.duckdb"
    db.write_bytes(b"precious")
    with pytest.raises(demo.DemoError):
        demo.run(db, mentions=2000, show_progress=False)
    assert not demo.ensure_demo(db)
    assert db.read_bytes() == b"precious"
    assert main(["demo", "--mentions", "2000", "--db", str(db), "--quiet"]) == 1


def test_policies_are_distinct_and_every_brand_is_invented():
    assert len({b.policy.name for b in BRANDS}) == len(POLICIES) == 6
    assert all(b.site.split("/")[0].endswith(".example") for b in BRANDS)
    assert len({b.handle for b in BRANDS}) == len({b.page_id for b in BRANDS}) == len(BRANDS)
    assert all(Wording(b).topic_count() >= 6 for b in BRANDS)


def test_exports_are_loaded_in_batches_of_bounded_size(tmp_path):
    from etl.demo import _batches

    paths = []
    for i, size in enumerate([40, 70, 10, 200, 5, 5]):
        path = tmp_path / f"export-{i}"
        path.write_bytes(b"x" * size)
        paths.append(path)
    batches = _batches(paths, budget=100)
    assert [[p.name for p in batch] for batch in batches] == [
        ["export-0", "export-1"], ["export-2", "export-3"], ["export-4", "export-5"]]
    assert [p for batch in batches for p in batch] == paths  # order kept, nothing dropped
