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


def score_mentions(con: duckdb.DuckDBPyConnection, batch: int = SCORE_BATCH) -> int:
    """Score every mention without a current score; return how many were scored."""
    con.execute("DELETE FROM mention_scores WHERE scorer_version <> ?", [SCORER_VERSION]).fetchall()
    scored, after = 0, None
    while True:
        # Batches in id order, each starting after the last: every id before it is scored
        # by then, and the filter spares a sort of all the history's unscored ids per batch.
        pending = con.execute(
            """
            SELECT m.mention_id, m.text, m.is_brand
            FROM mentions m ANTI JOIN mention_scores s USING (mention_id)
            WHERE $after IS NULL OR m.mention_id > $after
            ORDER BY m.mention_id
            LIMIT $batch
            """, {"after": after, "batch": batch}).df()
        if pending.empty:
            return scored
        _score_pending(con, pending)
        scored += len(pending)
        after = pending["mention_id"].iloc[-1]


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
