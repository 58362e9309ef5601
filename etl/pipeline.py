"""What every load recomputes after new mentions are merged, in dependency order, inside
the same writer generation so that readers only ever see a consistent state."""

from __future__ import annotations

from . import cascade_metrics, models, scores
from .progress import Progress

# Order matters: care requests copy flags from the scores, cascades read both. The last
# field names a step that may be skipped when a load adds or changes no mention: its table,
# stamped with the version of the code that made it, is then still current. The scores are
# incremental by themselves (only unscored mentions, and all of an older scorer version);
# the care models also read sightings and brand settings, so both always run.
STEPS = [
    ("text scores", scores.score_mentions, None),
    ("care models", models.build_models, None),
    ("cascades", cascade_metrics.materialise, cascade_metrics.STAMP),
]


def refresh(con, show_progress: bool = True, mentions_changed: bool = True) -> list[str]:
    """Bring every derived table up to date with the mentions table; returns the steps run."""
    ran = []
    for name, step, stamp in STEPS:
        if stamp is not None and not mentions_changed and _is_current(con, *stamp):
            continue
        progress = Progress(f"refresh {name}", enabled=show_progress)
        step(con)
        progress.close()
        ran.append(name)
    return ran


def _is_current(con, table: str, version: str) -> bool:
    """Whether `table` exists and was made by the code of this `version` (its comment)."""
    found = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [table]).fetchall()
    return bool(found) and found[0][0] == version
