"""What every load recomputes after new mentions are merged, in dependency order, inside
the same writer generation so that readers only ever see a consistent state."""

from __future__ import annotations

from . import cascade_increment, cascade_metrics, models, scores
from .models import incremental
from .progress import Progress

# Order matters: care requests copy flags from the scores, cascades read both. The scores
# are incremental by themselves (only unscored mentions, and all of an older scorer
# version). The care models are updated for what new mentions touch when the loads only
# added mentions, else rebuilt; they also read sightings and brand settings, so they always
# run. The cascades may be skipped when a load adds or changes no mention: their table,
# stamped with the version of the code that made it, is then still current.
TEXT_SCORES, CARE_MODELS, CASCADES = STEPS = ("text scores", "care models", "cascades")


def refresh(con, show_progress: bool = True, mentions_changed: bool = True,
            added_since: int | None = None) -> list[str]:
    """Bring every derived table up to date with the mentions table; returns the steps run.

    added_since: the first load of this writer, when its loads only added mentions (none
    stored changed, nor any brand setting): the models are then updated, not rebuilt."""
    ran = []

    def run(name, step):
        progress = Progress(f"refresh {name}", enabled=show_progress)
        result = step()
        progress.close()
        ran.append(name)
        return result

    scored = run(TEXT_SCORES, lambda: scores.score_mentions(con, new_since=added_since))
    # Only the new mentions may have been scored: a new scorer version rescored them all.
    only_new = added_since is not None and scored == _added(con, added_since)
    run(CARE_MODELS, lambda: _care_models(con, added_since if only_new else None))
    current = _is_current(con, *cascade_metrics.STAMP)
    if mentions_changed or not current:
        # Stored cascades of this code are kept outside what the new mentions touch.
        run(CASCADES, lambda: _cascades(con, added_since if only_new and current else None))
    return ran


def _care_models(con, added_since: int | None) -> None:
    if added_since is None or not incremental.update(con, added_since):
        # The load's rows go to the file first: not yet checkpointed, they sit in DuckDB's
        # memory, and the rebuild's joins and sorts need that room (a fresh 10M load ran
        # out of its 2 GB bound here once dash_care_backlog was added).
        con.execute("CHECKPOINT")
        models.build_models(con)


def _cascades(con, added_since: int | None) -> None:
    if added_since is None or not cascade_increment.update(con, added_since):
        cascade_metrics.materialise(con)


def _added(con, first_load_id: int) -> int:
    return con.execute("SELECT count(*) FROM mentions WHERE load_id >= ?", [first_load_id]).fetchall()[0][0]


def _is_current(con, table: str, version: str) -> bool:
    """Whether `table` exists and was made by the code of this `version` (its comment)."""
    found = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [table]).fetchall()
    return bool(found) and found[0][0] == version
