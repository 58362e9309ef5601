"""A load whose writes fail (the disk is full) leaves the published database intact, says so
in one line, and the next load succeeds; one whose new state could not be published says so
before it starts."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from etl import warehouse
from support import CANONICAL_HEADER, FIXTURES, file_attribute, load, mention_rows, write_bytes

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


def _refused(db: Path, reason: str) -> str:
    return f"{db}: cannot replace it with the new state ({reason}); nothing was changed"


def _load_told(db: Path, path: Path) -> list[str]:
    """The stages a load into db started before it raised its WarehouseError (pytest.raises)."""
    started = []
    with pytest.raises(warehouse.WarehouseError) as error:
        load(db, "csv", path, on_step=started.append)
    return [str(error.value), *started]


@pytest.mark.parametrize("made, flag", [("file", "i"), ("folder", "a"), ("folder", "i")])
def test_a_load_whose_state_could_not_be_published_fails_before_it_reads_a_line(tmp_path, made, flag):
    """An immutable warehouse (chattr +i) was copied, loaded and scored, minutes at 1M mentions,
    before the rename refused; in an append-only folder the load also named its temporary file
    and left it there, and in an immutable one it named the temporary file."""
    folder = tmp_path / "warehouse"
    folder.mkdir()
    db = folder / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    before = mention_rows(db)
    with file_attribute(db if made == "file" else folder, flag):
        told = _load_told(db, rows_csv(tmp_path, 10))
        assert told == [_refused(db, "Operation not permitted")]  # and no stage started
        assert sorted(p.name for p in folder.iterdir()) == ["w.duckdb", "w.duckdb.lock"]
    assert mention_rows(db) == before


def test_a_load_into_a_folder_that_is_a_file_names_the_database_and_leaves_it_alone(tmp_path):
    # root or not, nothing can be made under a regular file ('File exists', naming the other file)
    taken = write_bytes(tmp_path, "taken", "not a folder")
    db = taken / "w.duckdb"
    assert _load_told(db, rows_csv(tmp_path, 10)) == [_refused(db, "Not a directory")]
    assert taken.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder whatever its mode: the tests above "
                                              "make one unwritable to root with chattr, or a file")
def test_a_load_into_a_folder_it_may_not_write_fails_before_it_reads_a_line(tmp_path):
    folder = tmp_path / "warehouse"
    folder.mkdir()
    db = folder / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    folder.chmod(0o555)
    try:
        assert _load_told(db, rows_csv(tmp_path, 10)) == [_refused(db, "Permission denied")]
    finally:
        folder.chmod(0o755)


def _in_own_mounts(script: str) -> subprocess.CompletedProcess:
    """script run by sh in a private mount namespace (unshare -rm: root there, for the mounts
    it makes), which ends with it; skips the test where unshare is not allowed (a container)."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("unshare -rm is not allowed here: no private mount to make read-only or small")
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _load_command(db: Path, path: Path) -> str:
    return f"'{sys.executable}' -m etl load csv '{path}' --db '{db}' --quiet"


def test_a_load_into_a_read_only_file_system_says_so_of_the_database(tmp_path):
    """It named the lock file beside the database ('w.duckdb.lock: Read-only file system')."""
    folder = tmp_path / "warehouse"
    folder.mkdir()
    db = folder / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    more = rows_csv(tmp_path, 10)
    done = _in_own_mounts(f"mount --bind -o ro '{folder}' '{folder}' && {_load_command(db, more)}")
    assert (done.returncode, done.stderr) == (1, f"etl: {_refused(db, 'Read-only file system')}\n")


def test_a_load_with_no_room_for_its_copy_fails_before_copying(tmp_path):
    """The copy the load works on filled the disk before failing, named the temporary file and
    left it behind. (A tmpfs: no reflinks, so the writer copies the whole file.)"""
    made = tmp_path / "made.duckdb"
    load(made, "csv", FIXTURES / "canonical.csv")
    room = tmp_path / "small"
    room.mkdir()
    db = room / "w.duckdb"
    size_kb = made.stat().st_size // 1024 * 3 // 2  # the database, and half its size for the copy
    done = _in_own_mounts(f"mount -t tmpfs -o size={size_kb}k tmpfs '{room}' && cp '{made}' '{db}' && "
                          f"{_load_command(db, rows_csv(tmp_path, 10))}; echo $?; ls -A '{room}'")
    assert done.stdout.split() == ["1", "w.duckdb", "w.duckdb.lock"]
    [said] = done.stderr.splitlines()
    assert said.startswith(f"etl: {db}: cannot replace it with the new state (No space left on device: a copy of it "
                           f"needs {made.stat().st_size >> 20} MB, ") and said.endswith("; nothing was changed")


def test_a_load_with_room_for_its_copy_but_not_for_its_log_leaves_no_copy(tmp_path):
    """The database's log left by a writer that stopped is copied after the database: with no room
    for it, the whole copy of the database stayed on the full disk and the refusal named the log as
    the file that could not be replaced."""
    made = tmp_path / "made.duckdb"
    load(made, "csv", FIXTURES / "canonical.csv")
    room = tmp_path / "small"
    room.mkdir()
    db = room / "w.duckdb"
    size = made.stat().st_size
    size_kb = size * 7 // 2 // 1024  # the database, its log of the same size, a copy of it and half a log
    done = _in_own_mounts(f"mount -t tmpfs -o size={size_kb}k tmpfs '{room}' && cp '{made}' '{db}' && "
                          f"head -c {size} /dev/zero > '{db}.wal' && "
                          f"{_load_command(db, rows_csv(tmp_path, 10))}; echo $?; ls -A '{room}'")
    assert done.stdout.split() == ["1", "w.duckdb", "w.duckdb.lock", "w.duckdb.wal"]
    [said] = done.stderr.splitlines()
    assert said.startswith(f"etl: {db}: cannot replace it with the new state (No space left on device: a copy "
                           f"of w.duckdb.wal needs {size >> 20} MB, ")
