"""What dashboard.py runs: page setup, the navigation, the login gate, then (app.startup) the
demo on first start and derived tables brought up to this version, and the shared filters.
Pages register here, as callables (never pages/ auto-discovery, which would let a fresh
server run a page file past the gate); this module imports nothing heavy, so the menu is
registered before pandas or DuckDB load."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

import streamlit as st

from . import gate

PAGE_TITLE = "Reputation risk"


def _pages() -> list:
    # Each url_path is its page's file name in pages/: a fresh server's very first run still
    # goes through pages/ auto-discovery (MPA v1), and there a path without a file is "Page
    # not found". With the file's name, that first run runs the file, whose __main__ guard
    # runs this shell (gate included).
    return [
        # The default page is served at "/" (Streamlit ignores a default page's url_path), so
        # /overview needs a hidden alias, or a bookmark of it opens on a "Page not found" dialog.
        _page("overview", "Overview", ":material/dashboard:", url_path="home", default=True),
        _page("overview", "Overview", ":material/dashboard:", url_path="overview", visibility="hidden"),
        _page("ghost_town", "Ghost Town", ":material/forum:", url_path="ghost_town"),
        _page("amplification", "Amplification Risk", ":material/share:", url_path="amplification"),
        _page("trends", "Trends", ":material/trending_up:", url_path="trends"),
        _page("weekly", "Weekly Snapshot", ":material/summarize:", url_path="weekly"),
        _page("audit", "Page Audit", ":material/fact_check:", url_path="audit"),
        _page("data", "Data", ":material/database:", url_path="data"),
    ]


def _page(module: str, title: str, icon: str, **options) -> st.Page:
    """The page of pages/<module>.py, imported when it runs: registering the menu imports no
    page (nor pandas), so on a fresh server's first visit the menu of files that
    auto-discovery shows is replaced at once, not after seconds of imports."""
    def render() -> None:
        # the browser tab, which a screen reader announces on each page change: which page,
        # then which app (main's 'Reputation risk' alone named every page the same)
        st.set_page_config(page_title=f"{title} · {PAGE_TITLE}")
        importlib.import_module(f"pages.{module}").render()

    render.__name__ = f"render_{options['url_path']}"
    return st.Page(render, title=title, icon=icon, **options)


def main() -> None:
    st.set_page_config(page_title=PAGE_TITLE, page_icon=":material/campaign:", layout="wide")
    # Register the pages before the gate stops the script: otherwise a fresh session's first
    # run ends with no st.navigation call, Streamlit falls back to pages/ auto-discovery,
    # answers a direct URL (/trends) with "Page not found" and lands on the default page
    # after login. Registering runs no page; the menu stays hidden until the gate is passed.
    navigation = st.navigation(_pages(), position="sidebar" if gate.passed() else "hidden")
    gate.require()
    from . import db, filters, startup  # pandas and DuckDB: after the menu is sent (see _page)

    try:
        path = database_argument(sys.argv[1:])
    except ValueError as problem:
        st.error(str(problem), icon=":material/error:")
        st.stop()
    if path:
        os.environ[db.DB_ENV] = path

    startup.ensure_database()
    startup.ensure_models()  # may publish: the run reads what is published after it
    with db.one_generation():
        if note := startup.demo_note():
            st.sidebar.caption(note)
        filters.sidebar()
        filters.assumption_inputs()
        navigation.run()


def database_argument(args: list[str]) -> str | None:
    """The database named after `--` on the command line, `streamlit run dashboard.py -- --db
    PATH` (Streamlit gives the script what follows `--` as its arguments), as the etl commands
    take one: it wins over REPUTATION_DB. Unread, it was dropped without a word and the
    dashboard opened (or built a demo in) data/reputation.duckdb instead (session 48)."""
    # exit_on_error off: argparse's exit on a bare `--db` ended the script thread, usage on the
    # server's console and a blank page in the browser
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("--db")
    try:
        known, _ = parser.parse_known_args(args)
    except argparse.ArgumentError:
        raise ValueError("`--db` needs a path after it: streamlit run dashboard.py -- --db PATH") from None
    return known.db or None
