"""No list links a mention the demo generator made up, and every list keeps a real file's links.

The demo's mentions have ids shaped as real ones (twitter:<19 digits>, facebook:<page>_<post>): a link
built from one opened no post of theirs, or a stranger's real one. dashboard_db holds the demo history
and the hostile corpus, loaded from a CSV like any export: each list below shows rows of both."""

from __future__ import annotations

import pandas as pd
import pytest
from app_support import page_test

import hostile
from app import audit, care, demo_links, risk, safe, trends, weekly, weekly_risks
from app.filters import Filters
from etl import warehouse

HOSTILE_DAY = pd.Timestamp("2025-03-03")
ALL = Filters()


def _both(*frames: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True)


def _audits(con, part: str) -> pd.DataFrame:
    """`part` of the audits of the hostile corpus's brand and a demo brand (page, HTML/PDF and CSVs)."""
    frames = []
    for brand in (hostile.BRAND, _demo_brand(con)):
        result = audit.build_audit(con, brand)
        if part == "requests":  # the requests export
            frames.append(audit.all_requests(con, brand, None, result.as_of, None, 72.0, 60.0))
        elif part == "deflections":  # the deflections export, whose newest the report lists
            frames.append(audit.all_deflections(con, brand, None, result.as_of, None))
        else:
            frames.append(getattr(result, part))
    return _both(*frames)


def _demo_brand(con) -> str:
    """The demo brand whose comments were deleted (the audit's deleted list), the fixture's one."""
    return con.execute("SELECT brand FROM deleted_mentions GROUP BY brand ORDER BY count(*) DESC, brand").fetchone()[0]


def _demo_day(con) -> pd.Timestamp:
    """The demo brand's busiest UTC day: the hostile corpus's mentions are a year older than the demo's."""
    return pd.Timestamp(con.execute("SELECT date_trunc('day', created_at)::DATE FROM mentions WHERE brand = ? "
                                    "GROUP BY 1 ORDER BY count(*) DESC, 1", [_demo_brand(con)]).fetchone()[0])


def _drill_down(con) -> pd.DataFrame:
    return _both(*(trends.bucket_mentions.uncached(con, ALL, day, "day", limit=None)
                   for day in (HOSTILE_DAY, _demo_day(con))))


def _spike_posts(con) -> pd.DataFrame:
    return _both(*(trends.spike_mentions.uncached(con, ALL, brand, day.to_pydatetime())
                   for brand, day in ((hostile.BRAND, HOSTILE_DAY), (_demo_brand(con), _demo_day(con)))))


def _weekly_risks(con) -> pd.DataFrame:
    demo_week = _demo_day(con).isocalendar()
    weeks = (("2025-W10", hostile.BRAND), (f"{demo_week.year}-W{demo_week.week:02d}", _demo_brand(con)))
    risks = []
    for week, brand in weeks:
        rows, _ = weekly.week_rows.uncached(con, week, (brand,), 72.0)
        risks.append(weekly_risks.top_risks_with_text.uncached(con, rows))
    return _both(*risks)


# list -> (its rows read from a connection, [(id column, its link column)])
LISTS = {
    "ghost_town_ignored": (lambda con: care.ignored_complaints.uncached(con, ALL, 72.0, limit=None),
                           [("complaint_id", "link")]),
    "ghost_town_deflections": (lambda con: care.deflection_examples.uncached(con, ALL, limit=None),
                               [("answered_id", "answered_link"), ("response_id", "response_link")]),
    "trends_drill_down": (_drill_down, [("mention_id", "link")]),
    "trends_spike_mentions": (_spike_posts, [("mention_id", "link")]),
    "trends_spike_cascades": (lambda con: trends.spike_cascades(_spike_posts(con)), [("root_id", "link")]),
    "amplification_queue": (lambda con: risk.cascades.uncached(con, ALL, True, None), [("root_id", "link")]),
    "amplification_influencers": (lambda con: risk.influencer_complaints.uncached(con, ALL),
                                  [("mention_id", "link")]),
    "audit_evidence": (lambda con: _audits(con, "evidence"), [("complaint_id", "link")]),
    "audit_deflections": (lambda con: _audits(con, "deflections"),
                          [("answered_id", "answered_link"), ("response_id", "response_link")]),
    "audit_deleted": (lambda con: _audits(con, "deleted"), [("mention_id", "link")]),
    "audit_requests": (lambda con: _audits(con, "requests"),
                       [("request_id", "link"), ("response_id", "response_link")]),
    "weekly_top_risks": (_weekly_risks, [("quoted_id", "link")]),
}


# lists with no row of a loaded file in dashboard_db (the hostile corpus deletes no comment)
DEMO_ROWS_ONLY = {"audit_deleted"}


@pytest.fixture(scope="module")
def made_up(dashboard_db) -> set[str]:
    """The demo's mentions, as their loads' files say (demo:...)."""
    with warehouse.connect_readonly(dashboard_db) as con:
        return set(con.execute("SELECT mention_id FROM mentions JOIN loads USING (load_id) "
                               "WHERE starts_with(file, 'demo:')").df()["mention_id"])


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_demo_row_has_no_link_and_a_loaded_files_row_keeps_its_own(name, dashboard_db, made_up, monkeypatch):
    monkeypatch.setenv("REPUTATION_DB", str(dashboard_db))  # spike_cascades reads through the cache
    read, linked = LISTS[name]
    with warehouse.connect_readonly(dashboard_db) as con:
        rows = read(con)
    if name == "weekly_top_risks":  # quoted_id is blank where the request's own message is quoted
        rows = rows.assign(quoted_id=weekly_risks.quoted(rows))
    for id_column, link_column in linked:
        listed = rows[rows[id_column].notna()]
        demo = listed[id_column].isin(made_up)
        assert demo.any() and ((~demo).any() or name in DEMO_ROWS_ONLY), (id_column, demo.value_counts())
        assert listed.loc[demo, link_column].isna().all(), listed.loc[demo, [id_column, link_column]].head()
        real = listed.loc[~demo]
        assert real[link_column].tolist() == real[id_column].map(safe.mention_link).tolist()
        assert real[link_column].notna().all()


def test_ghost_towns_lists_say_why_a_demo_row_has_no_link(dashboard_db, monkeypatch):
    """Their captions promised a link on every row ('each with a link', "'open' links to it")."""
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    said = {}
    for section in ("Ignored complaints", "Deflection & deleted"):
        at.radio(key="ghost_section").set_value(section).run()
        assert not at.exception
        said[section] = " ".join(caption.value for caption in at.caption)
    assert "The demo's complaints have no link: they are fictional" in said["Ignored complaints"]
    assert "The demo's messages and responses have no link" in said["Deflection & deleted"]


def test_a_list_of_real_files_only_says_nothing_of_demo_links():
    listed = safe.with_links(pd.DataFrame({"mention_id": [hostile.tweet_id(1), "twcs:5"]}), "mention_id")
    assert demo_links.unlinked_note(listed, "mention_id") == ""  # twcs' own numbering: no link, not the demo's
    made_up = safe.with_links(listed[["mention_id"]], "mention_id", made_up={hostile.tweet_id(1)})
    assert demo_links.unlinked_note(made_up, "mention_id").startswith(" The demo's posts have no link")
