"""What every load recomputes after new mentions are merged, in dependency order, inside
the same writer generation so that readers only ever see a consistent state."""

from __future__ import annotations

from . import cascade_metrics
from .progress import Progress


def refresh(con, show_progress: bool = True) -> None:
    """Bring every derived table up to date with the mentions table."""
    steps = [("cascades", cascade_metrics.materialise)]
    for name, step in steps:
        progress = Progress(f"refresh {name}", enabled=show_progress)
        step(con)
        progress.close()
