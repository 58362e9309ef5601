"""What every load recomputes after new mentions are merged, in dependency order, inside
the same writer generation so that readers only ever see a consistent state."""

from __future__ import annotations

from . import cascade_metrics, models, scores
from .progress import Progress

# Order matters: care requests copy flags from the scores, cascades read both.
STEPS = [
    ("text scores", scores.score_mentions),
    ("care models", models.build_models),
    ("cascades", cascade_metrics.materialise),
]


def refresh(con, show_progress: bool = True) -> None:
    """Bring every derived table up to date with the mentions table."""
    for name, step in STEPS:
        progress = Progress(f"refresh {name}", enabled=show_progress)
        step(con)
        progress.close()
