"""Overview and Trends compare the chosen dates with the period of equal length before them
only when the selection's data covers all of that period: a period reaching back before the
selection's first day holds a sliver of data, and its change is no change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from app_support import page_test

from etl import warehouse

# the page, and its card whose change is the volume's
PAGES = [("overview", "Mention volume"), ("trends", "Customer mentions")]


def _latest_starting_brand(db) -> tuple[str, date]:
    """The brand whose data starts last, and its first day (UTC): later than the data's
    first day, so only a per-selection bound tells its partial period apart."""
    with warehouse.connect_readonly(db) as con:
        return con.execute("SELECT brand, min(created_at)::DATE AS first FROM mentions "
                           "WHERE brand IS NOT NULL GROUP BY brand ORDER BY first DESC LIMIT 1").fetchall()[0]


@pytest.mark.parametrize("page, card", PAGES)
@pytest.mark.parametrize("offset, compared", [(6, False), (7, True)])
def test_changes_only_against_a_period_the_data_covers(dashboard_db, monkeypatch, page, card, offset, compared):
    brand, first = _latest_starting_brand(dashboard_db)
    start = first + timedelta(days=offset)  # a week: the one before starts on `first` at offset 7
    at = page_test(page, dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").set_value([brand])
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
                f"the data, which starts on {first}. Choose later dates to compare with the period "
                "before.") in captions


@pytest.mark.parametrize("page, card", PAGES)
def test_a_period_wholly_before_the_data_is_said_to_be(dashboard_db, monkeypatch, page, card):
    # from the first day, the days before are none of them in the data, not 'not all' (Chromium check)
    brand, first = _latest_starting_brand(dashboard_db)
    at = page_test(page, dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").set_value([brand])
    at.date_input(key="filter_dates").set_value((first, first + timedelta(days=6))).run()
    assert not at.exception
    assert not [m for m in at.metric if m.label == card][0].delta
    previous = f"{first - timedelta(days=7)} to {first - timedelta(days=1)}"
    assert any(c.value.startswith(f"No changes shown: the 7 days before the chosen dates ({previous}) are before "
                                  f"the data, which starts on {first}.") for c in at.caption)
