"""Keeps `mention_scores` up to date with the mentions and the current scorer.

Runs inside a writer (etl/warehouse.py). Scores of an older SCORER_VERSION are dropped and
recomputed; a mention whose exact text (and authorship side) was already scored reuses
that score, so re-loads and repeated texts cost a hash, not a classification.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.text import OUTPUT_COLUMNS, SCORER_VERSION, score_texts, text_hash

_SCORE_COLUMNS = ", ".join(OUTPUT_COLUMNS)
_KNOWN_COLUMNS = ", ".join(f"k.{column}" for column in OUTPUT_COLUMNS)


# Mentions scored per pass: bounds the texts and scores held in memory on a large load.
SCORE_BATCH = 200_000


def score_mentions(con: duckdb.DuckDBPyConnection, batch: int = SCORE_BATCH,
                   new_since: int | None = None) -> int:
    """Score every mention without a current score; return how many were scored.

    new_since: the first load of this writer, whose mentions are new. When every mention of
    the loads before it is scored, only its mentions are looked at: finding the unscored
    among all (an anti join of every mention with every score) took 2 s at 10M mentions."""
    con.execute("DELETE FROM mention_scores WHERE scorer_version <> ?", [SCORER_VERSION]).fetchall()
    only_new = _only_new_unscored(con, new_since)
    pending_sql, since = (_ONLY_NEW_SQL, {"since": new_since}) if only_new else (_UNSCORED_SQL, {})
    scored, after = 0, None
    while True:
        # Batches in id order, each starting after the last: every id before it is scored
        # by then, and the filter spares a sort of all the history's unscored ids per batch.
        pending = con.execute(pending_sql, {"after": after, "batch": batch, **since}).df()
        if pending.empty:
            return scored
        _score_pending(con, pending)
        scored += len(pending)
        after = pending["mention_id"].iloc[-1]


_UNSCORED_SQL = """
    SELECT m.mention_id, m.text, m.is_brand
    FROM mentions m ANTI JOIN mention_scores s USING (mention_id)
    WHERE $after IS NULL OR m.mention_id > $after
    ORDER BY m.mention_id
    LIMIT $batch
"""
_ONLY_NEW_SQL = """
    SELECT m.mention_id, m.text, m.is_brand
    FROM mentions m
    WHERE m.load_id >= $since AND ($after IS NULL OR m.mention_id > $after)
    ORDER BY m.mention_id
    LIMIT $batch
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


def _score_pending(con: duckdb.DuckDBPyConnection, pending: pd.DataFrame) -> None:
    pending["text_hash"] = [text_hash(t) for t in pending["text"]]
    reused = _reuse_known_scores(con, pending)
    fresh = pending[~pending["mention_id"].isin(reused)]
    if fresh.empty:
        return
    scores = score_texts(fresh["text"].tolist(), fresh["is_brand"].tolist())
    rows = pd.concat([fresh[["mention_id", "text_hash"]].reset_index(drop=True), scores], axis=1)
    rows["scorer_version"] = SCORER_VERSION
    con.register("new_scores", rows)
    try:
        con.execute(
            f"INSERT INTO mention_scores (mention_id, text_hash, {_SCORE_COLUMNS}, scorer_version) "
            f"SELECT mention_id, text_hash, {_SCORE_COLUMNS}, scorer_version FROM new_scores"
        ).fetchall()
    finally:
        con.unregister("new_scores")


def _reuse_known_scores(con: duckdb.DuckDBPyConnection, pending: pd.DataFrame) -> set[str]:
    """Copy the score of an identical, already scored text; return the mentions so served."""
    con.register("pending_scores", pending[["mention_id", "text_hash", "is_brand"]])
    try:
        reused = con.execute(
            f"""
            INSERT INTO mention_scores (mention_id, text_hash, {_SCORE_COLUMNS}, scorer_version)
            SELECT p.mention_id, p.text_hash, {_KNOWN_COLUMNS}, ?
            FROM pending_scores p
            JOIN (
                -- only the batch's texts: sorting every score ever made, once per batch,
                -- would make a large load quadratic
                SELECT DISTINCT ON (s.text_hash, m.is_brand) s.text_hash, m.is_brand, s.* EXCLUDE (text_hash, mention_id)
                FROM mention_scores s SEMI JOIN pending_scores h ON h.text_hash = s.text_hash
                JOIN mentions m USING (mention_id)
                WHERE s.scorer_version = ?
                ORDER BY s.text_hash, m.is_brand, s.mention_id
            ) k ON k.text_hash = p.text_hash AND k.is_brand = p.is_brand
            RETURNING mention_id
            """,
            [SCORER_VERSION, SCORER_VERSION],
        ).fetchall()
    finally:
        con.unregister("pending_scores")
    return {row[0] for row in reused}
