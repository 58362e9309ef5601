"""What runs before every page once the menu is registered: the demo on first start and
derived tables brought up to this version (app.shell imports this after st.navigation, so
the menu reaches the browser before pandas and DuckDB are imported)."""

from __future__ import annotations

import streamlit as st

from etl import models, pipeline, warehouse
from etl.demo import ensure_demo

from . import db


def ensure_database() -> None:
    """With no database at the configured path, build the demo there first, showing progress."""
    path = db.database_path()
    if path.exists():
        return
    bar = st.progress(0.0, text=f"No database at {path}: building the demo database (fictional brands)")
    ensure_demo(path, on_progress=lambda done, message: bar.progress(done, text=message))
    bar.empty()


def ensure_models() -> None:
    """A database made by an older version may hold scores of an older text scorer or
    cascades of older code, or lack tables this one reads (or have them in an older shape):
    bring it up to this version once, as a load would, before any page, so that the numbers
    shown follow this version's definitions. The second check reads what the first published
    (a rescore rebuilds the models too; old cascades alone leave them as they were)."""
    path = db.database_path()
    if _outdated(str(path), warehouse.generation(path), "scores and cascades"):
        with st.spinner(f"{path} was made by an older version of the analytics: rescoring and "
                        "recomputing what this version computes differently (once; up to about "
                        "90 s a million mentions on two cores)"):
            pipeline.refresh_outdated(path)
    if _outdated(str(path), warehouse.generation(path), "models"):
        with st.spinner(f"{path} was loaded by an older version: updating its derived tables (once)"):
            models.refresh_stale(path)


_CHECKS = {"scores and cascades": pipeline.outdated, "models": models.stale}


@st.cache_resource(max_entries=4, show_spinner=False)
def _outdated(path: str, generation, what: str) -> bool:
    # generation is part of the key only: checked once per published state
    cur = db.cursor()
    try:
        return bool(_CHECKS[what](cur))
    finally:
        cur.close()
