"""Fixtures for the end-to-end tests: real `streamlit run dashboard.py` servers and headless
Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ui
from etl import snapshot
from server import StreamlitServer

PASSWORD = "e2e-Pa55word"


@pytest.fixture(scope="session")
def e2e_db(dashboard_db, tmp_path_factory):
    """dashboard_db (demo + hostile corpus) with the weekly snapshot materialised, as after
    `python -m etl snapshot`: what the Weekly page reads."""
    path = tmp_path_factory.mktemp("e2e") / "reputation.duckdb"
    shutil.copyfile(dashboard_db, path)
    snapshot.materialise(path)
    return path


@pytest.fixture(scope="session")
def playwright_instance():
    if not ui.CHROMIUM.exists():
        pytest.skip(f"{ui.CHROMIUM} is missing (apt-get install chromium); browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = ui.launch(playwright_instance)
    yield browser
    browser.close()


def _warm_up(browser, server: StreamlitServer) -> None:
    """One visit of the root: the first script run of a fresh server process runs through
    pages/ auto-discovery (see test_browser.py); later sessions see only st.navigation's pages."""
    page = browser.new_page()
    try:
        page.goto(server.url)
        ui.wait_idle(page, None, timeout=90)
    finally:
        page.close()


@pytest.fixture(scope="session")
def server(e2e_db, browser):
    """An open (no password) dashboard on e2e_db, shared by the session, already warmed up."""
    with StreamlitServer(e2e_db) as running:
        _warm_up(browser, running)
        yield running


@pytest.fixture
def gate_server(e2e_db):
    """A freshly started dashboard with a password and no visitor yet."""
    with StreamlitServer(e2e_db, password=PASSWORD) as running:
        yield running


@pytest.fixture
def page(browser):
    """A page in its own browser context (own session), with a Watcher at page.watcher."""
    with ui.browser_page(browser) as page:
        yield page


@pytest.fixture(scope="session")
def markdown_server(browser):
    """markdown_app.py (no database): hostile names through app.safe.markdown_text."""
    with StreamlitServer(None, script=Path(__file__).with_name("markdown_app.py")) as running:
        yield running
