"""The published database: reloads change nothing, newer exports add and update, readers keep
working while a load publishes, and a load killed at any point leaves the last state intact."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from etl import load as load_module, warehouse
from support import CANONICAL_HEADER, FIXTURES, load, mention_rows, query, scalar, write_bytes

ROOT = Path(__file__).resolve().parents[1]


def big_csv(directory: Path, rows: int, first: int = 100_000) -> Path:
    lines = [CANONICAL_HEADER]
    lines += [f"twitter:{n},twitter,Nimbus,@Nimbus,c{n % 997},,{n % 5000},false,"
              f"2025-05-{1 + n % 28:02d}T{n % 24:02d}:00:00Z,@Nimbus no signal again #{n},post,,"
              for n in range(first, first + rows)]
    return write_bytes(directory, f"big-{first}-{rows}.csv", "\n".join(lines) + "\n")


# Tables a warehouse made before they lost their primary keys (etl/schema.sql) still has them with,
# and mentions, whose key stays: each holds a mention id once.
_ONCE_KEYED = ("mention_sightings", "mention_scores")
_ONE_ROW_A_MENTION = ("mentions", *_ONCE_KEYED)


@pytest.fixture(params=["made now", "made with keys"])
def db(request, tmp_path) -> Path:
    """A new warehouse's path, or one whose mention tables have an older version's primary
    keys: the load's statements must serve both."""
    path = tmp_path / "w.duckdb"
    if request.param == "made with keys":
        with warehouse.writer(path) as con:
            for table in _ONCE_KEYED:
                con.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (mention_id)")
        assert scalar(path, "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                            "AND table_name IN ('mention_sightings', 'mention_scores')") == 2
    return path


def test_reloading_a_file_changes_nothing(db):
    for fmt, name in [("twcs", "twcs_pandas.csv"), ("twitter-json", "twitter_v1.jsonl"),
                      ("facebook-json", "facebook_page.json"), ("csv", "canonical.csv")]:
        load(db, fmt, FIXTURES / name)
    before = mention_rows(db)
    reports = [load(db, "twcs", FIXTURES / "twcs_pandas.csv")[0],
               load(db, "facebook-json", FIXTURES / "facebook_page.json")[0]]
    assert mention_rows(db) == before
    assert [(r.rows_loaded, r.rows_updated, r.rows_duplicate) for r in reports] == [(0, 0, 7), (0, 0, 6)]
    for table in _ONE_ROW_A_MENTION:  # the load holds them to one row a mention, not only a key
        assert scalar(db, f"SELECT count(*) - count(DISTINCT mention_id) FROM {table}") == 0, table
        assert scalar(db, f"SELECT count(*) FROM {table}") == len(before), table


# What a load writes about itself: the log, which load last saw each mention, and which
# pages and times a load covered. Everything else is the state a reload must leave alone.
_LOAD_LOG = {"loads", "mention_sightings", "load_coverage"}


def _state(db: Path) -> dict[str, list[tuple]]:
    tables = [t for (t,) in query(db, "SELECT table_name FROM duckdb_tables() WHERE NOT temporary")]
    return {t: sorted(query(db, f'SELECT * FROM "{t}"'), key=repr) for t in tables if t not in _LOAD_LOG}


BAD_LINES = [CANONICAL_HEADER,
             "twitter:1,twitter,Nimbus,@Nimbus,c1,,1,false,2025-05-01T08:00:00Z,no signal,post,,",
             "twitter:2,twitter,Nimbus,@Nimbus,c1,,1,false,not a time,bad time,post,,",
             "twitter:1,twitter,Nimbus,@Nimbus,c9,,1,false,2025-05-01T08:00:00Z,another author,post,,",
             "twitter:7,twitter,Nimbus,@Nimbus,c2,,1,false,2025-05-01T09:00:00Z,stored with another time,post,,",
             "twitter:2,twitter,Nimbus,@Nimbus,c1,,1,false,not a time,bad time,post,,"]


def test_reloading_a_file_with_bad_records_stores_none_again(tmp_path):
    """The same file, the same accounting and exit status; its bad records are stored once."""
    db = tmp_path / "w.duckdb"
    load(db, "csv", write_bytes(tmp_path, "before.csv", "\n".join([
        CANONICAL_HEADER, "twitter:7,twitter,Nimbus,@Nimbus,c2,,1,false,2025-05-01T07:00:00Z,x,post,,"]) + "\n"))
    bad = write_bytes(tmp_path, "bad.csv", "\n".join(BAD_LINES) + "\n")
    [first] = load(db, "csv", bad)
    assert (first.status, first.rows_loaded, first.rows_quarantined, first.quarantined_in) == ("partial", 1, 4, (2,))
    before = _state(db)
    [again] = load(db, "csv", bad)
    assert _state(db) == before
    assert (again.status, again.rows_read, again.rows_duplicate, again.rows_quarantined) == ("partial", 5, 1, 4)
    assert again.quarantined_in == (2,)
    assert again.message.startswith(f"{bad}: line 3: created_at 'not a time' is not a date and time: ")
    assert again.message.endswith(" (all 4 quarantined records were set aside already by load 2)")


def test_a_bad_record_is_stored_once_whatever_advice_its_reason_gives(tmp_path):
    # the Data page's upload words the advice for a time without offset otherwise than the
    # command line: the same line of the same file was stored twice (a review)
    db = tmp_path / "w.duckdb"
    bad = write_bytes(tmp_path, "bad.csv", "\n".join([
        CANONICAL_HEADER, "twitter:1,twitter,Nimbus,@Nimbus,c1,,1,false,2025-05-01T08:00:00,no offset,post,,"]) + "\n")
    [first] = load(db, "csv", bad)
    [again] = load(db, "csv", bad, no_offset_advice="give the times with a UTC offset")
    assert (first.rows_quarantined, again.rows_quarantined, again.quarantined_in) == (1, 1, (first.load_id,))
    assert query(db, "SELECT load_id FROM quarantine") == [(first.load_id,)]


def test_a_bad_record_is_stored_once_per_file_however_often_the_file_is_loaded(tmp_path):
    """Known as many times as the file's earlier loads hold it. Another file with the same bad
    line stores its own copies: its lines are its own, and the quarantine names them."""
    db = tmp_path / "w.duckdb"
    load(db, "csv", write_bytes(tmp_path, "once.csv", "\n".join(BAD_LINES[:3]) + "\n"))
    twice = write_bytes(tmp_path, "twice.csv", "\n".join(BAD_LINES[:3] + BAD_LINES[-1:]) + "\n")
    reports = [load(db, "csv", twice)[0] for _ in range(3)]
    assert [(r.rows_quarantined, r.quarantined_in) for r in reports] == [(2, (2,))] * 3
    assert query(db, "SELECT load_id, locator FROM quarantine ORDER BY 1, 2") == [
        (1, "line 3"), (2, "line 3"), (2, "line 4")]
    # loads 3 and 4 stored nothing: load 2 alone holds them
    assert reports[-1].message.endswith("(all 2 quarantined records were set aside already by load 2)")


def _june_and_july(directory: Path) -> tuple[Path, Path]:
    """Two complete exports of @Nimbus: July's has lost post 2, and post 1 has 9 likes, not 1."""
    header = CANONICAL_HEADER + ",likes"
    row = "twitter:{n},twitter,Nimbus,@Nimbus,c{n},,10,false,2025-05-0{n}T08:00:00Z,post {n},post,,,{likes}"
    june = write_bytes(directory, "june.csv", "\n".join([header] + [row.format(n=n, likes=1)
                                                                     for n in (1, 2, 3)]) + "\n")
    july = write_bytes(directory, "july.csv", "\n".join([header, row.format(n=1, likes=9),
                                                          row.format(n=3, likes=1)]) + "\n")
    return june, july


def test_an_older_export_loaded_again_brings_back_neither_counters_nor_deleted_posts(tmp_path):
    """June's export, then July's (a complete export of the page: a post gone, a count grown),
    then June's file again: the same bytes say nothing new, so July's state stands."""
    db = tmp_path / "w.duckdb"
    june, july = _june_and_july(tmp_path)
    load(db, "csv", june, complete_export=True)
    load(db, "csv", july, complete_export=True)
    after_july = _state(db)
    assert query(db, "SELECT mention_id FROM deleted_mentions") == [("twitter:2",)]
    [again] = load(db, "csv", june, complete_export=True)
    assert (again.rows_duplicate, again.rows_updated) == (3, 0)
    assert _state(db) == after_july


def test_a_file_loaded_again_with_a_column_mapped_fills_what_was_missing(tmp_path):
    """Loaded first without --map favorites=likes, the likes were null: the same file with the
    mapping fills them (only what is missing: a file loaded again never overwrites a count)."""
    db = tmp_path / "w.duckdb"
    path = write_bytes(tmp_path, "faves.csv", "\n".join([
        CANONICAL_HEADER + ",favorites",
        "twitter:1,twitter,Nimbus,@Nimbus,c1,,10,false,2025-05-01T08:00:00Z,post 1,post,,,4"]) + "\n")
    load(db, "csv", path)
    assert query(db, "SELECT likes FROM mentions") == [(None,)]
    [again] = load(db, "csv", path, column_map={"favorites": "likes"})
    assert (again.rows_duplicate, again.rows_updated) == (1, 1)
    assert query(db, "SELECT likes FROM mentions") == [(4,)]


@pytest.mark.parametrize("again", [True, False])
def test_a_file_that_gives_a_stored_mention_its_page_fills_it_whatever_its_counters(tmp_path, again):
    """A mention stored with its brand but no page (a column not mapped, or an older export
    without it) takes the page a later file gives, counters changed or not (a review found it
    filled only when a like count moved too). again: the same file, the column now mapped."""
    db = tmp_path / "w.duckdb"
    row = "twitter:1,twitter,Nimbus,{page},c1,,10,false,2025-05-01T08:00:00Z,post 1,post,,"
    first = write_bytes(tmp_path, "first.csv", "\n".join([CANONICAL_HEADER.replace(",page,", ",where,"),
                                                          row.format(page="@NimbusHelp")]) + "\n")
    load(db, "csv", first)
    assert query(db, "SELECT page FROM mentions") == [(None,)]
    if again:
        [report] = load(db, "csv", first, column_map={"where": "page"})
    else:
        [report] = load(db, "csv", write_bytes(tmp_path, "later.csv", "\n".join([
            CANONICAL_HEADER, row.format(page="@NimbusHelp")]) + "\n"))
    assert (report.rows_duplicate, report.rows_updated) == (1, 1)
    assert query(db, "SELECT page FROM mentions") == [("@NimbusHelp",)]


def test_a_later_row_naming_another_brand_gives_a_stored_mention_no_page_of_it(tmp_path):
    # a review: the stored Nimbus mention took the page of a later row that named Bolt
    db = tmp_path / "w.duckdb"
    row = "twitter:1,twitter,{brand},{page},c1,,10,false,2025-05-01T08:00:00Z,post 1,post,,"
    first = row.format(brand="Nimbus", page="")
    load(db, "csv", write_bytes(tmp_path, "first.csv", "\n".join([CANONICAL_HEADER, first]) + "\n"))
    [report] = load(db, "csv", write_bytes(tmp_path, "later.csv", "\n".join([
        CANONICAL_HEADER, row.format(brand="Bolt", page="@BoltHelp")]) + "\n"))
    assert report.rows_updated == 0
    assert query(db, "SELECT brand, page FROM mentions") == [("Nimbus", None)]


def test_an_upload_of_a_file_loaded_by_path_is_the_same_file(tmp_path):
    """The Data page logs an upload as 'upload:<name>': June's file uploaded after July's was
    loaded by path brings back neither June's counters nor its sightings."""
    db = tmp_path / "w.duckdb"
    june, july = _june_and_july(tmp_path)
    load(db, "csv", june, complete_export=True)
    load(db, "csv", july, complete_export=True)
    after_july = _state(db)
    [again] = load_module.load_files(db, "csv", [june], names=[f"{load_module.UPLOAD_PREFIX}june.csv"],
                                     complete_export=True, show_progress=False)
    assert again.rows_updated == 0 and _state(db) == after_july


def test_newer_export_adds_new_and_updates_counters(tmp_path, db):
    header = CANONICAL_HEADER + ",likes"
    row = "twitter:{n},twitter,Nimbus,@Nimbus,c1,,10,false,2025-05-01T08:00:00Z,post {n},post,,,{likes}"
    first = write_bytes(tmp_path, "june.csv", "\n".join([header, row.format(n=1, likes=1),
                                                         row.format(n=2, likes=0)]) + "\n")
    later = write_bytes(tmp_path, "july.csv", "\n".join([header, row.format(n=1, likes=9),
                                                         row.format(n=2, likes=0),
                                                         row.format(n=3, likes=2)]) + "\n")
    load(db, "csv", first)
    [report] = load(db, "csv", later)
    assert (report.rows_loaded, report.rows_duplicate, report.rows_updated) == (1, 2, 1)
    assert query(db, "SELECT mention_id, likes FROM mentions ORDER BY 1") == [
        ("twitter:1", 9), ("twitter:2", 0), ("twitter:3", 2)]


def test_reader_keeps_working_while_a_load_publishes(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    reader = warehouse.connect_readonly(db)
    seen = warehouse.generation(db)
    process = _start_load(db, big_csv(tmp_path, 30_000))
    while process.poll() is None:  # the reader is never blocked or broken meanwhile
        assert reader.execute("SELECT count(*) FROM mentions").fetchall() == [(3,)]
        time.sleep(0.05)
    assert process.returncode == 0, process.stderr.read()
    assert reader.execute("SELECT count(*) FROM mentions").fetchall() == [(3,)]  # its snapshot
    reader.close()
    assert warehouse.generation(db) != seen
    assert scalar(db, "SELECT count(*) FROM mentions") == 30_003


@pytest.mark.parametrize("delay", [0.1, 0.6, 1.2, 2.0])
def test_load_killed_midway_leaves_the_published_state(tmp_path, delay):
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    before = mention_rows(db)
    process = _start_load(db, big_csv(tmp_path, 40_000))
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert mention_rows(db) == before or scalar(db, "SELECT count(*) FROM mentions") == 40_003
    # The next load clears the dead writer's leftovers and succeeds.
    [report] = load(db, "csv", big_csv(tmp_path, 10, first=90_000))
    assert report.rows_loaded == 10
    assert not list(tmp_path.glob("w.duckdb.next-*"))


def test_killing_a_load_while_it_scores_frees_the_writer_lock(tmp_path):
    """The scoring workers inherit the writer lock on fork: they must die with the load."""
    db = tmp_path / "w.duckdb"
    process = _start_load(db, big_csv(tmp_path, 60_000))
    workers = _wait_for(lambda: _children(process.pid), process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers))
    with open(db.with_name("w.duckdb.lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if an orphan still holds it


_MEMORY_LIMIT = "SELECT current_setting('memory_limit')"


@pytest.mark.parametrize("cap, input_bytes, bound", [
    ("2GB", 0, "512MiB"),                # a small load: the floor
    ("2GB", 200 << 20, "600MiB"),        # grows with the files loaded (3 bytes a byte)
    ("2GB", 1 << 40, "2GB"),             # up to the cap
    ("80%", 0, "512MiB"),                # below a cap in any form DuckDB reads
    ("-1", 0, "512MiB"),
    ("1G", 200 << 20, "600MiB"),
    ("400MB", 0, "400MB"),               # a cap below the floor wins
])
def test_a_writer_bounds_duckdb_memory_and_releasing_its_cache_keeps_the_bound(tmp_path, monkeypatch, cap,
                                                                                input_bytes, bound):
    monkeypatch.setattr(warehouse, "WRITER_MEMORY", cap)
    expected = duckdb.connect(config={"memory_limit": bound}).execute(_MEMORY_LIMIT).fetchall()
    with warehouse.writer(tmp_path / "w.duckdb", input_bytes=input_bytes) as con:
        assert con.execute(_MEMORY_LIMIT).fetchall() == expected
        con.execute("CREATE TEMP TABLE held AS SELECT range::VARCHAR AS s FROM range(1000000)")
        warehouse.release_cached_memory(con)
        assert con.execute(_MEMORY_LIMIT).fetchall() == expected
        assert con.execute("SELECT count(*) FROM held").fetchall() == [(1_000_000,)]


@pytest.mark.parametrize("stored, input_bytes, bound", [
    (0, 0, 512 << 20),                                   # at least 512 MiB
    (1_000_000, 0, 600_000_000),                         # 600 bytes a stored mention
    (500_000, 100_000_000, 600_000_000),                 # and 3 a byte of the files being loaded
])
def test_the_writer_bound_grows_with_the_warehouse_and_its_input(stored, input_bytes, bound):
    assert warehouse.writer_memory(stored, input_bytes) == bound


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _wait_for(condition, process: subprocess.Popen | None = None, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert process is None or process.poll() is None, "the load ended before the condition"
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)
    return found


def _start_load(db: Path, path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "load", "csv", str(path), "--db", str(db),
                             "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _hold_for_writing(db: Path) -> subprocess.Popen:
    """Another program (a DuckDB shell, say) with the warehouse open for writing, a change of its
    own committed to the log beside the file and not yet in it; it says 'held' once it is."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(db)!r})\n"
         "con.execute('CREATE TABLE notes AS SELECT 1 AS note')\n"
         "print('held', flush=True)\n"
         "time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_load_while_another_program_writes_the_database_is_refused_and_changes_nothing(tmp_path):
    """It went ahead: the program's change was lost with the replaced file, and its log beside the
    new one made every reader fail ('WAL checkpoint iteration does not match')."""
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    holder = _hold_for_writing(db)
    try:
        with pytest.raises(warehouse.WarehouseError, match=f"{db}: another program has it open for writing "
                                                          f"\\(PID {holder.pid}, .*nothing was changed"):
            load(db, "csv", big_csv(tmp_path, 5))
    finally:
        holder.terminate()
        holder.wait()
    assert scalar(db, "SELECT count(*) FROM mentions") == 3
    assert query(db, "SELECT note FROM notes") == [(1,)]


def test_a_load_after_a_writing_program_was_killed_keeps_its_changes_and_readers_read(tmp_path):
    """Its log of committed changes, left beside the file, is the published state's: the load
    takes it in, and does not leave it beside the new file, where readers refused it."""
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    holder = _hold_for_writing(db)
    holder.kill()
    holder.wait()
    assert db.with_name("w.duckdb.wal").exists()
    [report] = load(db, "csv", big_csv(tmp_path, 5))
    assert report.rows_loaded == 5
    assert scalar(db, "SELECT count(*) FROM mentions") == 8
    assert query(db, "SELECT note FROM notes") == [(1,)]
    assert not db.with_name("w.duckdb.wal").exists()


def test_new_reader_sees_a_new_publish_while_an_old_reader_is_open(tmp_path):
    """DuckDB caches one instance per path in a process; readers must not inherit it."""
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    old = warehouse.connect_readonly(db)
    load(db, "twcs", FIXTURES / "twcs_pandas.csv")
    new = warehouse.connect_readonly(db)
    assert old.execute("SELECT count(*) FROM mentions").fetchall() == [(3,)]
    assert new.execute("SELECT count(*) FROM mentions").fetchall() == [(10,)]
    old.close()
    new.close()


def test_a_refused_publish_says_nothing_was_changed_without_the_temporary_files_name(tmp_path, monkeypatch):
    # a database file made immutable (chattr +i): the CLI printed the raw OSError naming
    # 'w.duckdb.next-18420' (a review); the rename's refusal is the operating system's
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    before = mention_rows(db)

    def refuse(src, dst):
        raise PermissionError(1, "Operation not permitted", str(src), None, str(dst))
    monkeypatch.setattr(warehouse.os, "replace", refuse)
    with pytest.raises(warehouse.WarehouseError) as error:
        load(db, "csv", write_bytes(tmp_path, "more.csv", (FIXTURES / "canonical.csv").read_bytes()))
    said = f"{db}: cannot replace it with the new state (Operation not permitted); nothing was changed"
    assert str(error.value) == said
    monkeypatch.undo()
    assert mention_rows(db) == before and not list(tmp_path.glob("w.duckdb.next-*"))


def test_a_writer_waiting_for_another_says_so_in_a_line_of_the_command_line(tmp_path, capsys):
    """Every other line the command line writes starts 'etl: ' (a script picks them out by it)."""
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    said = []
    with open(db.with_name("w.duckdb.lock"), "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another load's
        waiting = threading.Thread(target=warehouse.update_if, args=(db, lambda con: True, lambda con: None))
        waiting.start()
        _wait_for(lambda: said.append(capsys.readouterr().err) or "waiting" in "".join(said))
        fcntl.flock(held, fcntl.LOCK_UN)
    waiting.join()
    assert "".join(said) == f"etl: {db}: another load is running; waiting for it to finish\n"


def test_a_load_keeps_the_permissions_the_published_file_was_given(tmp_path):
    """The new state was created with the loader's umask: a warehouse kept from other users
    (0o600) was readable by all after the nightly load."""
    db = tmp_path / "w.duckdb"
    load(db, "csv", FIXTURES / "canonical.csv")
    db.chmod(0o600)
    load(db, "csv", big_csv(tmp_path, 5))
    assert db.stat().st_mode & 0o777 == 0o600
    assert scalar(db, "SELECT count(*) FROM mentions") == 8
