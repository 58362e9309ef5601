"""Session-wide fixture databases: built once with the real loaders, read by many tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hostile
from etl import demo
from etl.load import load_files

FIXTURE_MENTIONS = 4_000
FIXTURE_SEED = 11


@pytest.fixture(scope="session")
def dashboard_db(tmp_path_factory) -> Path:
    """A small seeded demo history plus the hostile corpus: what app tests read.

    Tests must not write to it; copy it (fresh_db) to change it."""
    folder = tmp_path_factory.mktemp("dashboard")
    path = folder / "reputation.duckdb"
    demo.run(path, mentions=FIXTURE_MENTIONS, seed=FIXTURE_SEED, show_progress=False)
    corpus = hostile.write_corpus(folder / "hostile.csv")
    [report] = load_files(path, "csv", [corpus], show_progress=False)
    assert report.status == "complete", report.message
    return path


@pytest.fixture
def fresh_db(dashboard_db, tmp_path) -> Path:
    """A private copy of dashboard_db that a test may load into."""
    copy = tmp_path / "reputation.duckdb"
    shutil.copyfile(dashboard_db, copy)
    return copy


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    """A machine with no browser for the exports: not at the system path, not BROWSER_PATH,
    not on PATH (app.export.browser_path finds none)."""
    from app import export
    monkeypatch.setattr(export, "SYSTEM_CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-browser"))
    monkeypatch.setenv("PATH", str(tmp_path))


@pytest.fixture(scope="session")
def printed_definitions() -> list[dict]:
    """What `python -m etl metrics definitions --format json` prints, run once."""
    out = subprocess.run([sys.executable, "-m", "etl", "metrics", "definitions", "--format", "json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture
def exported(monkeypatch) -> list:
    """The figures a page exports as PNG, recorded on their way to the real export
    (export.to_png, Kaleido driving Chromium): the tests read the figure, the page shows the PNG."""
    from app import export
    ok, reason = export.available()
    if not ok:  # as tests/test_export.py's needs_chromium: CI installs Debian's chromium
        pytest.skip(reason)
    figures, real = [], export.to_png

    def to_png(figure, *args, **kwargs) -> bytes:
        figures.append(figure)
        return real(figure, *args, **kwargs)
    monkeypatch.setattr(export, "to_png", to_png)
    return figures
