"""Read side of the Data page: the load log and the quarantine, cached per published
database generation (db.cached). Their file, message, raw record and reason are untrusted:
the grid shows them as text with their invisible characters made visible
(widgets.UNTRUSTED_COLUMNS)."""

from __future__ import annotations

import pandas as pd

from . import db, queries

QUARANTINE_ROWS = 1_000
RAW_CHARACTERS = 2_000  # of a quarantined record shown; a line of a mention export is far shorter


@db.cached
def loads(cur) -> pd.DataFrame:
    """Every load with its accounting, newest first (app/sql/data_loads.sql)."""
    return cur.execute(db.sql_text("data_loads")).df()


@db.cached
def quarantine(cur, load_id: int | None = None, limit: int | None = QUARANTINE_ROWS,
               raw_chars: int | None = RAW_CHARACTERS) -> pd.DataFrame:
    """The records a load set aside (load_id None: every load's), at most `limit`, each raw
    record cut to raw_chars (app/sql/data_quarantine.sql); None: all of them, whole."""
    return queries.quarantine_frame(cur, load_id, limit, raw_chars)


# A load's accounting: rows_read = rows_loaded + rows_duplicate + rows_quarantined
ACCOUNTED = ("rows_read", "rows_loaded", "rows_duplicate", "rows_quarantined")


def totals(log: pd.DataFrame) -> dict:
    """The load log's (loads()) totals the Data page shows: loads, every row (failed loads and a
    file loaded again included); each of ACCOUNTED summed over the loads that did not fail (a
    failed load published nothing); not_adding_up, how many loads' rows read differ from loaded
    + duplicate + quarantined; stored_in_quarantine, the records the quarantine holds (a file loaded
    again counts its bad records again in rows_quarantined, and stores them once)."""
    done = log[log["status"] != "failed"]
    return {"loads": len(log), **{column: int(done[column].sum()) for column in ACCOUNTED},
            "stored_in_quarantine": int(log["stored_in_quarantine"].sum()),
            "not_adding_up": int((~log["adds_up"]).sum())}
