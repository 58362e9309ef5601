"""Read-only access to the published warehouse, shared by every page and session.

One DuckDB instance per published generation (st.cache_resource); each query runs on its own
cursor so sessions on different threads never share a connection's state. Query results are
cached per generation (st.cache_data), so a newly published database is noticed on the next
rerun: the generation key changes and the old results are simply never asked for again.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import streamlit as st

from etl import warehouse

from .queries import sql_text  # noqa: F401  (db.sql_text: what every query module reads)

DB_ENV = "REPUTATION_DB"


def database_path() -> Path:
    return Path(os.environ.get(DB_ENV) or warehouse.DEFAULT_DB)


@st.cache_resource(max_entries=2, show_spinner=False)
def _instance(path: str, generation: tuple[int, int] | None):
    # generation is part of the key only: a new publish gets a new instance.
    return warehouse.connect_readonly(path)


def cursor_at(path: str, generation) -> object:
    """A cursor on the instance of that published generation (for a cache keyed by it: what
    cursor() gives is the state published now, which may be newer than the key)."""
    cur = _instance(path, generation).cursor()
    # A cursor starts in the instance's own in-memory catalog, not in the attached warehouse.
    cur.execute("USE warehouse")
    return cur


def cursor():
    """A cursor on the state published now (read-only)."""
    path = database_path()
    return cursor_at(str(path), warehouse.generation(path))


def cached(fn):
    """Cache fn(cursor, *args) per published generation; call it as fn(*args).

    Arguments must be hashable by st.cache_data (plain values, tuples, frozen dataclasses).
    """
    def run(path: str, generation, *args, **kwargs):
        cur = cursor_at(path, generation)
        try:
            return fn(cur, *args, **kwargs)
        finally:
            cur.close()

    # st.cache_data keys a function by module, qualified name and source; every wrapper
    # shares this source, so give each the wrapped function's identity.
    run.__module__, run.__qualname__, run.__name__ = fn.__module__, fn.__qualname__, fn.__name__
    cached_run = st.cache_data(show_spinner=False, max_entries=256)(run)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        path = database_path()
        return cached_run(str(path), warehouse.generation(path), *args, **kwargs)

    wrapper.uncached = fn
    return wrapper


def read_now(query, *args, **kwargs):
    """A cached query (cached() above) run now on the state published, its result not kept: a
    file downloaded whole (every mention of a chart point, every ignored complaint, the whole
    care queue) is read once per click, and the cache, shared by every session, would keep
    each such frame (about 70 MB a week's mentions at 10M) beside the pages' small ones."""
    cur = cursor()
    try:
        return query.uncached(cur, *args, **kwargs)
    finally:
        cur.close()


def read_for_rows(cur, frame: pd.DataFrame, key: str, sql: str, sql_key: str, columns: list[str]) -> pd.DataFrame:
    """frame, in its order, with `columns` of what query `sql` gives for the ids in
    frame[key] (its $ids; its rows keyed by sql_key). Read for the rows a list keeps only:
    joining them with mentions or care_requests in the list's own query scanned every id
    (10M: 0.2 s a join), where a list of ids lets DuckDB skip most of the table."""
    found = cur.execute(sql_text(sql), {"ids": frame[key].tolist()}).df()[[sql_key, *columns]]
    return frame.merge(found.rename(columns={sql_key: key}), on=key, how="left")
