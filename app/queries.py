"""The read side's SQL files (app/sql/*.sql), read once each.

Free of Streamlit on purpose: the `python -m etl audit` CLI reads them through app.audit
without a dashboard; app.db, the dashboard's cache layer, reads them from here too.
"""

from __future__ import annotations

import functools
from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")


@functools.cache
def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def group_values(cur) -> dict[str, list]:
    """The values behind care_requests_scope.sql's grouping codes (care_groups.sql): for each
    grouping (brand, page, platform), its values in code order, so values[code] is a code's."""
    groups = cur.execute(sql_text("care_groups")).df()
    return groups.groupby("grouping")["value"].agg(list).to_dict()
