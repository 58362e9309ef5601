"""The time zones offered and accepted (etl.zones) are zones DuckDB can bucket in."""

from __future__ import annotations

import duckdb

from etl import zones


def test_every_known_zone_converts_in_duckdb():
    # each zone is used in DuckDB's timezone() by the dashboard's buckets and the care models
    with duckdb.connect() as con:
        for zone in sorted(zones.known_zones()):
            con.execute("SELECT timezone(?, TIMESTAMPTZ '2026-03-29 01:30:00+00')", [zone]).fetchall()


def test_the_common_zones_are_known():
    assert {"UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"} <= zones.known_zones()
