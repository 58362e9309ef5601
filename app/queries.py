"""The read side's SQL files (app/sql/*.sql), read once each.

Free of Streamlit on purpose: the `python -m etl audit` CLI reads them through app.audit
without a dashboard; app.db, the dashboard's cache layer, reads them from here too.
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
