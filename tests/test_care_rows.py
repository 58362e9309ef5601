"""The care rows the Overview and Ghost Town pages aggregate: fetched as grouping codes and
decoded, they are the requests with their brand, page, platform and week as strings."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from app import care
from app.filters import Filters
from etl import warehouse


@pytest.mark.parametrize("codes, values, want", [
    ([2, 0, -1, 2], ["a", "b", "c"], ["c", "a", None, "c"]),  # b unused, one missing
    ([1, 0], ["b", "a"], ["a", "b"]),                          # values out of order
    ([-1, -1], ["a"], [None, None]),
])
def test_codes_become_a_categorical_of_the_values_present(codes, values, want):
    chunks = [pa.array(codes[:1], pa.int32()), pa.array(codes[1:], pa.int32())]  # as DuckDB may send them
    got = care._present_categorical(pa.chunked_array(chunks), values)
    expected = pd.Categorical(want, categories=sorted({w for w in want if w is not None}))
    assert list(got.categories) == list(expected.categories)
    assert got.equals(expected)


@pytest.mark.parametrize("filters", [Filters(), Filters(platforms=("twitter",))])
def test_request_rows_carry_each_requests_groups(dashboard_db, filters):
    with warehouse.connect_readonly(dashboard_db) as con:
        rows = care._fetch_rows(con, filters, 72.0)
        chosen = care.scope.uncached(con, filters)
        params = care._params(filters, chosen)
        want = con.execute("""
            SELECT brand, page, platform, week, hour_of_week, requested_at
            FROM dash_care_requests
            WHERE requested_at <= $as_of AND ($mode = 'all' OR needs_reply_at <= $as_of)
              AND (len($platforms) = 0 OR list_contains($platforms, platform))
            ORDER BY requested_at""", {k: params[k] for k in ("as_of", "mode", "platforms")}).df()
    assert rows["request_count"].sum() == len(want) > 100
    assert len(rows) < len(want)  # old unanswered requests come collapsed
    for column in ("brand", "page", "platform", "week"):
        assert isinstance(rows[column].dtype, pd.CategoricalDtype)
        assert list(rows[column].cat.categories) == sorted(want[column].dropna().unique())
    # the same multiset of (brand, page, platform, week, hour) combinations
    columns = ["brand", "page", "platform", "week", "hour_of_week"]
    ours = rows.astype({c: object for c in columns[:4]}).groupby(columns, dropna=False)["request_count"].sum()
    theirs = want[columns].astype(object).value_counts(dropna=False)
    pd.testing.assert_series_equal(ours.sort_index(), theirs.sort_index(), check_names=False)


def _rows(db, filters: Filters, horizon_hours: float) -> pd.DataFrame:
    """The request rows for this horizon; infinite: every request a row of its own."""
    with warehouse.connect_readonly(db) as con:
        return care._fetch_rows(con, filters, horizon_hours)


def _answer_one_late(db) -> float:
    """Answer an old request late, the response time falling between the ages of two
    unanswered requests that collapse together (one brand, page, platform, week, hour of
    week and complaint flag): a collapse that ignored it would count both censored at the
    younger's age, one of them before the response. Returns the response time (minutes)."""
    with warehouse.writer(db) as con:
        brand, older, younger, as_of = con.execute("""
            WITH newest AS (SELECT max(created_at) AS as_of FROM mentions)
            SELECT brand, min(requested_at), max(requested_at), any_value(as_of)
            FROM dash_care_requests, newest
            WHERE first_response_at IS NULL AND needs_reply_at IS NOT NULL
              AND requested_at < as_of - INTERVAL 21 DAY
            GROUP BY brand, page, platform, week, hour_of_week, complaint_at IS NOT NULL
            HAVING min(requested_at) < max(requested_at)
            ORDER BY 2 DESC LIMIT 1""").fetchall()[0]
        minutes = ((as_of - older) + (as_of - younger)).total_seconds() / 120.0
        [(request_id,)] = con.execute("""
            SELECT request_id FROM dash_care_requests
            WHERE brand = ? AND first_response_at IS NULL AND needs_reply_at IS NOT NULL
              AND requested_at < ? - to_microseconds(CAST(? * 60e6 AS BIGINT)) AND requested_at NOT IN (?, ?)
            ORDER BY requested_at, request_id LIMIT 1""", [brand, as_of, minutes, older, younger]).fetchall()
        for mart in ("dash_care_requests", "care_requests"):  # the dashboard's and etl.metrics'
            con.execute(f"""
                UPDATE {mart}
                SET first_response_at = requested_at + to_microseconds(CAST(? * 60e6 AS BIGINT)), response_minutes = ?
                WHERE request_id = ?""", [minutes, minutes, request_id])
    return minutes


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("horizon_hours", [1.0, 72.0, 24.0 * 20])
@pytest.mark.parametrize("filters", [Filters(), Filters(platforms=("facebook",))])
def test_collapsed_requests_give_the_care_metrics_of_single_ones(fresh_db, filters, horizon_hours, late):
    # Old unanswered requests collapse into counts; every care metric, Kaplan-Meier
    # included, and its curves must be what the requests one by one give. A late response
    # (over 21 days) moves where collapsing starts beyond each horizon.
    from etl import metrics
    late_minutes = _answer_one_late(fresh_db) if late else None
    collapsed, single = _rows(fresh_db, filters, horizon_hours), _rows(fresh_db, filters, float("inf"))
    assert (single["request_count"] == 1).all() and len(collapsed) < len(single)
    if late and filters == Filters():
        assert single["response_minutes"].max() == pytest.approx(late_minutes)
    assert collapsed["request_count"].sum() == len(single)
    comments = pd.DataFrame(columns=["brand", "page", "platform", "reply_minutes"])
    for by in ([], ["brand"], ["page"], ["platform", "week"], ["hour_of_week"]):
        ours, theirs = (metrics.summarise(rows, comments, by, horizon_hours, "needs-reply", 60.0, None)
                        for rows in (collapsed, single))
        pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-12)
        assert ours["ignored"].sum() > 0 and ours["answered"].sum() > 0
    for group in ("brand", "platform"):
        pd.testing.assert_frame_equal(care.kaplan_meier_curve(collapsed, group),
                                      care.kaplan_meier_curve(single, group), check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("horizon_hours", [1.0, 72.0, 24.0 * 20])
def test_etl_metrics_counts_collapsed_requests_as_single_ones(fresh_db, horizon_hours, late):
    # etl.metrics.ghost_town (the CLI, the weekly snapshot) collapses the same requests per
    # by-group: its figures must be those of the requests one by one.
    from etl import metrics
    if late:
        _answer_one_late(fresh_db)
    with warehouse.connect_readonly(fresh_db) as con:
        moment = metrics.resolve_as_of(con, None)
        params = {"as_of": moment, "mode": "needs-reply", "brand": None, "page": None, "since": None}
        for by in ([], ["brand"], ["page", "week"], ["hour_of_week"]):
            ours = metrics.ghost_town(con, by, horizon_hours=horizon_hours)
            single = metrics._fetch(con, metrics._REQUESTS_SQL, by, {**params, "horizon_minutes": float("inf")})
            collapsed = metrics._fetch(con, metrics._REQUESTS_SQL, by, {**params, "horizon_minutes": horizon_hours * 60})
            assert (single["request_count"] == 1).all() and len(collapsed) < len(single)
            comments = metrics._fetch(con, metrics._COMMENTS_SQL, by, params)
            theirs = metrics.summarise(single, comments, by, horizon_hours, "needs-reply", 60.0, moment)
            pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-12)
