"""The read side's SQL files (app/sql/*.sql), read once each.

Free of Streamlit on purpose: the `python -m etl audit` CLI reads them through app.audit
without a dashboard, `python -m etl quarantine` through quarantine_listing; app.db, the
dashboard's cache layer, reads them from here too.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from etl.sources.canonical_csv import line_id

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
    frame = quarantine_frame(cur, load_id, limit=None, raw_chars=None)
    frame = frame.drop(columns="raw_characters").sort_values(["load_id", "position"], kind="stable")
    return frame.reset_index(drop=True)


def quarantine_frame(cur, load_id: int | None, limit: int | None, raw_chars: int | None):
    """data_quarantine.sql's records with the load that stored each one's mention since (loaded_in)
    as whole load numbers: a JSON record's found there, a canonical CSV line's here, as its load
    reads it (canonical_csv.line_id). A CSV line fixed and loaded again read as still lost (a review)."""
    frame = cur.execute(sql_text("data_quarantine"), {"load_id": load_id, "limit": limit, "raw_chars": raw_chars}).df()
    lines = frame[(frame["format"] == "csv") & frame["loaded_in"].isna()]
    named = {index: mention_id for index, raw in lines["raw"].items() if (mention_id := line_id(raw))}
    if named:
        stored = dict(cur.execute(sql_text("mentions_loaded_in"), {"ids": sorted(set(named.values()))}).fetchall())
        frame.loc[list(named), "loaded_in"] = [stored.get(mention_id) for mention_id in named.values()]
    # with a missing value pandas made them floats, and a CSV read 'load 2.0'
    return frame.drop(columns="format").astype({"loaded_in": "Int64"})
