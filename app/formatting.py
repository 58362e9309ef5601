"""Numbers as the KPI cards show them, one way on every page (Overview, Trends, Weekly).

A kind says how a number reads: count (whole number), share (percent; its changes in
percentage points), score (signed, two decimals), minutes, amount (an estimate rounded to a
whole number, e.g. customers lost). A missing value shows as '–'; a missing change as
nothing (None, so st.metric draws no delta).
"""

from __future__ import annotations

import pandas as pd


def format_value(value, kind: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "score":
        return f"{value:+.2f}"
    if kind == "amount":
        return f"{value:,.0f}"
    return f"{value:,.0f} min"


def format_delta(value, kind: str) -> str | None:
    """A change (this value minus the one before) as shown; a share's in points."""
    if value is None or pd.isna(value):
        return None
    if kind == "share":
        return _points(value * 100)
    if kind == "count":
        return f"{int(value):+,}"
    if kind == "score":
        return f"{value:+.2f}"
    if kind == "amount":
        return f"{value:+,.0f}"
    return f"{value:+,.0f} min"


def format_change(now, before, kind: str) -> str | None:
    """The change from `before` to `now` as format_delta shows it; None when either is missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    if kind == "share":
        # the difference of the percentages a reader sees (40.0% to 39.2%: -0.8 pts), which
        # may round differently from the difference of the shares at an exact half point
        return _points(now * 100 - before * 100)
    return format_delta(now - before, kind)


def _points(points: float) -> str:
    """A change of rate in percentage points (a 40% to 39.2% fall is -0.8 pts, not -0.8%)."""
    return f"{points:+.1f} pts"
