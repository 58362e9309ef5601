"""What every load recomputes after new mentions are merged, in dependency order, inside
the same writer generation so that readers only ever see a consistent state."""

from __future__ import annotations

from . import models


def refresh(con, show_progress: bool = True) -> None:
    """Bring every derived table up to date with the mentions table."""
    # Derived steps (text scores, thread and care-request models, cascades) are added here
    # as they land; each must be incremental or cheap enough to run on every load.
    models.build_models(con)
