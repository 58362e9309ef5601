"""Plain helpers the tests share: load files into a real DuckDB file and read it back."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import export
from etl.load import load_files
from etl.warehouse import connect_readonly

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


def etl(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    """`python -m etl ARGS` as a user runs it, in its own process: output captured as text."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "etl", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)

# A test of what is drawn or printed with a browser (kaleido's PDF/PNG, the audit report's PDF,
# Playwright's layouts) skips on a machine without one, as the app finds it (export.available),
# and nowhere else: CI installs Debian's chromium, where a missing button must fail, not skip.
_CAN_EXPORT, _WHY_NOT = export.available()
needs_chromium = pytest.mark.skipif(not _CAN_EXPORT, reason=_WHY_NOT)
# The audit report's PDF and layouts need the browser alone (it prints HTML itself, no kaleido).
_HAS_BROWSER, _NO_BROWSER = export.browser_available()
needs_browser = pytest.mark.skipif(not _HAS_BROWSER, reason=_NO_BROWSER)

CANONICAL_HEADER = ("mention_id,platform,brand,page,author_id,author_handle,author_followers,"
                    "is_brand,created_at,text,kind,parent_id,shared_id")


def load(db: Path, fmt: str, *paths, **options):
    return load_files(db, fmt, [Path(p) for p in paths], show_progress=False, **options)


def query(db: Path, sql: str, params=()) -> list[tuple]:
    with connect_readonly(db) as con:
        return con.execute(sql, list(params)).fetchall()


def scalar(db: Path, sql: str, params=()):
    return query(db, sql, params)[0][0]


def mention_rows(db: Path) -> list[tuple]:
    """Every content column of every mention, in a stable order."""
    return query(db, """SELECT mention_id, platform, brand, page, author_id, author_handle,
                               author_followers, is_brand, created_at, text, kind, parent_id,
                               shared_id, likes, shares, replies
                        FROM mentions ORDER BY mention_id""")


def write_bytes(directory: Path, name: str, data: bytes | str) -> Path:
    path = directory / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_accounted(report) -> None:
    assert report.rows_read == report.rows_loaded + report.rows_duplicate + report.rows_quarantined


@contextlib.contextmanager
def file_attribute(path: Path, flag: str):
    """chattr +flag on path for the block (i: immutable; a: append only, for a folder: nothing
    in it renamed or removed): refused to root too, where a folder's chmod stops no write (the
    tests run as root). Skips the test where the flag cannot be set: that takes the capability
    CAP_LINUX_IMMUTABLE and a file system with attributes (ext4, xfs, btrfs, tmpfs)."""
    try:
        done = subprocess.run(["chattr", f"+{flag}", str(path)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("no chattr command here (e2fsprogs) to make a file immutable")
    if done.returncode:
        pytest.skip(f"chattr +{flag} refused here, as without CAP_LINUX_IMMUTABLE: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", f"-{flag}", str(path)], check=True)
