"""The one module that writes the database, and the way everything else reads it.

DuckDB lets one process write a file and refuses readers while it does. So a writer never
opens the published file: it clones it to a private next-generation file, applies its
changes there, checkpoints, and publishes with an atomic os.replace. Nobody else sees the
private file, so a writer may commit as it goes: a large load then never holds all its
uncommitted rows in memory, and DuckDB's buffer pool (writer_memory) bounds the rest.

* Readers (the dashboard, `metrics`, `loads`) open the published file read-only and keep
  the inode they opened, so a publish never disturbs a query in flight; `generation()`
  tells them a newer state exists.
* A writer killed at any instant leaves at most a stale `*.next-*` file, which the next
  writer removes; the published file is never touched before the replace.
* Writers take an exclusive lock beside the database, so two loads queue, never race.

The clone is a reflink where the filesystem offers one (free), else a kernel-side copy.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import sys
from pathlib import Path

import duckdb

DEFAULT_DB = Path("data/reputation.duckdb")
SCHEMA_SQL = Path(__file__).with_name("schema.sql")
_FICLONE = 0x40049409  # linux/fs.h: share the source's blocks copy-on-write
_FS_IOC_GETFLAGS = 0x80086601  # linux/fs.h: a file's attributes, as lsattr shows them
# chattr +i (immutable) or +a (append only): the kernel refuses to rename over such a file,
# or to rename or remove anything in such a folder, whoever asks
_IMMUTABLE_OR_APPEND_ONLY = 0x00000010 | 0x00000020
# DuckDB's default is 80% of RAM, all of which a 10M-mention load would take; with a limit,
# its sorts, joins and aggregates spill to a temporary directory beside the file instead.
# The limit grows with the work, up to WRITER_MEMORY: MEMORY_PER_MENTION bytes a stored
# mention plus MEMORY_PER_INPUT_BYTE a byte of the files being loaded, at least
# MIN_WRITER_MEMORY. The 1M-mention bench load (a 166 MB file: the floor) took as long as
# with 2 GB and peaked at 968-992 MB instead of 1,678 MB (bench/README.md, session 16); a
# 10M load, or any load into 10M mentions, is at the cap from the start.
WRITER_MEMORY = os.environ.get("REPUTATION_WRITER_MEMORY", "2GB")
MIN_WRITER_MEMORY = 512 << 20
MEMORY_PER_MENTION = 600
MEMORY_PER_INPUT_BYTE = 3
# current_setting('memory_limit') prints a limit in these, rounded down ('1.8 GiB').
_SHOWN_UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50}


class WarehouseError(RuntimeError):
    """A problem a user can act on; the CLI prints it as one line."""


def _configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # Day and week boundaries must not depend on the machine's zone; brand zones are
    # applied explicitly where a metric asks for local time. GLOBAL: a plain SET is the
    # connection's alone, and each cursor (the dashboard runs every query on one) started in
    # the machine's zone, so on a server in New York its times came back at -04:00 and the
    # Weekly page printed New York's clock as 'UTC'.
    con.execute("SET GLOBAL TimeZone = 'UTC'")
    return con


def connect_readonly(db_path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the state published now.

    duckdb.connect(path) shares one cached instance per path within a process, so while
    any connection to the path is open it keeps serving the file that was published when
    that instance opened. A private in-memory instance that attaches the file opens the
    file published now.
    """
    path = require_database(db_path)
    con = _configure(duckdb.connect(":memory:"))
    try:
        _attach_read_only(con, path)
    except duckdb.Error as err:
        con.close()
        raise WarehouseError(f"{path}: cannot open it as a database: {_why_not_opened(path, err)}") from None
    con.execute("USE warehouse")
    return con


def _attach_read_only(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The database at path, read-only, as `warehouse` of con."""
    quoted = str(path).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS warehouse (READ_ONLY)")


def require_database(db_path: str | os.PathLike) -> Path:
    """The path of a published warehouse; WarehouseError where there is none, for commands
    that only read or update one (a writer would make an empty one there)."""
    path = Path(db_path)
    if not path.exists():
        # a cron job starts in the home folder: the default data/reputation.duckdb is looked for there
        where = "" if path.is_absolute() else f"the path is relative to the working folder, {Path.cwd()}; "
        raise WarehouseError(f"{path}: no database here ({where}load data or run `python -m etl demo`)")
    return path


def _why_not_opened(path: Path, err: duckdb.Error) -> str:
    """DuckDB's reason, or, for a file that is no DuckDB database at all, that: of a .csv
    given as --db, DuckDB said 'Cannot launch in-memory database in read-only mode!'."""
    try:
        with open(path, "rb") as file:
            is_duckdb = file.read(12)[8:12] == b"DUCK"  # the magic after the header's checksum
    except OSError:
        is_duckdb = True  # a directory, unreadable: DuckDB's own reason says which
    return str(err).strip().splitlines()[0] if is_duckdb else "it is not a DuckDB database file"


def generation(db_path: str | os.PathLike) -> tuple[int, int] | None:
    """Identifies the published state: changes exactly when a writer publishes."""
    try:
        st = os.stat(db_path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


@contextlib.contextmanager
def writer(db_path: str | os.PathLike, input_bytes: int = 0, on_wait=None):
    """Yield a read-write connection to the next state; publish it if the block succeeds.

    Anything raised inside the block discards the next state and leaves the published
    one as it was. input_bytes: the size of the files the writer will load (its memory
    bound grows with them). on_wait() is called if another load holds the lock, before
    waiting for it.
    """
    path = Path(db_path)
    _refuse_if_unpublishable(path)
    with _exclusive_lock(path, on_wait):
        _remove_stale_generations(path)
        nxt = path.with_name(f"{path.name}.next-{os.getpid()}")
        left_log = _wal(path)
        _copy_published(path, nxt, left_log)
        con = _open_next(path, nxt)
        try:
            con.execute(SCHEMA_SQL.read_text())
            _bound_memory(con, input_bytes)
            yield con
            _publish_next(con, path, nxt, left_log)
        except BaseException:
            con.close()
            _unlink_generation(nxt)
            raise


def _copy_published(path: Path, nxt: Path, left_log: Path) -> None:
    """The published file (and the log left beside it) copied to the next state, nxt; none is
    left when the copy fails."""
    if not path.exists():
        return
    _refuse_if_held(path)
    try:
        _clone(path, nxt, path)
        if left_log.exists():
            _clone(left_log, _wal(nxt), path)
    except BaseException:  # a copy refused or cut short (no room for the log): none is left
        _unlink_generation(nxt)
        raise


def _open_next(path: Path, nxt: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the next state; a file DuckDB cannot open is refused by the
    published file's name, and nothing is left."""
    try:
        return _configure(duckdb.connect(str(nxt), config={"memory_limit": WRITER_MEMORY}))
    except duckdb.Error as err:  # e.g. --db names a file that is not a DuckDB database
        _unlink_generation(nxt)
        reason = str(err).strip().splitlines()[0]
        reason = reason.replace(str(nxt.resolve()), str(path)).replace(str(nxt), str(path))
        raise WarehouseError(f"{path}: cannot open it as a database, nothing was changed: {reason}") from None


def _publish_next(con, path: Path, nxt: Path, left_log: Path) -> None:
    """The next state written out, closed and published in place of path."""
    con.execute("CHECKPOINT")
    con.close()
    _fsync(nxt)
    if path.exists():  # the published file's permissions, not the writer's umask's
        shutil.copymode(path, nxt)
    _publish(nxt, path)
    # the log is the replaced file's (its changes are in the new one): left beside the
    # new file, every reader refused it ('WAL checkpoint iteration does not match')
    with contextlib.suppress(FileNotFoundError):
        left_log.unlink()
    _fsync(path.parent)


def _wal(path: Path) -> Path:
    """DuckDB's write-ahead log of the database at path: its committed changes not yet in the file."""
    return path.with_name(path.name + ".wal")


def _refuse_if_held(path: Path) -> None:
    """WarehouseError where another program (a DuckDB shell, a notebook) has the published file
    open for writing. A load went ahead: what that program wrote went to the replaced file and
    was lost, and its log beside the new file made every reader fail until it closed (for
    good, where it was killed). A read-only open is what it refuses; the dashboard's and
    other readers' do not stand in the way. A database that does not open for another reason
    is left to the writer's own open, which says why."""
    probe = duckdb.connect(":memory:")
    try:
        _attach_read_only(probe, path)
    except duckdb.IOException as err:
        holder = re.search(r"Conflicting lock is held in (.*) \(PID (\d+)\)", str(err))
        if holder:
            raise WarehouseError(f"{path}: another program has it open for writing (PID {holder[2]}, "
                                 f"{holder[1]}); close it and run this again; nothing was changed") from None
    except duckdb.Error:
        pass
    finally:
        probe.close()


def _publish(nxt: Path, path: Path) -> None:
    """The atomic rename that publishes the next state; its refusal (a file made immutable, a
    folder not writable) in a reader's words, not with the temporary file's name (a review)."""
    try:
        os.replace(nxt, path)
    except OSError as err:
        raise WarehouseError(_not_replaced(path, err.strerror)) from None


def _not_replaced(path: Path, reason: str) -> str:
    return f"{path}: cannot replace it with the new state ({reason}); nothing was changed"


def _refuse_if_unpublishable(path: Path) -> None:
    """WarehouseError, before a writer does any work, where the rename that publishes its new
    state would be refused, in the rename's words (_publish): a nightly load over a file made
    immutable copied, loaded and scored for minutes before the rename said so. Only what is
    cheap to know; the rename's own refusal still stands behind it (this can be wrong)."""
    refused = _why_unpublishable(path)
    if refused is not None:
        raise WarehouseError(_not_replaced(path, os.strerror(refused)))


def _why_unpublishable(path: Path) -> int | None:
    """The errno publishing over path would meet, or None where none is foreseen. The folder
    is made where missing, as a first load needs it."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return errno.ENOTDIR  # a file where the folder should be ('File exists' named the folder)
    except OSError as err:
        return err.errno
    if (_attributes(folder) | _attributes(path)) & _IMMUTABLE_OR_APPEND_ONLY:
        return errno.EPERM
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        return errno.EROFS if os.statvfs(folder).f_flag & os.ST_RDONLY else errno.EACCES
    return None


def _attributes(path: Path) -> int:
    """The file's attribute flags (lsattr); 0 where it is missing or its file system has none."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return 0
    try:
        # the kernel writes an int, whatever the ioctl's declared size
        return int.from_bytes(fcntl.ioctl(fd, _FS_IOC_GETFLAGS, bytes(8))[:4], sys.byteorder)
    except OSError:
        return 0
    finally:
        os.close(fd)


def update_if(db_path: str | os.PathLike, needed, update):
    """update(con) in a writer where needed(con) holds: checked read-only first (nothing to
    do: no writer, so no copy of the file and no new state), and again in the writer, as
    another session may have done it while this one waited for the lock (its copy is then
    discarded). Returns update's result, or None where nothing was done."""
    with connect_readonly(db_path) as con:
        if not needed(con):
            return None
    try:
        with writer(db_path) as con:
            if not needed(con):
                raise _NothingToDo
            return update(con)
    except _NothingToDo:
        return None


class _NothingToDo(Exception):
    pass


def writer_memory(stored_mentions: int, input_bytes: int = 0) -> int:
    """The bytes of memory a writer of a warehouse of `stored_mentions` loading files of
    `input_bytes` is given (see MEMORY_PER_MENTION), before the cap of WRITER_MEMORY."""
    return max(stored_mentions * MEMORY_PER_MENTION + input_bytes * MEMORY_PER_INPUT_BYTE, MIN_WRITER_MEMORY)


def _bound_memory(con: duckdb.DuckDBPyConnection, input_bytes: int) -> None:
    # Set before the block does anything, below the cap the writer was opened with (DuckDB
    # reads WRITER_MEMORY in any of its forms: '2GB', '80%', '-1'); kept in the session for
    # release_cached_memory.
    stored = con.execute("SELECT count(*) FROM mentions").fetchall()[0][0]
    wanted = writer_memory(stored, input_bytes)
    bound = f"{wanted >> 20}MiB" if wanted < _limit_bytes(con) else WRITER_MEMORY
    con.execute("SET memory_limit = ?", [bound])
    con.execute("SET VARIABLE writer_memory = ?", [bound])


def _limit_bytes(con: duckdb.DuckDBPyConnection) -> float:
    """The connection's memory limit, in bytes rounded down as DuckDB prints it; infinite
    where it prints something else (no lower bound is then set)."""
    shown = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0].split()
    if len(shown) != 2 or shown[1] not in _SHOWN_UNITS:
        return float("inf")
    return float(shown[0]) * _SHOWN_UNITS[shown[1]]


def release_cached_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Hand the memory a writer's DuckDB keeps cached after a big query back to the system,
    before a step that needs memory in Python: a limit just above what it holds makes DuckDB
    release the rest (at 3M mentions, 1.4 GB), then the writer's bound is put back (as set,
    not as `current_setting` prints it: '1.8 GiB' set again is 1.7 GiB); WRITER_MEMORY on a
    connection that is not a writer's."""
    bound = con.execute("SELECT getvariable('writer_memory')").fetchall()[0][0] or WRITER_MEMORY
    in_use = con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchall()[0][0]
    try:
        con.execute("SET memory_limit = ?", [f"{(int(in_use) >> 20) + 64}MB"])
    except duckdb.OutOfMemoryException:
        pass  # it held more by the time it tried: it released what it could
    finally:
        con.execute("SET memory_limit = ?", [bound])


@contextlib.contextmanager
def _exclusive_lock(path: Path, on_wait=None):
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # "etl: " as every line the command line says (a script picks them out by it)
            print(f"etl: {path}: another load is running; waiting for it to finish", file=sys.stderr)
            if on_wait:  # an upload's bar, which stderr does not reach
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_generations(path: Path) -> None:
    # Called with the writer lock held: any next-generation file left is a dead writer's.
    for stale in path.parent.glob(path.name + ".next-*"):
        if not stale.name.endswith(".wal"):
            _unlink_generation(stale)


def _unlink_generation(nxt: Path) -> None:
    for leftover in (nxt, _wal(nxt)):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _clone(src: Path, dst: Path, published: Path) -> None:
    """src copied to dst (a reflink where it can be), for the writer of `published` (named
    where there is no room for the copy: src may be its log)."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        try:
            fcntl.ioctl(fout.fileno(), _FICLONE, fin.fileno())
            return
        except OSError:
            pass  # no reflinks on this filesystem: copy in the kernel instead
        _refuse_if_no_room(src, dst, published)
    shutil.copyfile(src, dst)


def _refuse_if_no_room(src: Path, dst: Path, published: Path) -> None:
    """WarehouseError where the folder has no room for a whole copy of src: the copy stopped
    at a full disk only after writing what room there was (nothing published either way)."""
    needed, free = src.stat().st_size, shutil.disk_usage(dst.parent).free
    if needed > free:  # the writer removes what it copied before
        copied = "it" if src == published else src.name
        room = f"{os.strerror(errno.ENOSPC)}: a copy of {copied} needs {needed >> 20:,} MB, {free >> 20:,} MB are free"
        raise WarehouseError(_not_replaced(published, room))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
