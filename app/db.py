"""Read-only access to the published warehouse, shared by every page and session.

One DuckDB instance per published generation (st.cache_resource); each query runs on its own
cursor so sessions on different threads never share a connection's state. Query results are
cached per generation (st.cache_data), so a newly published database is noticed on the next
rerun: the generation key changes and the old results are simply never asked for again.
A run reads one generation throughout (one_generation, app.shell), whatever publishes meanwhile.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

from etl import warehouse

from .queries import sql_text  # noqa: F401  (db.sql_text: what every query module reads)

DB_ENV = "REPUTATION_DB"
# The generation a script run reads (one_generation); each session's runs are on its own thread.
_run = threading.local()
T = TypeVar("T")


def database_path() -> Path:
    return Path(os.environ.get(DB_ENV) or warehouse.DEFAULT_DB)


@contextlib.contextmanager
def one_generation():
    """Every query of the block reads the state published when it began. A run draws the
    sidebar, then the page: a load publishing in between left the sidebar's brands and dates
    of the old database and the page's figures of the new one, on one screen until the next
    rerun. Callbacks run outside any run's block: they read the state published when they are
    called; a download built when clicked reads its run's (deferred)."""
    with _pinned_to(_opened(str(database_path()))):
        yield


def deferred(make: Callable[[], T]) -> Callable[[], T]:
    """make, to be called later, reading the state the run calling deferred() read: a file
    built when its button is clicked (the whole care queue, every ignored complaint) was read
    from the newest state, so after a load it could hold more rows than its button's label,
    drawn from the run's, said. The run's instance is held until the button is drawn again."""
    pin = getattr(_run, "pinned", None)

    def run_pinned() -> T:
        with _pinned_to(pin):
            return make()
    return run_pinned


@contextlib.contextmanager
def _pinned_to(pin: tuple | None):
    outer = getattr(_run, "pinned", None)  # a block inside another leaves the outer's pin as it was
    _run.pinned = pin
    try:
        yield
    finally:
        _run.pinned = outer


def _opened(path: str) -> tuple:
    """(path, generation, instance) of the state published now. The instance is held for the
    run: evicted from _instance's two entries by newer publishes, the key would open the
    newest file under the old generation. Stated again when a publish came between the stat
    and the open, which could not say which state the instance holds."""
    for _ in range(_OPEN_TRIES):
        generation = warehouse.generation(path)
        instance = _instance(path, generation)
        if warehouse.generation(path) == generation:
            break
    return path, generation, instance


_OPEN_TRIES = 5  # a publish takes seconds of loading: two between a stat and an open are already rare


def generation(path: Path):
    """The generation queries on path read now: the run's (one_generation), else the newest."""
    pinned = getattr(_run, "pinned", None)
    if pinned is not None and pinned[0] == str(path):
        return pinned[1]
    return warehouse.generation(path)


@st.cache_resource(max_entries=2, show_spinner=False)
def _instance(path: str, generation: tuple[int, int] | None):
    # generation is part of the key only: a new publish gets a new instance.
    return warehouse.connect_readonly(path)


def _pin_at(path: str, generation) -> tuple:
    """The pin (one_generation's) of that published generation: the run's own where it reads it."""
    pinned = getattr(_run, "pinned", None)
    return pinned if pinned is not None and pinned[:2] == (path, generation) else (
        path, generation, _instance(path, generation))


def cursor_at(path: str, generation) -> object:
    """A cursor on the instance of that published generation (for a cache keyed by it: what
    cursor() gives is the state published now, which may be newer than the key)."""
    cur = _pin_at(path, generation)[2].cursor()
    # A cursor starts in the instance's own in-memory catalog, not in the attached warehouse.
    cur.execute("USE warehouse")
    return cur


def cursor():
    """A cursor on the state the run reads (one_generation), else on the state published now
    (read-only)."""
    path = database_path()
    return cursor_at(str(path), generation(path))


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

    wrapper = _per_generation(fn, run)
    wrapper.uncached = fn
    return wrapper


def cached_reading(fn):
    """Cache fn(read, *args) per published generation, as cached() does, for a function that
    reads only through cached queries, each as read(query, *args): its answer is kept apart
    from theirs, so an argument they take no part in (the Trends spikes' sensitivity k) asks
    them again from their cache, not the database (a k change had read the counts again: the
    rule is cheap, the SQL is not). Called as fn(*args); fn.uncached(cur, *args) reads each
    query on cur, past every cache (the tests', db.read_now's way)."""
    def run(path: str, generation, *args, **kwargs):
        # the queries it reads answer for the generation of its own key, whatever publishes meanwhile
        with _pinned_to(_pin_at(path, generation)):
            return fn(_read_cached, *args, **kwargs)

    wrapper = _per_generation(fn, run)

    def uncached(cur, *args, **kwargs):
        return fn(lambda query, *more, **named: query.uncached(cur, *more, **named), *args, **kwargs)
    wrapper.uncached = uncached
    return wrapper


def _read_cached(query, *args, **kwargs):
    return query(*args, **kwargs)


def _per_generation(fn, run):
    """fn(*args) as run(path, generation, *args) cached by st.cache_data for the state read now."""
    # st.cache_data keys a function by module, qualified name and source; every wrapper
    # shares this source, so give each the wrapped function's identity.
    run.__module__, run.__qualname__, run.__name__ = fn.__module__, fn.__qualname__, fn.__name__
    cached_run = st.cache_data(show_spinner=False, max_entries=256)(run)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        path = database_path()
        return cached_run(str(path), generation(path), *args, **kwargs)
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
    return _joined(frame, key, _read_ids(cur, sql, {"ids": frame[key].tolist()}, sql_key, columns), sql_key)


def read_for_rows_bounded(cur, frame: pd.DataFrame, key: str, sql: str, sql_key: str, columns: list[str],
                          followers: pd.Series) -> pd.DataFrame:
    """read_for_rows of a query that skips the rows of accounts with fewer followers than its
    $followers (message_requests.sql, request_responses.sql: tables with no index, whose ids
    read for every row took most of a list's time), bound to the least of `followers`, the
    counts of the accounts of the rows looked for. An id missed so (its row stores another
    count, or a count is unknown: no bound) is read again without the bound: the same rows."""
    ids = frame[key].dropna().tolist()
    least = None if followers.empty or followers.isna().any() else int(followers.min())
    found = _read_ids(cur, sql, {"ids": ids, "followers": least}, sql_key, columns)
    missed = sorted(set(ids) - set(found[sql_key]))
    if missed and least is not None:
        again = _read_ids(cur, sql, {"ids": missed, "followers": None}, sql_key, columns)
        found = pd.concat([found, again], ignore_index=True)
    return _joined(frame, key, found, sql_key)


def _read_ids(cur, sql: str, params: dict, sql_key: str, columns: list[str]) -> pd.DataFrame:
    """Query `sql`'s rows for params' $ids: their key and `columns`."""
    return cur.execute(sql_text(sql), params).df()[[sql_key, *columns]]


def _joined(frame: pd.DataFrame, key: str, found: pd.DataFrame, sql_key: str) -> pd.DataFrame:
    """frame, in its order, with what was found for each of its rows (keyed by sql_key) beside it."""
    return frame.merge(found.rename(columns={sql_key: key}), on=key, how="left")
