"""The time zones the product accepts: the IANA names that both Python's zoneinfo (date
windows, times read without an offset) and DuckDB's ICU (day buckets, hours of the week)
know. zoneinfo lists every file of the system's zone directory, and Debian's holds
`localtime` (the server's own zone, a link to /etc/localtime), which DuckDB refuses: chosen in
the sidebar or given as --brand-timezone, every query in that zone failed."""

from __future__ import annotations

import functools
from zoneinfo import available_timezones

import duckdb


@functools.cache
def known_zones() -> frozenset[str]:
    """The zone names zoneinfo and DuckDB both know (read once: the lists do not change
    while a process runs)."""
    with duckdb.connect() as con:  # in memory: the names are ICU's, not the warehouse's
        duckdb_names = {name for (name,) in con.execute("SELECT name FROM pg_timezone_names()").fetchall()}
    return frozenset(available_timezones() & duckdb_names)
