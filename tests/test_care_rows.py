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
        rows = care._fetch_rows(con, filters)
        chosen = care.scope.uncached(con, filters)
        params = care._params(filters, chosen)
        want = con.execute("""
            SELECT brand, page, platform, week, hour_of_week, requested_at
            FROM dash_care_requests
            WHERE requested_at <= $as_of AND ($mode = 'all' OR needs_reply_at <= $as_of)
              AND (len($platforms) = 0 OR list_contains($platforms, platform))
            ORDER BY requested_at""", {k: params[k] for k in ("as_of", "mode", "platforms")}).df()
    assert len(rows) == len(want) > 100
    for column in ("brand", "page", "platform", "week"):
        assert isinstance(rows[column].dtype, pd.CategoricalDtype)
        assert list(rows[column].cat.categories) == sorted(want[column].dropna().unique())
    # the same multiset of (brand, page, platform, week, hour) combinations
    columns = ["brand", "page", "platform", "week", "hour_of_week"]
    ours = rows[columns].astype(object).value_counts(dropna=False).sort_index()
    theirs = want[columns].astype(object).value_counts(dropna=False).sort_index()
    pd.testing.assert_series_equal(ours, theirs)
