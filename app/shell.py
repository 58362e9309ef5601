"""What dashboard.py runs: page setup, the login gate, the demo on first start (and derived
tables brought up to this version), the navigation and the shared filters. Pages register
here, as callables (never pages/ auto-discovery, which would let a fresh server run a page
file past the gate)."""

from __future__ import annotations

import streamlit as st

from etl import models, pipeline, warehouse
from etl.demo import ensure_demo

from . import db, filters, gate

PAGE_TITLE = "Reputation risk"


def _pages() -> list:
    # Each url_path is its page's file name in pages/: a fresh server's very first run still
    # goes through pages/ auto-discovery (MPA v1), and there a path without a file is "Page
    # not found". With the file's name, that first run runs the file, whose __main__ guard
    # runs this shell (gate included).
    from pages import amplification, audit, data, ghost_town, overview, trends, weekly

    return [
        # The default page is served at "/" (Streamlit ignores a default page's url_path), so
        # /overview needs a hidden alias, or a bookmark of it opens on a "Page not found" dialog.
        st.Page(overview.render, title="Overview", icon=":material/dashboard:", url_path="home",
                default=True),
        st.Page(overview.render, title="Overview", icon=":material/dashboard:", url_path="overview",
                visibility="hidden"),
        st.Page(ghost_town.render, title="Ghost Town", icon=":material/forum:", url_path="ghost_town"),
        st.Page(amplification.render, title="Amplification Risk", icon=":material/share:",
                url_path="amplification"),
        st.Page(trends.render, title="Trends", icon=":material/trending_up:", url_path="trends"),
        st.Page(weekly.render, title="Weekly Snapshot", icon=":material/summarize:", url_path="weekly"),
        st.Page(audit.render, title="Page Audit", icon=":material/fact_check:", url_path="audit"),
        st.Page(data.render, title="Data", icon=":material/database:", url_path="data"),
    ]


def _ensure_database() -> None:
    """With no database at the configured path, build the demo there first, showing progress."""
    path = db.database_path()
    if path.exists():
        return
    bar = st.progress(0.0, text=f"No database at {path}: building the demo database (fictional brands)")
    ensure_demo(path, on_progress=lambda done, message: bar.progress(done, text=message))
    bar.empty()


def _ensure_models() -> None:
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


def main() -> None:
    st.set_page_config(page_title=PAGE_TITLE, page_icon=":material/campaign:", layout="wide")
    # Register the pages before the gate stops the script: otherwise a fresh session's first
    # run ends with no st.navigation call, Streamlit falls back to pages/ auto-discovery,
    # answers a direct URL (/trends) with "Page not found" and lands on the default page
    # after login. Registering runs no page; the menu stays hidden until the gate is passed.
    navigation = st.navigation(_pages(), position="sidebar" if gate.passed() else "hidden")
    gate.require()
    _ensure_database()
    _ensure_models()
    filters.sidebar()
    filters.assumption_inputs()
    navigation.run()
