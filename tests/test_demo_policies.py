"""Every care policy of the demo shows up in the care metrics (SPEC section 4).

Runs once etl.metrics exists (it is built on its own branch); until then it is skipped.
The loads' pipeline must have scored the texts and built the care models.
"""

from __future__ import annotations

import warnings

import duckdb
import pytest

from etl import demo
from etl.demo_world import BRANDS

metrics = pytest.importorskip("etl.metrics")


def _brand(policy: str) -> str:
    return next(b.name for b in BRANDS if b.policy.name == policy)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("policies") / "demo.duckdb"
    demo.run(db, mentions=8000, seed=21, show_progress=False)
    connection = duckdb.connect(str(db), read_only=True)
    connection.execute("SET TimeZone = 'UTC'")
    warnings.simplefilter("ignore")   # pandas deprecation noise from DuckDB's .df()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def by_brand(con):
    frame = metrics.ghost_town(con, by=["brand"]).set_index("brand")
    assert (frame["requests"] > 50).all(), "care requests missing: were the texts scored on load?"
    return frame


def test_ghost_town_is_the_worst_and_always_on_the_best(by_brand):
    rate = by_brand["ghost_town_rate"]
    assert rate.idxmax() == _brand("ghost-town")
    assert rate.idxmin() == _brand("always-on")
    assert rate.max() - rate.min() >= 0.4


def test_always_on_is_fastest_and_slow_is_slowest_of_those_that_answer(by_brand):
    median = by_brand["median_response_minutes"]
    answering = median.drop(_brand("ghost-town"))
    assert median.idxmin() == _brand("always-on") and median.min() < 30
    assert answering.idxmax() == _brand("slow") and answering.max() > 6 * 60
    assert by_brand.loc[_brand("always-on"), "sla_rate"] > 0.7


def test_the_deflector_deflects_most(by_brand):
    deflection = by_brand["deflection_rate"]
    assert deflection.idxmax() == _brand("deflector") and deflection.max() > 0.5


def test_office_hours_coverage_drops_at_night_and_weekends(con):
    def rate(brand):
        hours = metrics.coverage(con, brand)
        closed = hours["day"].isin(["Sat", "Sun"]) | (hours["hour"] < 8) | (hours["hour"] >= 18)
        sums = hours.groupby(closed)[["requests", "answered"]].sum()
        return sums["answered"] / sums["requests"]

    office, always = rate(_brand("office-hours")), rate(_brand("always-on"))
    assert office[False] - office[True] > 0.4
    assert abs(always[False] - always[True]) < 0.15


def test_only_the_deleting_brand_deletes_and_what_it_deletes_is_negative(con):
    deleted = metrics.deleted_comments(con).set_index("brand")
    assert list(deleted.index) == [_brand("deleter")]
    assert deleted["deleted_comments"].iloc[0] > 10 and deleted["negative_share"].iloc[0] > 0.5
