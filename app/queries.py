"""The read side's SQL files (app/sql/*.sql), read once each.

Free of Streamlit on purpose: the `python -m etl audit` CLI reads them through app.audit
without a dashboard, `python -m etl quarantine` through quarantine_listing; app.db, the
dashboard's cache layer, reads them from here too.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")
# A piece several queries share is a file of its own here (audit_scope.sql, a fragment, not a
# query), named in each on a line alone as {audit_scope}: put in as the file is read, as
# etl.metrics puts in etl/care_scope.sql. Only the project's own files go in this way, never a
# value: the values stay bound parameters.
_FRAGMENT = re.compile(r"^\{([a-z_]+)\}$", re.MULTILINE)


@functools.cache
def sql_text(name: str) -> str:
    """app/sql/<name>.sql, each fragment it names ({audit_scope}) written out in it."""
    text = (SQL_DIR / f"{name}.sql").read_text()
    return _FRAGMENT.sub(lambda line: sql_text(line.group(1)).rstrip("\n"), text)


def group_values(cur) -> dict[str, list]:
    """The values behind care_requests_scope.sql's grouping codes (care_groups.sql): for each
    grouping (brand, page, platform), its values in code order, so values[code] is a code's."""
    groups = cur.execute(sql_text("care_groups")).df()
    return groups.groupby("grouping")["value"].agg(list).to_dict()


def quarantine_listing(cur, load_id: int | None = None):
    """Every quarantined record whole, oldest load first: `python -m etl quarantine`'s listing,
    the Data page's query (data_quarantine.sql) with its loaded_in. Here, not in load_log: the
    command line would import Streamlit with it, which warns on stderr outside a running page."""
    frame = cur.execute(sql_text("data_quarantine"), {"load_id": load_id, "limit": None, "raw_chars": None}).df()
    frame = frame.drop(columns="raw_characters").sort_values(["load_id", "position"], kind="stable")
    return loads_whole(frame.reset_index(drop=True))


def loads_whole(frame):
    """A quarantine frame's loaded_in as whole load numbers, empty where none: with a missing
    value pandas made them floats, and a CSV read 'load 2.0'."""
    return frame.astype({"loaded_in": "Int64"})
