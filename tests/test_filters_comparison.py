"""The sentence under the changes of Overview and Trends (filters.Comparison.said), one rule for
both pages: a period compared with that has no mentions has no changes to show."""

from __future__ import annotations

from datetime import date

from app.filters import Comparison, Filters

BEFORE = Filters(start=date(2025, 3, 1), end=date(2025, 3, 7))


def test_a_period_before_with_mentions_says_the_comparisons_note():
    assert Comparison(BEFORE, "Changes compare with ...").said(12) == "Changes compare with ..."


def test_a_period_before_without_mentions_says_so_instead():
    assert Comparison(BEFORE, "Changes compare with ...").said(0) == (
        "No changes shown: the period before (2025-03-01 to 2025-03-07) has no mentions in the selection.")


def test_no_period_before_says_why_there_is_none_whatever_the_count():
    assert Comparison(None, "No changes shown: the dates are open").said(0) == "No changes shown: the dates are open"
