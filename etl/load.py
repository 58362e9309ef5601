"""Loading files into the warehouse: parse, stage, attribute, merge, account, publish.

All files of one call are applied in one writer generation and published together: a
load killed at any point publishes none of them. A file that cannot be read at all (not its
format, no header) is recorded as failed and loads nothing while the others still load;
the command then exits non-zero. Each file is its own row in `loads`, and for each one
rows_read = rows_loaded + rows_duplicate + rows_quarantined.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import attribute_stage, attribute_stored, pipeline, warehouse
from .load_notes import duplicates_said, keep_unlinked, load_notes, loads_named, read_as_said
from .progress import Progress
from .sources import COMPLETE_EXPORTS, FORMATS
from .sources.facebook_json import UNKNOWN_AUTHOR
from .sources.records import (MENTION_COLUMNS, STAGE_SCHEMA, Account, BadFile, Blank, ParseOptions, Partial,
                              Record, Reject, Rows, storable)
from .sources.textio import read_as

BATCH = 50_000
_QUARANTINE_SCHEMA = pa.schema([("load_id", pa.int32()), ("position", pa.int64()),
                                ("locator", pa.string()), ("raw", pa.string()),
                                ("reason", pa.string())])


@dataclass
class LoadReport:
    load_id: int
    format: str
    file: str
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    # of rows_duplicate, the stored mentions this file brings with another text (edited
    # between exports): the stored text is kept, and the report says how many
    rows_other_text: int = 0
    rows_quarantined: int = 0
    rows_updated: int = 0
    rows_blank: int = 0
    # of rows_updated, the earlier loads' mentions given a brand, a page or an earlier time for
    # it (etl.attribute_stored): the models can update for them, unlike for refreshed counters
    rows_attributed: int = 0
    message: str | None = None
    # the file breaks off before its end (a download cut short), or lists comments it does
    # not hold (paged): what it lacks would look deleted, so it records no coverage
    incomplete: bool = False
    # the loads whose quarantine holds this file's bad records: an earlier load's, for those
    # it set aside already (a file loaded again stores none twice)
    quarantined_in: tuple[int, ...] = ()
    # records whose parent_id or shared_id is their own id: kept, without that link (a loop is
    # no thread), and the first one's locator, for the note that says so (SPEC 6: nothing silently)
    rows_self_linked: int = 0
    first_self_linked: str | None = None
    # what the load says of how the file was given (etl.load_notes.load_notes), and the code page
    # a file not UTF-8 was read as: printed after the load and kept in the load log's message,
    # where `loads` and the Data page show them later (they were printed once, then lost: a review)
    notes: list[str] = field(default_factory=list)
    read_as: str | None = None


# What load_files tells on_step as each stage starts (a progress bar's label).
READING, PUBLISHING = "reading the file", "publishing"
WAITING = "waiting for another load to finish"


def updating(step: str) -> str:
    """The stage of one of pipeline.STEPS, as on_step is told it."""
    return f"updating the {step}"


def load_files(db_path, fmt: str, paths, *, brand: str | None = None,
               brand_accounts: tuple[str, ...] = (), column_map: dict[str, str] | None = None,
               assume_tz: str | None = None, complete_export: bool | None = None,
               brand_settings: dict[str, dict] | None = None,
               show_progress: bool = True, names=None, no_offset_advice: str | None = None,
               missing_columns_advice: str = "", on_step=None,
               given_as: tuple[str, str] = ("--brand", "--brand-account ID")) -> list[LoadReport]:
    """Load files of one format and publish the result; returns one report per file.

    brand_settings maps a brand to its settings, e.g. {"Acme": {"timezone": "Europe/Paris",
    "industry": "retail"}}, stored in `brands` with the load.
    names, one per path, is what loads.file and messages call each file (default: its path);
    for uploads and generated exports whose path is a temporary one.
    no_offset_advice replaces the reason's advice for a time without a UTC offset (--assume-tz)
    where that flag is not at hand, as for an upload; missing_columns_advice follows the reason
    a canonical csv's header lacks a column (an upload has no --map).
    on_step(message) is told what the load is doing as each stage starts (a progress bar's
    label): WAITING if another load holds the warehouse, reading each file (READING for one),
    updating(step) for each of pipeline.STEPS run, PUBLISHING.
    given_as: how each report's notes name the brand option and the brand accounts option (an
    upload's: its fields).
    """
    paths, names = _checked_files(fmt, paths, names)
    options = ParseOptions(brand=brand, brand_accounts=tuple(brand_accounts),
                           column_map=dict(column_map or {}), assume_tz=assume_tz,
                           missing_columns_advice=missing_columns_advice)
    if no_offset_advice:
        options.no_offset_advice = no_offset_advice
    complete = fmt in COMPLETE_EXPORTS if complete_export is None else complete_export
    # No transaction around the load: the writer's file is private until it is published,
    # and a load that commits as it goes does not hold all its rows in memory.
    tell = on_step or (lambda message: None)
    with warehouse.writer(db_path, input_bytes=sum(path.stat().st_size for path in paths),
                          on_wait=lambda: tell(WAITING)) as con:
        _save_brand_settings(con, brand_settings or {})
        reports = []
        for number, (path, name) in enumerate(zip(paths, names), start=1):
            tell(f"reading file {number} of {len(paths)}" if len(paths) > 1 else READING)
            reports.append(_load_file(con, fmt, path, name, options, complete, show_progress))
        _keep_notes(con, reports, paths, brand, given_as)
        changed = any(r.rows_loaded or r.rows_updated for r in reports)
        only_added = not brand_settings and not any(r.rows_updated - r.rows_attributed for r in reports)
        pipeline.refresh(con, show_progress=show_progress, mentions_changed=changed,
                         added_since=reports[0].load_id if only_added else None,
                         on_step=lambda step: tell(updating(step)))
        tell(PUBLISHING)
    return reports


def _checked_files(fmt: str, paths, names) -> tuple[list[Path], list[str]]:
    """load_files' paths and their names (default: the paths), refused before the warehouse is
    touched when the format is unknown, a name is missing or a path is no file."""
    if fmt not in FORMATS:
        raise warehouse.WarehouseError(f"unknown format {fmt!r}; formats are {', '.join(FORMATS)}")
    paths = [Path(p) for p in paths]
    names = [str(p) for p in paths] if names is None else [str(n) for n in names]
    if len(names) != len(paths):
        raise ValueError("load_files: one name per path")
    for path in paths:
        if not path.is_file():
            raise warehouse.WarehouseError(f"{path}: {'is a directory' if path.is_dir() else 'no such file'}")
    return paths, names


def _keep_notes(con, reports: list[LoadReport], paths: list[Path], brand: str | None,
                given_as: tuple[str, str]) -> None:
    """Each report's notes, read once every file is merged (a later file's brand accounts make an
    earlier file's rows the brand's), written into its load log row's message with the load."""
    for report, path in zip(reports, paths):
        report.notes = load_notes(con, report, brand, *given_as)
        report.read_as = read_as(path)
        if report.notes or report.read_as:
            con.execute("UPDATE loads SET message = ? WHERE load_id = ?", [_logged_message(report), report.load_id])


def _save_brand_settings(con, settings: dict[str, dict]) -> None:
    """Store each brand's settings; a setting left out keeps its stored value. A zone never
    given is stored empty (stg_brands reads it as UTC): 'UTC' stored for a brand saved with only
    its industry read as a clock set (metrics.brand_timezone_set)."""
    for brand, values in settings.items():
        con.execute("""INSERT INTO brands VALUES ($brand, coalesce($tz, ''), $industry)
                       ON CONFLICT (brand) DO UPDATE
                       SET timezone = coalesce($tz, brands.timezone),
                           industry = coalesce($industry, brands.industry)""",
                    {"brand": brand, "tz": values.get("timezone"), "industry": values.get("industry")})


def _load_file(con, fmt: str, path: Path, name: str, options: ParseOptions, complete: bool,
               show_progress: bool) -> LoadReport:
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()[0][0]
    started = datetime.now(timezone.utc)
    report = LoadReport(load_id, fmt, name, "complete")
    digest = _file_digest(path)
    _new_stage(con)
    progress = Progress(Path(name).name, enabled=show_progress)
    try:
        _stage(con, FORMATS[fmt](path, options), report, load_id, progress)
    except BadFile as err:
        report.status, report.message = "failed", f"{name}: {err}"
        _reset_counts(report)
        con.execute("DELETE FROM quarantine WHERE load_id = ?", [load_id])
    else:
        attribute_stage.declare_accounts(con, options)
        attribute_stage.attribute(con)
        earlier = _loaded_before(con, fmt, name, digest)
        _merge(con, load_id, report, again=bool(earlier))
        keep_unlinked(con, load_id)  # while `incoming` has the lines its note names
        _drop_known_rejects(con, load_id, report, earlier)
        # coverage is a later export's word on what a page holds: a file loaded again is not one
        if complete and not report.incomplete and not earlier:
            _record_coverage(con, load_id)
        if report.rows_quarantined:
            report.status = "partial"
    progress.close(f"{report.rows_loaded:,} new, {duplicates_said(report)}, {report.rows_quarantined:,} quarantined")
    _record_load(con, report, digest, started, options)
    return report


# app/uploads.py logs an upload under this prefix and its shown name: the same file as a path
UPLOAD_PREFIX = "upload:"


def _loaded_before(con, fmt: str, name: str, digest: tuple[str, int]) -> list[int]:
    """The earlier loads of this very file: the same base name (an upload's as a path's),
    format and bytes. Loading it again changes nothing (SPEC 6): an older export loaded again
    after a newer one must neither bring back its counters, nor count its mentions as seen
    last (which would undo the newer export's deletions), nor cover its period again. A later
    export that happens to have the same name and bytes (a deleted comment back, nothing else
    changed) is taken for the file again: what it restores waits for the next export."""
    rows = con.execute("SELECT load_id, file FROM loads WHERE format = ? AND file_sha256 = ? "
                       "AND file_bytes = ? AND status <> 'failed' ORDER BY load_id", [fmt, *digest]).fetchall()
    return [load for load, file in rows if _base_name(file) == _base_name(name)]


def _base_name(file: str) -> str:
    return Path(file.removeprefix(UPLOAD_PREFIX)).name


@dataclass
class _SelfLinks:
    """The records whose parent_id or shared_id is their own mention_id, as _stage drops those
    links: how many, and the first (lowest position) one's locator. Counted as the records
    pass, not by a pass over the stage (10M stored mentions: 2.8 s, for what is most often none)."""
    count: int = 0
    position: int | None = None
    locator: str | None = None

    def add(self, count: int, position: int, locator: str) -> None:
        self.count += count
        if self.position is None or position < self.position:
            self.position, self.locator = position, locator

    def drop_in_record(self, record: Record) -> None:
        """A self-reply or self-share is no link (it would loop): the record is kept without it."""
        mention = record.mention
        own = [name for name in _LINKS if mention[name] is not None and mention[name] == mention["mention_id"]]
        for name in own:
            mention[name] = None
        if own:
            self.add(1, record.position, record.locator)

    def drop_in_table(self, table: pa.Table) -> pa.Table:
        """drop_in_record for a batch's Rows, a column at a time."""
        mention_id = table["mention_id"]
        own = {name: pc.fill_null(pc.equal(table[name], mention_id), False) for name in _LINKS}
        either = pc.or_(*own.values())
        if not pc.any(either).as_py():  # most batches: no column rewritten
            return table
        first = pc.index(either, True).as_py()
        self.add(pc.sum(either).as_py(), table["position"][first].as_py(), table["locator"][first].as_py())
        for name, mask in own.items():
            nulled = pc.if_else(mask, pa.scalar(None, table.schema.field(name).type), table[name])
            table = table.set_column(table.schema.get_field_index(name), name, nulled)
        return table


_LINKS = ("parent_id", "shared_id")


def _reset_counts(report: LoadReport) -> None:
    report.rows_read = report.rows_loaded = report.rows_duplicate = report.rows_other_text = 0
    report.rows_quarantined = report.rows_updated = report.rows_blank = report.rows_attributed = 0


def _stage(con, items, report: LoadReport, load_id: int, progress: Progress) -> None:
    columns = {name: [] for name in STAGE_SCHEMA.names}
    rejects: list[tuple] = []
    accounts: list[Account] = []
    self_links = _SelfLinks()
    for item in items:
        if isinstance(item, Record):
            self_links.drop_in_record(item)
            for name in MENTION_COLUMNS:
                columns[name].append(item.mention[name])
            columns["position"].append(item.position)
            columns["locator"].append(item.locator)
            report.rows_read += 1
        elif isinstance(item, Rows):
            _insert_batch(con, "stage", self_links.drop_in_table(item.table))
            report.rows_read += item.table.num_rows
            progress.advance(item.table.num_rows)
            continue
        elif isinstance(item, Reject):
            rejects.append((load_id, item.position, item.locator, storable(item.raw), item.reason))
            report.rows_read += 1
            report.rows_quarantined += 1
            report.message = report.message or f"{report.file}: {item.locator}: {item.reason}"
            report.incomplete = report.incomplete or item.cut
        elif isinstance(item, Blank):
            report.rows_blank += 1
            continue
        elif isinstance(item, Account):
            accounts.append(item)
            continue
        elif isinstance(item, Partial):
            report.incomplete = True
            continue
        progress.advance()
        if len(columns["position"]) >= BATCH:
            _flush(con, columns)
        if len(rejects) >= BATCH:
            _flush_rejects(con, rejects)
    _flush(con, columns)
    _flush_rejects(con, rejects)
    attribute_stage.register_accounts(con, accounts)
    report.rows_self_linked, report.first_self_linked = self_links.count, self_links.locator


def _flush(con, columns: dict[str, list]) -> None:
    if not columns["position"]:
        return
    _insert_batch(con, "stage", pa.table(columns, schema=STAGE_SCHEMA))
    for values in columns.values():
        values.clear()


def _flush_rejects(con, rejects: list[tuple]) -> None:
    if not rejects:
        return
    _insert_batch(con, "quarantine", pa.table(list(zip(*rejects)), schema=_QUARANTINE_SCHEMA))
    rejects.clear()


def _insert_batch(con, table: str, batch: pa.Table) -> None:
    # One Arrow batch per insert: executemany goes row by row (minutes for 100k rejects).
    con.register("_batch", batch)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _batch")  # table: one of two literals above
    finally:
        con.unregister("_batch")


_MENTION_COLS = ("mention_id, platform, brand, page, author_id, author_handle, author_followers, "
                 "is_brand, created_at, text, kind, parent_id, shared_id, likes, shares, replies")


def _merge(con, load_id: int, report: LoadReport, again: bool) -> None:
    """Insert the new mentions, account for the rest, refresh the stored ones this file brings
    again, and record which load saw each last (not when this very file was loaded before: `again`)."""
    _keep_first_records(con)
    incoming = con.execute("SELECT count(*) FROM incoming").fetchall()[0][0]
    report.rows_loaded = _insert_new(con, load_id)
    if report.rows_read - report.rows_quarantined > incoming:  # staged rows: an id came twice
        _quarantine_conflicts(con, load_id, report, _CONFLICTS)
    if report.rows_loaded < incoming:  # ids stored before: the same mentions, or others?
        _quarantine_conflicts(con, load_id, report, _STORED_CONFLICTS)
        con.execute(_DROP_STORED_CONFLICTS, [load_id])  # neither a sighting nor fresher counters
        report.rows_other_text = con.execute(_OTHER_TEXT, [load_id]).fetchall()[0][0]
    report.rows_duplicate = report.rows_read - report.rows_quarantined - report.rows_loaded
    _record_brands_from_replies(con, load_id)  # before a stored mention takes its brand below
    if report.rows_loaded == incoming:
        report.rows_updated = 0  # every mention is new: nothing stored to refresh (10M: 0.3 s)
    else:
        report.rows_updated = _refresh_known(con, again)
    _note_left_open(con, load_id)
    report.rows_updated += attribute_stored.claim_left_open(con, load_id)  # a reply, then the account's first row
    report.rows_attributed = attribute_stored.attribute(con, load_id)  # a complaint and its reply in two files
    report.rows_updated += report.rows_attributed
    _record_sightings(con, load_id, again)


def _keep_first_records(con) -> None:
    """`incoming`: the stage's first record of each mention id. A file that holds each id once
    (most do) is its stage, renamed: the window's sort and copy of every record took about
    1.5 s of CPU at 1M records, where counting the distinct ids takes 0.2 s."""
    if con.execute("SELECT count(*) > count(DISTINCT mention_id) FROM stage").fetchall()[0][0]:
        con.execute("""CREATE OR REPLACE TEMP TABLE incoming AS
                       SELECT * FROM stage QUALIFY row_number() OVER (PARTITION BY mention_id ORDER BY position) = 1""")
        return
    con.execute("DROP TABLE IF EXISTS incoming")  # the previous file's
    con.execute("ALTER TABLE stage RENAME TO incoming")


def _record_sightings(con, load_id: int, again: bool) -> None:
    """Which load saw each mention last; a file loaded again is no later sighting (see
    _loaded_before). An update and an anti join, not an upsert: the table has no key."""
    if not again:
        con.execute("""UPDATE mention_sightings s SET last_load_id = $load
                       FROM incoming i WHERE s.mention_id = i.mention_id""", {"load": load_id})
    con.execute("""INSERT INTO mention_sightings
                   SELECT mention_id, $load FROM incoming ANTI JOIN mention_sightings USING (mention_id)""",
                {"load": load_id})


def _note_left_open(con, load_id: int) -> None:
    """The new mentions whose file left is_brand open and that no known account claimed
    (etl.attribute_stored.claim_left_open gives them to a later load's brand account)."""
    if con.execute("SELECT count(*) FROM left_open").fetchall()[0][0]:  # most files: none
        con.execute("""INSERT INTO authorship_left_open
                       SELECT mention_id FROM mentions SEMI JOIN left_open USING (mention_id)
                       WHERE load_id = ? AND NOT is_brand
                       ON CONFLICT DO NOTHING""", [load_id])


def _record_brands_from_replies(con, load_id: int) -> None:
    """When the mentions this load wrote, or a stored one of no brand it brings again (whose
    brand _refresh_known then fills), were first known to concern their brand, where a
    brand's reply was all that said so: to them, or to what they inherit their brand from."""
    if not con.execute("SELECT count(*) FROM brand_known").fetchall()[0][0]:
        return  # most loads: no probe of every stored id
    con.execute("""INSERT INTO brand_from_reply
                   SELECT k.mention_id, min(k.known_at) FROM brand_known k
                   SEMI JOIN mentions m ON m.mention_id = k.mention_id AND (m.load_id = ? OR m.brand IS NULL)
                   GROUP BY k.mention_id
                   ON CONFLICT DO NOTHING""", [load_id])


def _quarantine_conflicts(con, load_id: int, report: LoadReport, statement: str) -> None:
    """A mention id the file holds twice with a different author, time or text (_CONFLICTS),
    or a stored mention's id with a different author, time or platform (_STORED_CONFLICTS: a
    text may be edited between exports), is not a duplicate but a second record under the
    same id: kept in quarantine, not dropped. (Two copies of one
    mention may differ in counters, as likes, and in where the file nests them, as a facebook
    reply both under its comment and in a flat stream: those are duplicates.)"""
    conflicts = con.execute(statement, [load_id]).fetchall()[0][0]
    report.rows_quarantined += conflicts
    if conflicts and report.message is None:  # else a reject before them has the word
        locator, reason = con.execute("SELECT locator, reason FROM quarantine WHERE load_id = ? "
                                      "ORDER BY position LIMIT 1", [load_id]).fetchall()[0]
        report.message = f"{report.file}: {locator}: {reason}"


def _drop_known_rejects(con, load_id: int, report: LoadReport, earlier: list[int]) -> None:
    """Re-loading a file changes nothing (SPEC 6): a bad record the `earlier` loads of this very
    file put in quarantine, with the same reason, is not stored again. It still counts as
    quarantined, so the same file gives the same accounting; quarantined_in says where it lies.
    A record is known as many times as those loads hold it, so a copy the file did not hold
    before is stored."""
    if not report.rows_quarantined:
        return
    report.quarantined_in = (load_id,)
    if not earlier:
        return
    con.execute(_KNOWN_REJECTS, {"load": load_id, "earlier": earlier})
    holding = [load for (load,) in con.execute("SELECT DISTINCT unnest(held_by) FROM known_rejects ORDER BY 1")
               .fetchall()]
    if not holding:
        return
    known = con.execute("DELETE FROM quarantine WHERE load_id = ? AND position IN (SELECT position FROM known_rejects)",
                        [load_id]).fetchall()[0][0]
    report.quarantined_in = tuple(holding) + ((load_id,) if known < report.rows_quarantined else ())
    report.message += f" ({_already(known, report.rows_quarantined)} set aside already by {loads_named(holding)})"


def _already(known: int, quarantined: int) -> str:
    if known == quarantined:
        return "the quarantined record was" if known == 1 else f"all {known:,} quarantined records were"
    return f"{known:,} of the {quarantined:,} quarantined records {'was' if known == 1 else 'were'}"


# A record is known by its raw text alone: the reason's wording may differ between loads of
# the same file (an upload's advice for a time without offset is not the command line's, and
# a review found the same bad line stored twice so).
_KNOWN_REJECTS = """
CREATE OR REPLACE TEMP TABLE known_rejects AS
WITH this_load AS (
    SELECT position, raw, row_number() OVER (PARTITION BY raw ORDER BY position) AS copy
    FROM quarantine
    WHERE load_id = $load
), known AS (
    SELECT raw, count(*) AS copies, list(DISTINCT load_id) AS held_by
    FROM quarantine
    WHERE list_contains($earlier, load_id)
    GROUP BY raw
)
SELECT t.position, k.held_by
FROM this_load t JOIN known k USING (raw)
WHERE t.copy <= k.copies
"""


# The stage keeps no raw text: a conflict's record is written back from its columns, as read.
_RECORD = """to_json(struct_pack(mention_id := s.mention_id, platform := s.platform, brand := s.brand,
                           page := s.page, author_id := s.author_id, author_handle := s.author_handle,
                           author_followers := s.author_followers, is_brand := s.is_brand,
                           created_at := strftime(s.created_at, '%Y-%m-%dT%H:%M:%S.%fZ'), text := s.text,
                           kind := s.kind, parent_id := s.parent_id, shared_id := s.shared_id,
                           likes := s.likes, shares := s.shares, replies := s.replies))::VARCHAR"""
# An author unknown in one export (a facebook comment without 'from') is not another author:
# a later export that names them names the same comment's author (the update below takes it).
_OTHER_AUTHOR = f"""(s.author_id IS DISTINCT FROM i.author_id
       AND NOT starts_with(s.author_id, '{UNKNOWN_AUTHOR}') AND NOT starts_with(i.author_id, '{UNKNOWN_AUTHOR}'))"""
_DIFFERENT = f"""CASE WHEN s.platform IS DISTINCT FROM i.platform THEN 'platform'
                     WHEN {_OTHER_AUTHOR} THEN 'author'
                     WHEN s.created_at IS DISTINCT FROM i.created_at THEN 'time'
                     ELSE 'text' END"""
_ANOTHER_RECORD = f"""(s.platform IS DISTINCT FROM i.platform OR {_OTHER_AUTHOR}
       OR s.created_at IS DISTINCT FROM i.created_at)"""
_DIFFERS = f"({_ANOTHER_RECORD} OR s.text IS DISTINCT FROM i.text)"
_CONFLICTS = f"""
INSERT INTO quarantine
SELECT ?, s.position, s.locator, {_RECORD},
       'mention id ' || s.mention_id || ' is also ' || i.locator || ' of this file, with a different '
       || {_DIFFERENT} || '; the first was kept'
FROM stage s JOIN incoming i USING (mention_id)
WHERE s.position <> i.position AND {_DIFFERS}
"""
# Here s is the incoming record and i the stored mention. Across loads a text may change
# (a comment edited between two exports, a tweet's short text then its full_text): the same
# mention, seen again; another author, time or platform is another record.
_STORED_CONFLICTS = f"""
INSERT INTO quarantine
SELECT $1, s.position, s.locator, {_RECORD},
       'mention id ' || s.mention_id || ' was loaded before (load ' || i.load_id || ') with a different '
       || {_DIFFERENT} || '; the stored one was kept'
FROM incoming s JOIN mentions i USING (mention_id)
WHERE i.load_id <> $1 AND {_ANOTHER_RECORD}
"""
# The stored mentions this file brings again with another text: duplicates (the stored text
# is kept), counted so the report can say so.
_OTHER_TEXT = """
SELECT count(*) FROM incoming s JOIN mentions i USING (mention_id)
WHERE i.load_id <> ? AND s.text IS DISTINCT FROM i.text
"""
# incoming holds each id's first record: one at a quarantined position is a stored conflict
_DROP_STORED_CONFLICTS = """
DELETE FROM incoming WHERE position IN (SELECT position FROM quarantine WHERE load_id = ?)
"""


def _insert_new(con, load_id: int) -> int:
    """Insert the incoming mentions not stored yet; return how many. An anti join builds its
    hash of the incoming ids and probes it with the stored ones (10k into 10M: 0.13 s, where
    `NOT IN` hashed every stored id, 0.53 s)."""
    return con.execute(f"""INSERT INTO mentions
                           SELECT {_MENTION_COLS}, $load FROM incoming ANTI JOIN mentions USING (mention_id)""",
                       {"load": load_id}).fetchall()[0][0]


def _refresh_known(con, again: bool) -> int:
    """A newer export of the same history brings fresher counters (and may name the brand, or
    a brand account declared since: the stored mentions of it this file brings again become
    the brand's). A file loaded `again` only fills what is missing (a column mapped this time):
    the counters stored are its own or a newer export's. A mention that becomes a brand
    account's loses its score, made as a customer's, and is scored again."""
    con.execute("""CREATE OR REPLACE TEMP TABLE claimed AS
                   SELECT m.mention_id FROM mentions m JOIN incoming i USING (mention_id)
                   WHERE NOT m.is_brand AND i.is_brand""")
    updated = con.execute(_FILL_KNOWN if again else _REFRESH_KNOWN).fetchall()[0][0]
    attribute_stored.forget_customer_scores(con)
    return updated


_COUNTERS = ("likes", "shares", "replies", "author_followers")


def _update_known(first: str) -> str:
    """The update of the stored mentions (m) a file brings again (i): each counter taken from
    `first` where it has one ('i': a newer export's counters win; 'm': the stored ones stay and
    only a missing one is filled), the brand filled and the page (of the same brand), is_brand
    once true kept, a missing reply link filled (_LINK_GIVEN); only the rows it changes, which it counts."""
    second = "m" if first == "i" else "i"
    taken = {c: f"coalesce({first}.{c}, {second}.{c})" for c in _COUNTERS}
    return f"""
UPDATE mentions m SET
    {", ".join(f"{c} = {value}" for c, value in taken.items())},
    brand = coalesce(m.brand, i.brand),
    page = CASE WHEN {_PAGE_GIVEN} THEN i.page ELSE m.page END,
    is_brand = m.is_brand OR i.is_brand,
    author_id = CASE WHEN {_AUTHOR_NAMED} THEN i.author_id ELSE m.author_id END,
    author_handle = CASE WHEN {_AUTHOR_NAMED} THEN i.author_handle ELSE m.author_handle END,
    parent_id = coalesce(m.parent_id, i.parent_id),
    kind = CASE WHEN {_LINK_GIVEN} AND m.kind = 'post' THEN i.kind ELSE m.kind END
FROM incoming i
WHERE m.mention_id = i.mention_id
  AND ({" OR ".join(f"m.{c} IS DISTINCT FROM {value}" for c, value in taken.items())}
       OR (m.brand IS NULL AND i.brand IS NOT NULL)
       OR {_PAGE_GIVEN}
       OR (NOT m.is_brand AND i.is_brand)
       OR {_AUTHOR_NAMED}
       OR {_LINK_GIVEN})"""


# A page for a stored mention without one, not another brand's (a review: a stored Acme
# mention took the page of a later row that named Bolt).
_PAGE_GIVEN = "(m.page IS NULL AND i.page IS NOT NULL AND (m.brand IS NULL OR i.brand IS NULL OR m.brand = i.brand))"


# A stored comment whose author was unknown, named by this export.
_AUTHOR_NAMED = f"(starts_with(m.author_id, '{UNKNOWN_AUTHOR}') AND NOT starts_with(i.author_id, '{UNKNOWN_AUTHOR}'))"


# A stored mention without a parent that this export says replies to one: nightly Twitter exports
# overlap, and a brand reply the first gave without in_reply_to (not linked yet) comes again with
# it; kept without, the complaint it answered stayed ignored for good. A stored parent is kept.
_LINK_GIVEN = "(m.parent_id IS NULL AND i.parent_id IS NOT NULL)"


_REFRESH_KNOWN, _FILL_KNOWN = _update_known("i"), _update_known("m")


def _record_coverage(con, load_id: int) -> None:
    con.execute("""INSERT INTO load_coverage
                   SELECT ?, platform, page, min(created_at), max(created_at) FROM incoming
                   WHERE page IS NOT NULL GROUP BY platform, page""", [load_id])


def _record_load(con, report: LoadReport, file_digest: tuple[str, int], started: datetime, options) -> None:
    digest, size = file_digest
    source = f"{report.format}:{options.brand}" if options.brand else report.format
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [report.load_id, report.format, report.file, digest, size, source, report.status,
         report.rows_read, report.rows_loaded, report.rows_duplicate, report.rows_quarantined,
         report.rows_updated, report.rows_blank, started, datetime.now(timezone.utc), _logged_message(report)])


def _logged_message(report: LoadReport) -> str | None:
    """The load log's message: the first problem, then what the load said of the file: the
    duplicates whose text differs from the stored one's, which the Data page would otherwise
    show as plain duplicates, the code page it was read as, and its notes."""
    said = ([duplicates_said(report)] if report.rows_other_text else []) + (
        [read_as_said(report.read_as)] if report.read_as else []) + report.notes
    if not said:
        return report.message
    return f"{report.message}; {'; '.join(said)}" if report.message else f"{report.file}: {'; '.join(said)}"


def _file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest(), os.path.getsize(path)


def _new_stage(con) -> None:
    con.register("_empty", pa.table({n: [] for n in STAGE_SCHEMA.names}, schema=STAGE_SCHEMA))
    con.execute("CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM _empty")
    con.unregister("_empty")
    attribute_stored.note_accounts(con)  # the accounts known before this file
