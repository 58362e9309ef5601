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
