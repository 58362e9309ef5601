"""A load whose writes fail (the disk is full) leaves the published database intact, says so
in one line, and the next load succeeds."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support import CANONICAL_HEADER, FIXTURES, load, mention_rows, write_bytes

ROOT = Path(__file__).resolve().parents[1]


def _limit_file_size(limit: int):
    def apply():
        # With SIGXFSZ ignored, a write past the limit fails with EFBIG, as on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def rows_csv(directory: Path, count: int) -> Path:
    lines = [CANONICAL_HEADER] + [
        f"twitter:{200_000 + n},twitter,Nimbus,@Nimbus,c{n},,1,false,2025-05-01T08:00:00Z,"
        f"{'long text ' * 20}{n},post,," for n in range(count)]
    return write_bytes(directory, "more.csv", "\n".join(lines) + "\n")


@pytest.mark.parametrize("extra_bytes", [0, 200_000, 2_000_000])
def test_full_disk_during_a_load(tmp_path, extra_bytes):
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    before = mention_rows(db)
    limit = os.path.getsize(db) + extra_bytes  # the clone itself, or later writes, hit the limit
    done = subprocess.run(
        [sys.executable, "-m", "etl", "load", "csv", str(rows_csv(tmp_path, 20_000)), "--db", str(db), "--quiet"],
        cwd=ROOT, capture_output=True, text=True, preexec_fn=_limit_file_size(limit), timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert mention_rows(db) == before
    assert not list(tmp_path.glob("w.duckdb.next-*"))
    [report] = load(db, "csv", rows_csv(tmp_path, 100))
    assert report.rows_loaded == 100
