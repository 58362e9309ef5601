"""The quarter-hour counts (dash_mention_slots) give the pages exactly what counting the
mentions gives, in every zone they are used for, and are not used where they cannot."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pandas as pd
import pytest

from app import db, overview, slots, trends
from app.filters import Filters
from etl import warehouse

ZONES = ["UTC", "America/New_York", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe"]


def _windows(con, tz: str) -> list[Filters]:
    """Open-ended, a month from the median mention, and one brand over the bulk of the history
    (which crosses daylight-saving changes)."""
    first, middle, last = con.execute("""
        SELECT quantile_disc(created_at, 0.01)::DATE, quantile_disc(created_at, 0.5)::DATE,
               quantile_disc(created_at, 0.99)::DATE
        FROM mentions WHERE NOT is_brand""").fetchall()[0]
    brand = con.execute("SELECT brand FROM mentions WHERE brand IS NOT NULL AND NOT is_brand "
                        "GROUP BY brand ORDER BY count(*) DESC LIMIT 1").fetchall()[0][0]
    return [Filters(tz=tz),
            Filters(start=middle, end=middle + timedelta(days=30), tz=tz),
            Filters(brands=(brand,), start=first, end=last, tz=tz)]


def _both(con, name: str, params: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    scanned = con.execute(db.sql_text(name), params).df()
    slotted = con.execute(db.sql_text(f"{name}_slots"), params).df()
    return scanned, slotted


def test_slots_are_utc_quarter_hours_holding_every_customer_mention(dashboard_db):
    with warehouse.connect_readonly(dashboard_db) as con:
        off_quarter = con.execute("SELECT count(*) FROM dash_mention_slots "
                                  "WHERE epoch(slot_at)::BIGINT % 900 <> 0").fetchall()[0][0]
        slotted = con.execute("SELECT sum(mentions), sum(negative) FROM dash_mention_slots").fetchall()[0]
        counted = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE s.sentiment_label = 'negative')
            FROM mentions m LEFT JOIN mention_scores s USING (mention_id)
            WHERE NOT m.is_brand""").fetchall()[0]
    assert off_quarter == 0
    assert slotted == counted and counted[0] > 1000


@pytest.mark.parametrize("tz", ZONES)
def test_slot_sums_equal_mention_counts(dashboard_db, tz):
    with warehouse.connect_readonly(dashboard_db) as con:
        for filters in _windows(con, tz):
            assert slots.fit(con, filters, timedelta(weeks=trends.BASELINE_WEEKS))
            scanned, slotted = _both(con, "overview_volume", filters.params())
            assert scanned["mentions"].iloc[0] > 0
            pd.testing.assert_frame_equal(slotted, scanned, check_dtype=False)
            for grain, name in itertools.product(("day", "week"), ("trends_volume", "trends_reasons")):
                params = {**filters.params(), "grain": grain, "tz": tz}
                scanned, slotted = _both(con, name, params)
                assert len(scanned) > 0
                pd.testing.assert_frame_equal(slotted, scanned, check_dtype=False)
            # share of voice: a platform applies, pages do not (the slots of every page summed)
            platform = con.execute("SELECT min(platform) FROM mentions").fetchall()[0][0]
            for grain, by_industry, platforms in itertools.product(("day", "week"), (True, False), ([], [platform])):
                params = {**filters.params(), "grain": grain, "tz": tz, "by_industry": by_industry,
                          "platforms": platforms}
                params.pop("pages")
                scanned, slotted = _both(con, "trends_share_of_voice", params)
                assert len(scanned) > 0
                pd.testing.assert_frame_equal(slotted, scanned, check_dtype=False)
            for unit in ("day", "hour"):
                params = {**filters.params(), "unit": unit, "tz": tz}
                start_at = params.pop("start_at")
                params["history_at"] = start_at - timedelta(weeks=4) if start_at else None
                scanned, slotted = _both(con, "trends_negative_counts", params)
                assert len(scanned) > 0
                pd.testing.assert_frame_equal(slotted, scanned, check_dtype=False)


@pytest.mark.parametrize(("tz", "first", "fits"), [
    ("UTC", date(2025, 1, 1), True),
    ("Asia/Kathmandu", date(2025, 1, 1), True),       # +05:45
    ("America/St_Johns", date(2025, 1, 1), True),     # -03:30, DST
    ("Australia/Lord_Howe", date(2025, 1, 1), True),  # +10:30, half-hour DST
    ("America/St_Johns", date(1930, 1, 1), False),    # -03:30:52 until 1935
    ("Europe/Amsterdam", date(1930, 1, 1), False),    # +00:19:32 until 1937
    ("Africa/Monrovia", date(1970, 1, 1), False),     # -00:44:30 until 1972
])
def test_zones_whose_local_days_split_a_slot_are_refused(tz, first, fits):
    assert slots.zone_fits(tz, first, first + timedelta(days=365)) is fits


def _page_queries(con, filters: Filters) -> tuple:
    return (overview.mention_volume.uncached(con, filters), trends.volume.uncached(con, filters),
            *trends.spike_alerts.uncached(con, filters, "h", 2.0)[:2], trends.reasons.uncached(con, filters),
            trends.share_of_voice.uncached(con, filters))


@pytest.mark.parametrize("fits", [True, False])
def test_the_pages_read_the_slots_exactly_when_the_zone_fits(dashboard_db, fresh_db, monkeypatch, fits):
    """With the slot marts emptied, a fitting zone's answers come out empty (the slots were
    read) and an unfitting one's are the full answers (the mentions were read)."""
    with warehouse.connect_readonly(dashboard_db) as con:
        filters = _windows(con, "America/New_York")[2]  # dated: the slots' span is not read
        full = _page_queries(con, filters)
    with warehouse.writer(fresh_db) as con:
        con.execute("DELETE FROM dash_mention_slots")
        con.execute("DELETE FROM dash_complaint_slots")
    checked = []

    def zone_fits(*args):
        checked.append(args)
        return fits

    monkeypatch.setattr(slots, "zone_fits", zone_fits)
    with warehouse.connect_readonly(fresh_db) as con:
        volume, *frames = _page_queries(con, filters)
    assert len(checked) == 5  # volume twice (Overview, Trends), spikes, reasons, share of voice
    if fits:
        assert volume["mentions"] == 0 and all(frame.empty for frame in frames)
    else:
        assert volume == full[0] and volume["mentions"] > 0
        for got, expected in zip(frames, full[1:]):
            assert not expected.empty
            pd.testing.assert_frame_equal(got, expected)
