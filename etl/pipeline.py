"""What every load recomputes after new mentions are merged, in dependency order, inside
the same writer generation so that readers only ever see a consistent state."""

from __future__ import annotations

from . import cascade_increment, cascade_metrics, models, scores, warehouse
from .models import incremental
from .progress import Progress

# Order matters: care requests copy flags from the scores, cascades read both. The scores
# are incremental by themselves (only unscored mentions, and all of an older scorer
# version). The care models are updated for what new mentions touch when the loads only
# added mentions, else rebuilt; they also read sightings and brand settings, so they always
# run. The cascades may be skipped when a load adds or changes no mention and no score of
# an older scorer is replaced: their table, stamped with the version of the code that made
# it, is then still current.
TEXT_SCORES, CARE_MODELS, CASCADES = STEPS = ("text scores", "care models", "cascades")


def refresh(con, show_progress: bool = True, mentions_changed: bool = True,
            added_since: int | None = None, on_step=None) -> list[str]:
    """Bring every derived table up to date with the mentions table; returns the steps run.

    added_since: the first load of this writer, when its loads only added mentions (none
    stored changed but those given a brand, which etl.attribute_stored lists; no brand
    setting changed): the models are then updated, not rebuilt.
    on_step(name) is told each step (STEPS) as it starts."""
    ran = []
    rescoring = not mentions_changed and scores.outdated(con)  # (changed mentions run the cascades anyway)

    def run(name, step):
        if on_step is not None:
            on_step(name)
        progress = Progress(f"refresh {name}", enabled=show_progress)
        result = step()
        progress.close()
        ran.append(name)
        return result

    scored = run(TEXT_SCORES, lambda: scores.score_mentions(con, new_since=added_since))
    # Only the new mentions may have been scored: a new scorer version rescored them all.
    only_new = added_since is not None and scored == cascade_increment.added(con, added_since)
    run(CARE_MODELS, lambda: _care_models(con, added_since if only_new else None))
    current = _is_current(con, *cascade_metrics.STAMP)
    if mentions_changed or rescoring or not current:
        # Stored cascades of this code are kept outside what the new mentions touch.
        run(CASCADES, lambda: _cascades(con, added_since if only_new and current else None))
    return ran


def outdated(con) -> bool:
    """Whether a stored score was made by another scorer, or the cascades by other code,
    than this version's: its numbers would not follow its definitions until a load."""
    return scores.outdated(con) or not _is_current(con, *cascade_metrics.STAMP)


def refresh_outdated(db_path) -> list[str]:
    """Bring a warehouse made by an older version up to this one without a load (see
    outdated), in one writer (readers see the old state or the new one): old scores are
    replaced and everything resting on them rebuilt; or, with current scores, only the
    cascades recomputed. Returns the steps run, [] (with no writer and nothing published)
    where everything is current."""
    def update(con) -> list[str]:
        if scores.outdated(con):
            return refresh(con, show_progress=False, mentions_changed=False)
        _cascades(con, None)
        return [CASCADES]

    return warehouse.update_if(db_path, outdated, update) or []


def _care_models(con, added_since: int | None) -> None:
    if added_since is None or not incremental.update(con, added_since):
        _write_out(con)
        models.build_models(con)


def _cascades(con, added_since: int | None) -> None:
    # An added load's update checkpoints nothing first (see _write_out): at 10M mentions a
    # checkpoint cost a +10k load 0.3-0.6 s. (A large added load is written out as it goes:
    # DuckDB checkpoints by itself once the log passes its checkpoint_threshold.)
    if added_since is None or not cascade_increment.update(con, added_since):
        _write_out(con)
        cascade_metrics.materialise(con)


def _write_out(con) -> None:
    """Before a heavy step: the load's rows, not yet checkpointed, sit in DuckDB's memory,
    which the step's joins, sorts and arrays need. (A fresh 10M load ran out of DuckDB's
    2 GB bound in the care models' rebuild without this; a bound lowered for the cascade
    step failed mid-step: what DuckDB must keep pinned there is not known ahead.) An added
    load's updates need not: its care models read a few threads, its cascades a few
    cascades and every stored node's time."""
    con.execute("CHECKPOINT")


def _is_current(con, table: str, version: str) -> bool:
    """Whether `table` exists and was made by the code of this `version` (its comment)."""
    found = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [table]).fetchall()
    return bool(found) and found[0][0] == version
