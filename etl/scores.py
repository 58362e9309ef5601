"""Keeps `mention_scores` up to date with the mentions and the current scorer.

Runs inside a writer (etl/warehouse.py). Scores of an older SCORER_VERSION are dropped and
recomputed; a mention whose exact text (and authorship side) was already scored reuses
that score, so re-loads and repeated texts cost a hash, not a classification. (A batch of
few texts against many stored scores is scored afresh instead: see LOOKUP_WORTH.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from etl.text import OUTPUT_COLUMNS, SCORER_VERSION, Analyzer, TextScorer, text_hash

_SCORE_COLUMNS = ", ".join(OUTPUT_COLUMNS)
_KNOWN_COLUMNS = ", ".join(f"k.{column}" for column in OUTPUT_COLUMNS)


# Mentions scored per pass: bounds the texts and scores held in memory on a large load.
SCORE_BATCH = 200_000
# Looking up known scores scans every stored one (10M: 1.2 s a batch), the time the two
# workers take to score about 25k texts: a batch of fewer distinct texts than the stored
# scores / LOOKUP_WORTH is scored afresh. The scores are the same either way: a score is a
# function of the text, its side and the scorer version.
LOOKUP_WORTH = 400


def score_mentions(con: duckdb.DuckDBPyConnection, batch: int = SCORE_BATCH,
                   new_since: int | None = None) -> int:
    """Score every mention without a current score; return how many were scored.

    new_since: the first load of this writer, whose mentions are new. When every mention of
    the loads before it is scored, only its mentions are looked at: finding the unscored
    among all (an anti join of every mention with every score) took 2 s at 10M mentions.

    The batches are pipelined: while the workers score one, this process stores the scores
    of the one before and reads, hashes and matches the next (done in turn, the workers sat
    idle for 5 of a 1M load's 22 s of scoring). A text that recurs in consecutive batches may
    be scored twice rather than copied; its score is the same either way."""
    con.execute("DELETE FROM mention_scores WHERE scorer_version <> ?", [SCORER_VERSION]).fetchall()
    stored = con.execute("SELECT count(*) FROM mention_scores").fetchall()[0][0]
    pending_batches = (_new_batches(con, new_since, batch) if _only_new_unscored(con, new_since)
                       else _unscored_batches(con, batch))
    scored, in_flight = 0, None
    with _scorer() as scorer:
        for pending in pending_batches:
            started = _start_scoring(con, scorer, pending, stored)
            if in_flight is not None:
                _store_scores(con, *in_flight)
            in_flight = started
            scored += pending.num_rows
        if in_flight is not None:
            _store_scores(con, *in_flight)
    return scored


_THIS_THREAD = threading.local()


def _scorer() -> TextScorer:
    """A TextScorer whose in-process analyzer (which scores a batch too small for the workers,
    as every small load's) is this thread's, kept from load to load: building its lexicon and
    cues took 0.02-0.08 s a load, about a small load's whole scoring. An analyzer keeps nothing
    from one text to the next (each worker process keeps one too: etl.text._init_worker), so
    the scores are the same; one a thread, as a scorer is never shared between threads."""
    if getattr(_THIS_THREAD, "analyzer", None) is None:
        _THIS_THREAD.analyzer = Analyzer()
    return TextScorer(analyzer=_THIS_THREAD.analyzer)


def outdated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a stored score was made by another scorer version than this code's (which
    score_mentions replaces)."""
    return con.execute("SELECT EXISTS (SELECT 1 FROM mention_scores WHERE scorer_version <> ?)",
                       [SCORER_VERSION]).fetchall()[0][0]


def _new_batches(con: duckdb.DuckDBPyConnection, since: int, batch: int) -> Iterator[pa.Table]:
    """The mentions of loads >= since (id, text, side), a range of rowids at a time: a load's
    mentions are stored after the older ones, and a range reads only its own row groups (10M
    mentions: 0.02-0.07 s a batch, where taking them in id order scanned all: 0.25-0.55 s)."""
    first, last = con.execute("SELECT min(rowid), max(rowid) FROM mentions WHERE load_id >= ?", [since]).fetchall()[0]
    if first is None:  # the loads added nothing
        return
    for start in range(first, last + 1, batch):
        rows = {"since": since, "start": start, "end": start + batch}
        pending = con.sql(_NEW_IN_ROWS_SQL, params=rows).to_arrow_table()
        if pending.num_rows:
            yield pending


def _unscored_batches(con: duckdb.DuckDBPyConnection, batch: int) -> Iterator[pa.Table]:
    """Every mention without a score (id, text, side), in id order, each batch starting after
    the last: every id before it is scored (or being scored) by then, and the filter spares a
    sort of all the history's unscored ids per batch."""
    after = None
    while True:
        pending = con.sql(_UNSCORED_SQL, params={"after": after, "batch": batch}).to_arrow_table()
        if not pending.num_rows:
            return
        yield pending
        after = pending["mention_id"][-1].as_py()


_UNSCORED_SQL = """
    SELECT m.mention_id, m.text, m.is_brand
    FROM mentions m ANTI JOIN mention_scores s USING (mention_id)
    WHERE $after IS NULL OR m.mention_id > $after
    ORDER BY m.mention_id
    LIMIT $batch
"""
_NEW_IN_ROWS_SQL = """
    SELECT m.mention_id, m.text, m.is_brand
    FROM mentions m
    WHERE m.rowid >= $start AND m.rowid < $end AND m.load_id >= $since
"""


def _only_new_unscored(con: duckdb.DuckDBPyConnection, new_since: int | None) -> bool:
    """Whether the unscored mentions are exactly those of loads >= new_since. Scores are
    only made for stored mentions and a new load's mentions have none yet, so equal counts
    mean every older mention has its score."""
    if new_since is None:
        return False
    scores, older = con.execute("""
        SELECT (SELECT count(*) FROM mention_scores),
               (SELECT count(*) FROM mentions WHERE load_id < ?)""", [new_since]).fetchall()[0]
    return scores == older


def _start_scoring(con: duckdb.DuckDBPyConnection, scorer: TextScorer, pending: pa.Table, stored: int):
    """Copy the known scores of the batch's texts (from `stored` scores, when worth it: see
    LOOKUP_WORTH) and start the workers on the rest: (their ids, their hashes, a function
    that waits for their scores), or None."""
    ids, texts, is_brand = (pending[name].to_pylist() for name in ("mention_id", "text", "is_brand"))
    hashes = [score_key(t, b) for t, b in zip(texts, is_brand)]
    reused = set()
    if len(set(hashes)) * LOOKUP_WORTH >= stored:
        reused = _reuse_known_scores(con, pa.table({"mention_id": ids, "text_hash": hashes}))
    fresh = [i for i, mention_id in enumerate(ids) if mention_id not in reused]
    if not fresh:
        return None
    waiter = scorer.submit([texts[i] for i in fresh], [is_brand[i] for i in fresh])
    return [ids[i] for i in fresh], [hashes[i] for i in fresh], waiter


def _store_scores(con: duckdb.DuckDBPyConnection, ids: list[str], hashes: list[str], waiter) -> None:
    rows = pd.concat([pd.DataFrame({"mention_id": ids, "text_hash": hashes}), waiter()], axis=1)
    rows["scorer_version"] = SCORER_VERSION
    con.register("new_scores", rows)
    try:
        con.execute(
            f"INSERT INTO mention_scores (mention_id, text_hash, {_SCORE_COLUMNS}, scorer_version) "
            f"SELECT mention_id, text_hash, {_SCORE_COLUMNS}, scorer_version FROM new_scores"
        ).fetchall()
    finally:
        con.unregister("new_scores")


def score_key(text: str | None, is_brand: bool | None) -> str:
    """What a score is cached under (mention_scores.text_hash): the text's hash, marked with
    the side it is scored for, as a brand's text is scored as a reply. Keys stored before the
    mark (a bare hash) match none of these, so a score is never copied across sides; and
    the copy needs no look-up of who wrote the scored mention (at 10M mentions, a join of
    every mention: about 1 s a batch)."""
    return ("brand:" if is_brand else "customer:") + text_hash(text)


def _reuse_known_scores(con: duckdb.DuckDBPyConnection, pending: pa.Table) -> set[str]:
    """Copy the score of an identical, already scored text; return the mentions so served."""
    con.register("pending_scores", pending)
    try:
        reused = con.execute(
            f"""
            INSERT INTO mention_scores (mention_id, text_hash, {_SCORE_COLUMNS}, scorer_version)
            SELECT p.mention_id, p.text_hash, {_KNOWN_COLUMNS}, ?
            FROM pending_scores p
            JOIN (
                -- only the batch's keys: sorting every score ever made, once per batch,
                -- would make a large load quadratic
                SELECT DISTINCT ON (s.text_hash) s.text_hash, s.* EXCLUDE (text_hash, mention_id)
                FROM mention_scores s SEMI JOIN pending_scores h ON h.text_hash = s.text_hash
                WHERE s.scorer_version = ?
                ORDER BY s.text_hash, s.mention_id
            ) k ON k.text_hash = p.text_hash
            RETURNING mention_id
            """,
            [SCORER_VERSION, SCORER_VERSION],
        ).fetchall()
    finally:
        con.unregister("pending_scores")
    return {row[0] for row in reused}
