"""Overview and Trends compare the chosen dates with the period of equal length before them
only when the selection's data covers all of that period: a period reaching back before the
selection's first day holds a sliver of data, and its change is no change."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from app_support import page_test
from support import scalar

# the page, and its card whose change is the volume's
PAGES = [("overview", "Customer mentions"), ("trends", "Customer mentions")]


def _latest_starting_brand(db) -> str:
    """The brand whose data starts last: later than the data's first day, so only a
    per-selection bound tells its partial period apart."""
    return scalar(db, "SELECT brand FROM mentions WHERE brand IS NOT NULL GROUP BY brand "
                      "ORDER BY min(created_at) DESC LIMIT 1")


def _first_moment(db, brand: str | None = None, platform: str | None = None) -> pd.Timestamp:
    return pd.Timestamp(scalar(
        db, "SELECT min(created_at) FROM mentions WHERE (? IS NULL OR brand = ?) AND (? IS NULL OR platform = ?)",
        [brand, brand, platform, platform])).tz_convert("UTC")


def _zone_of_another_day(moment: pd.Timestamp) -> str:
    """A sidebar zone in which `moment` falls on another day than in UTC (the first day must
    be the chosen zone's)."""
    for zone in ("Australia/Sydney", "America/Los_Angeles"):
        if moment.tz_convert(zone).date() != moment.date():
            return zone
    raise AssertionError(f"{moment} is the same day in every zone tried")


def _select(at, db, selection: str) -> tuple[str, pd.Timestamp]:
    """Set the sidebar to a selection whose data starts after the whole data's first day;
    returns the zone and that first moment in it."""
    if selection == "platform":  # facebook starts with the demo, the hostile corpus (twitter) earlier
        at.multiselect(key="filter_platforms").set_value(["facebook"])
        return "UTC", _first_moment(db, platform="facebook")
    brand = _latest_starting_brand(db)
    at.multiselect(key="filter_brands").set_value([brand])
    first = _first_moment(db, brand=brand)
    zone = "UTC" if selection == "brand" else _zone_of_another_day(first)
    at.selectbox(key="filter_tz").set_value(zone)
    return zone, first.tz_convert(zone)


def _first_whole_day(first: pd.Timestamp) -> date:
    """The data's first day when its first mention comes within an hour of midnight, else the
    next: a period starting on a part of a day holds a sliver of it (filters.WHOLE_DAY_SLACK)."""
    return first.date() + timedelta(days=0 if first - first.normalize() < pd.Timedelta(hours=1) else 1)


@pytest.mark.parametrize("page, card", PAGES)
@pytest.mark.parametrize("selection", ["brand", "platform", "brand, in another zone"])
@pytest.mark.parametrize("offset, compared", [(6, False), (7, True)])
def test_changes_only_against_a_period_the_data_covers(dashboard_db, monkeypatch, page, card, selection, offset,
                                                       compared):
    at = page_test(page, dashboard_db, monkeypatch).run()
    zone, first = _select(at, dashboard_db, selection)
    at.run()
    start = _first_whole_day(first) + timedelta(days=offset)  # the week before starts on it at offset 7
    at.date_input(key="filter_dates").set_value((start, start + timedelta(days=6))).run()
    assert not at.exception
    [volume] = [m for m in at.metric if m.label == card]
    captions = [c.value for c in at.caption]
    previous = f"{start - timedelta(days=7)} to {start - timedelta(days=1)}"
    if compared:
        assert volume.delta
        assert f"Changes compare with {previous}, the 7 days just before the chosen dates." in captions
    else:
        assert not volume.delta
        assert (f"No changes shown: the 7 days before the chosen dates ({previous}) are not all in "
                f"the data, which starts on {first:%Y-%m-%d %H:%M} ({zone}). Choose later dates to compare "
                "with the period before.") in captions


@pytest.mark.parametrize("page, card", PAGES)
def test_a_period_wholly_before_the_data_is_said_to_be(dashboard_db, monkeypatch, page, card):
    # from the first day, the days before are none of them in the data, not 'not all' (Chromium check)
    at = page_test(page, dashboard_db, monkeypatch).run()
    zone, first = _select(at, dashboard_db, "brand")
    day = first.date()
    at.date_input(key="filter_dates").set_value((day, day + timedelta(days=6))).run()
    assert not at.exception
    assert not [m for m in at.metric if m.label == card][0].delta
    previous = f"{day - timedelta(days=7)} to {day - timedelta(days=1)}"
    assert any(c.value.startswith(f"No changes shown: the 7 days before the chosen dates ({previous}) are before "
                                  f"the data, which starts on {first:%Y-%m-%d %H:%M} ({zone}).") for c in at.caption)


@pytest.mark.parametrize("page, card", PAGES)
def test_a_period_starting_on_a_part_of_the_first_day_is_not_compared_and_a_part_last_day_is_said(
        tmp_path, monkeypatch, page, card):
    # Los Angeles, data from 17:32 on its first day: 15 mentions against a usual 158 compared
    # as '+136'; Singapore, data until 07:54 on its last: part of a day against a whole one
    from datetime import datetime, timezone

    from care_fixtures import load_rows, msg
    start = datetime(2024, 1, 1, 17, 30, tzinfo=timezone.utc)
    db = load_rows(tmp_path, [msg(f"m{h}", f"u{h}", 0, when=start + timedelta(hours=h)) for h in range(0, 24 * 20, 6)])
    at = page_test(page, db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2024, 1, 2), date(2024, 1, 2))).run()
    [volume] = [m for m in at.metric if m.label == card]
    assert not at.exception and not volume.delta  # 1 January holds 17:30 to midnight only
    assert any("which starts on 2024-01-01 17:30 (UTC)" in c.value for c in at.caption)
    last = start + timedelta(hours=6 * (24 * 20 // 6 - 1))  # the newest mention: 2024-01-21 11:30
    at.date_input(key="filter_dates").set_value((date(2024, 1, 20), last.date())).run()
    [volume] = [m for m in at.metric if m.label == card]
    assert not at.exception and volume.delta
    assert any(f"The chosen dates' last day, {last.date()}, has data until {last:%H:%M} (UTC) only" in c.value
               for c in at.caption)


@pytest.mark.parametrize("page, card", PAGES)
def test_a_period_in_a_gap_of_the_data_says_it_has_no_mentions(dashboard_db, monkeypatch, page, card):
    # the hostile corpus sits in March 2025, the demo history later: the week before the
    # demo's first is inside the data's span, and empty
    first = _first_moment(dashboard_db, platform="facebook").date()
    at = page_test(page, dashboard_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((first, first + timedelta(days=6))).run()
    assert not at.exception
    assert not [m for m in at.metric if m.label == card][0].delta
    previous = f"{first - timedelta(days=7)} to {first - timedelta(days=1)}"
    assert f"No changes shown: the period before ({previous}) has no mentions in the selection." in [
        c.value for c in at.caption]


def _every_six_hours(start, last) -> list[dict]:
    """A customer mention every 6 hours from start, then one at last: the selection's newest."""
    from care_fixtures import msg
    times = [start + timedelta(hours=h) for h in range(0, int((last - start).total_seconds() // 3600), 6)]
    return [msg(f"m{i}", f"u{i}", 0, when=when) for i, when in enumerate([*times, last])]


@pytest.mark.parametrize("page, card", PAGES)
def test_a_first_day_whose_midnight_the_clocks_skipped_is_read_from_the_jump(tmp_path, monkeypatch, page, card):
    # Santiago's clocks went from 00:00 to 01:00 on 6 September 2026: there is no local midnight
    # that day, and reading the data's first day from one raised (pandas' normalize()), so both
    # pages failed for any selection whose data starts (or ends) on such a day
    from datetime import datetime, timezone

    from care_fixtures import load_rows
    first = datetime(2026, 9, 6, 13, 0, tzinfo=timezone.utc)  # 10:00 in Santiago, 9 h after the jump
    db = load_rows(tmp_path, _every_six_hours(first, first + timedelta(days=20)))
    at = page_test(page, db, monkeypatch).run()
    at.selectbox(key="filter_tz").set_value("America/Santiago").run()
    at.date_input(key="filter_dates").set_value((date(2026, 9, 7), date(2026, 9, 7))).run()
    assert not at.exception
    assert not [m for m in at.metric if m.label == card][0].delta  # 6 September holds 10:00 onwards only
    assert any("which starts on 2026-09-06 10:00 (America/Santiago)" in c.value for c in at.caption)


@pytest.mark.parametrize("newest, said", [
    ("2025-10-26T22:30:00+00:00", True),    # London's 25-hour day: 22:30 GMT leaves 1.5 h of it
    ("2026-03-29T22:30:00+00:00", False),   # its 23-hour day: 23:30 BST leaves half an hour
])
def test_a_last_day_of_25_or_23_hours_is_part_by_its_own_length(tmp_path, monkeypatch, newest, said):
    # the end of the newest mention's day was taken as its midnight plus 24 hours: on the day
    # the clocks go back that cut its last hour off (no note for 1.5 h without data), on the
    # day they go forward it ran an hour into the next (a note for a day all but whole)
    from datetime import datetime

    from care_fixtures import load_rows
    last = datetime.fromisoformat(newest)
    db = load_rows(tmp_path, _every_six_hours(last - timedelta(days=25, hours=22, minutes=30), last))
    at = page_test("overview", db, monkeypatch).run()
    at.selectbox(key="filter_tz").set_value("Europe/London").run()
    day = last.date()
    at.date_input(key="filter_dates").set_value((day - timedelta(days=6), day)).run()
    assert not at.exception
    [compared] = [c.value for c in at.caption if c.value.startswith("Changes compare with")]
    note = f"The chosen dates' last day, {day}, has data until {last:%H:%M}" if said else "has data until"
    assert (note in compared) == said, compared


@pytest.mark.parametrize("page, card", PAGES)
def test_a_brand_whose_data_ends_before_the_chosen_last_day_says_so(tmp_path, monkeypatch, page, card):
    # Acme's data stops three days before Zeta's newest, where the dates end: the note named
    # Acme's last day 'the chosen dates' last day' and weighed it as one partial day
    from datetime import datetime, timezone

    from care_fixtures import load_rows, msg
    start = datetime(2024, 1, 1, 0, 30, tzinfo=timezone.utc)
    acme_last, zeta_last = start + timedelta(days=20, hours=6), start + timedelta(days=23, hours=11)
    rows = [*(msg(f"a{h}", f"u{h}", 0, when=start + timedelta(hours=h)) for h in range(0, 24 * 20 + 12, 6)),
            msg("z0", "v0", 0, brand="Zeta", when=zeta_last)]
    db = load_rows(tmp_path, rows)
    assert scalar(db, "SELECT max(created_at) FROM mentions WHERE brand = 'Acme'") == acme_last
    at = page_test(page, db, monkeypatch).run()
    at.multiselect(key="filter_brands").set_value(["Acme"])
    at.date_input(key="filter_dates").set_value((date(2024, 1, 17), zeta_last.date())).run()
    assert not at.exception
    [compared] = [c.value for c in at.caption if c.value.startswith("Changes compare with")]
    assert (f"The selection's data ends on {acme_last:%Y-%m-%d %H:%M} (UTC), before the chosen dates' last day, "
            f"{zeta_last.date()}: its changes weigh part of the period against a whole one.") in compared, compared
    assert "The chosen dates' last day" not in compared


@pytest.mark.parametrize("page, card", PAGES)
@pytest.mark.parametrize("zeta_gap, said", [(timedelta(hours=1, minutes=4), False), (timedelta(days=1), False),
                                            (timedelta(0), True)])
def test_a_brand_quiet_before_the_datas_end_is_not_said_to_have_part_of_its_last_day(
        tmp_path, monkeypatch, page, card, zeta_gap, said):
    # Nimbalo's last mention was at 22:51 and the data ran to 23:54: 'has data until 22:51 only' read
    # as an export cut short, where the brand was quiet (a review); the data's end decides, not the brand's
    from datetime import datetime, timezone

    from care_fixtures import load_rows, msg
    acme_last = datetime(2024, 1, 21, 22, 50, tzinfo=timezone.utc)
    rows = [*_every_six_hours(acme_last - timedelta(days=20), acme_last),
            msg("z0", "v0", 0, brand="Zeta", when=acme_last + zeta_gap)]
    at = page_test(page, load_rows(tmp_path, rows), monkeypatch).run()
    at.multiselect(key="filter_brands").set_value(["Acme"])
    at.date_input(key="filter_dates").set_value((date(2024, 1, 15), acme_last.date())).run()
    assert not at.exception
    [compared] = [c.value for c in at.caption if c.value.startswith("Changes compare with")]
    assert ("has data until 22:50 (UTC) only" in compared) == said, compared
    assert said or "The chosen dates' last day" not in compared, compared  # nor another time said instead
