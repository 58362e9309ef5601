"""What every load recomputes after new mentions are merged, in dependency order, inside
the same writer generation so that readers only ever see a consistent state."""

from __future__ import annotations

from . import cascade_metrics, models, scores
from .progress import Progress

# Order matters: care requests copy flags from the scores, cascades read both. The last
# field says whether a step reads only mentions and their scores: a load that adds or
# changes no mention can skip it (the care models also read sightings and brand settings).
STEPS = [
    ("text scores", scores.score_mentions, True),
    ("care models", models.build_models, False),
    ("cascades", cascade_metrics.materialise, True),
]
OUTPUTS = {"cascades": "cascades"}  # the table a skippable step must have made at least once


def refresh(con, show_progress: bool = True, mentions_changed: bool = True) -> list[str]:
    """Bring every derived table up to date with the mentions table; returns the steps run."""
    ran = []
    for name, step, mentions_only in STEPS:
        if mentions_only and not mentions_changed and _has_table(con, OUTPUTS.get(name)):
            continue
        progress = Progress(f"refresh {name}", enabled=show_progress)
        step(con)
        progress.close()
        ran.append(name)
    return ran


def _has_table(con, name: str | None) -> bool:
    if name is None:
        return True
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                            [name]).fetchall()[0][0])
