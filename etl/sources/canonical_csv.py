"""The canonical CSV of SPEC section 3, with `--map source_column=field` for other headers.

Ids in the file may be bare (`123`) or already qualified (`twitter:123`); bare ones are
qualified with the row's platform so links between rows stay consistent. A mention id
qualified with another known platform than the row's is refused: stored, it would stand
for (and later turn away as a duplicate) a real mention of that platform.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..usage import UsageError
from . import arrow_csv
from .canonical_batch import clean_columns, stage_table
from .csvio import CsvRow, header_names, next_record_pattern, normalise_header, read_csv, runs_into_next_record
from .records import (KINDS, PLATFORMS, Account, BadFile, BadRecord, Blank, ParseOptions, Record, Reject, Rows,
                      clean_bool, clean_count, clean_id, clean_platform, clean_text, check_choice, mention,
                      parse_time)
from .textio import open_lines

FIELDS = ("mention_id", "platform", "brand", "page", "author_id", "author_handle",
          "author_followers", "is_brand", "created_at", "text", "kind", "parent_id", "shared_id",
          "likes", "shares", "replies")
REQUIRED = ("mention_id", "platform", "author_id", "created_at", "text")


BATCH_ROWS = 50_000  # records cleaned together (canonical_batch)


def parse(path: Path, options: ParseOptions) -> Iterator[Record | Rows | Reject | Account | Blank]:
    """The file's records cleaned a batch at a time (see canonical_batch): what parse_by_row
    gives, with the good records of each batch in one Rows table. Arrow's parser reads the
    file while it reads it as csvio does (arrow_csv); csvio reads the rest, and again the
    records a column rule refused, for their line and raw text."""
    renames, required = _renames(options)
    declared: set[tuple[str, str]] = set()
    with _collector_paused():
        read = yield from _parse_with_arrow(path, renames, required, options, declared)
        if not read.complete or read.refused:
            yield from _parse_with_csvio(path, renames, required, options, declared, read)


def _parse_with_arrow(path: Path, renames: dict[str, str], required: tuple[str, ...], options: ParseOptions,
                      declared: set[tuple[str, str]]):
    """The records Arrow reads, as Blanks, Accounts and Rows; returns how far it read."""
    read = arrow_csv.ReadSoFar()
    header = arrow_csv.plain_header(path)
    if header is None or any(name not in header for name in required):
        return read  # csvio reads it all (and names a missing column)
    column_of = _field_columns(header, renames)
    next_record = _next_record(header, renames)
    for block in arrow_csv.blocks(path, len(header), read):
        yield from (Blank(int(line)) for line in block.blank_lines)
        cleaned = clean_columns({name: block.columns[i] for name, i in column_of.items()}, len(block.positions),
                                options, next_record)
        read.refused += block.positions[cleaned.refused].tolist()
        yield from _table_items(stage_table(cleaned, block.positions, block.lines), declared)
    return read


def _parse_with_csvio(path: Path, renames: dict[str, str], required: tuple[str, ...], options: ParseOptions,
                      declared: set[tuple[str, str]], done: arrow_csv.ReadSoFar):
    """csvio's records after those Arrow read, and again those of them a column rule refused."""
    redo = set(done.refused)
    batch: list[CsvRow] = []
    for row in read_csv(path, required, lambda header: _field_columns(header, renames),
                        options.missing_columns_advice):
        if row.blank:
            if row.line >= done.line:
                yield Blank(row.line)
        elif row.position <= done.position:
            if row.position in redo:
                yield from _row_items(row, renames, options, declared)
        else:
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                yield from _clean_batch(batch, renames, options, declared)
                batch = []
    yield from _clean_batch(batch, renames, options, declared)


@contextmanager
def _collector_paused():
    """Python's cycle collector off while batches are read: each of its passes walked every
    record the batch held (200k records: 0.65 of 2.0 s). Records hold no reference cycles,
    so it has nothing to collect here; it is turned back on when the file is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_by_row(path: Path, options: ParseOptions) -> Iterator[Record | Reject | Account | Blank]:
    """The file's records cleaned one at a time: the rule parse's batches must agree with."""
    renames, required = _renames(options)
    declared: set[tuple[str, str]] = set()
    for row in read_csv(path, required, lambda header: _field_columns(header, renames),
                        options.missing_columns_advice):
        yield from [Blank(row.line)] if row.blank else _row_items(row, renames, options, declared)


def columns_not_read(path: Path, column_map: dict[str, str]) -> tuple[list[str], list[str]]:
    """(the file's columns no field is read from, the --map sources the file has no column of):
    a misspelt optional column ('parentid') loaded every row without the value, and no word of
    it. Both empty for a file without a header line (the load says what is wrong with it)."""
    try:
        first = next(open_lines(path), None)
    except (BadFile, OSError):
        return [], []
    if first is None:
        return [], []
    header = header_names(first)
    renames = {source.lower(): target for source, target in column_map.items()}
    unread = [name for name in header if renames.get(name, name) not in FIELDS]
    return unread, [source for source in column_map if source.lower() not in header]


def check_column_map(column_map: dict[str, str]) -> None:
    """--map's fields are canonical ones: refused before a load waits for the warehouse."""
    if unknown := set(column_map.values()) - set(FIELDS):
        raise UsageError(f"--map names unknown field(s) {', '.join(sorted(unknown))}; "
                         f"fields are {', '.join(FIELDS)}")


def _renames(options: ParseOptions) -> tuple[dict[str, str], tuple[str, ...]]:
    """(lower-cased source column -> field, the source names of the required fields)."""
    check_column_map(options.column_map)
    renames = {source.lower(): target for source, target in options.column_map.items()}
    return renames, tuple(_source_name(field, renames) for field in REQUIRED)


def _row_items(row: CsvRow, renames: dict[str, str], options: ParseOptions,
               declared: set[tuple[str, str]]) -> list[Record | Reject | Account]:
    """One record cleaned by itself: its Reject, or its Record after the Account it reveals."""
    locator = f"line {row.line}"
    if row.problem:
        return [Reject(row.position, locator, row.raw, row.problem, cut=row.cut)]
    if _is_header_again(row):
        return [Reject(row.position, locator, row.raw, HEADER_AGAIN)]
    fields = {renames.get(name, name): value for name, value in row.fields.items()}
    if problem := runs_into_next_record(fields.get("text"), _next_record(row.header, renames), row.line):
        return [Reject(row.position, locator, row.raw, problem)]
    try:
        record = _mention(fields, options)
    except BadRecord as err:
        return [Reject(row.position, locator, row.raw, str(err))]
    account = _new_account(record["platform"], record["author_id"], record["author_handle"],
                           record["brand"], record["is_brand"], declared)
    return [*account, Record(row.position, locator, row.raw, record)]


# Two exports joined bring the second one's header line along. It stays in quarantine, as a
# record refused, rather than being skipped as a blank row is: the load's line and log then
# say the file was joined, and where (the records after it are read by the first header).
# Said as what it is: a review read "platform 'platform' is not one of twitter, ...".
HEADER_AGAIN = "the header line again (two exports joined?): not a record"


def _is_header_again(row: CsvRow) -> bool:
    """Whether the record repeats the header's names (every column rule refuses it, so both
    readers reach this rule, not only csvio). Its first value alone decides for every other
    record: a file csvio reads is checked a record at a time."""
    values, header = row.values, row.header
    return (bool(values) and normalise_header(values[0]) == header[0]
            and [normalise_header(value) for value in values] == header)


def _new_account(platform, author_id, handle, brand, is_brand, declared: set) -> list[Account]:
    """The brand account a record reveals, the first time its account is seen."""
    key = (platform, author_id)
    if not (is_brand and brand) or key in declared:
        return []
    declared.add(key)
    return [Account(platform, author_id, (handle or "").lstrip("@") or None, brand)]


def _clean_batch(rows: list[CsvRow], renames: dict[str, str], options: ParseOptions,
                 declared: set[tuple[str, str]]) -> Iterator[Record | Rows | Reject | Account]:
    """The batch's good records as one Rows table; the records a column rule refused (and
    those the csv reader did) each cleaned by itself, for its reason."""
    if not rows:
        return
    readable = [row for row in rows if row.problem is None]
    try:
        cleaned = clean_columns(_raw_fields(readable, renames), len(readable), options,
                                _next_record(readable[0].header, renames) if readable else None)
    except UnicodeEncodeError:  # a lone surrogate Arrow cannot hold: the row rules handle it
        for row in rows:
            yield from _row_items(row, renames, options, declared)
        return
    table = stage_table(cleaned, np.array([row.position for row in readable], dtype=np.int64),
                        np.array([row.line for row in readable], dtype=np.int64))
    refused = {row.position for row, no in zip(readable, cleaned.refused) if no}
    items = [item for row in rows if row.problem or row.position in refused
             for item in _row_items(row, renames, options, declared)]
    yield from _table_items(table, declared)
    yield from items  # Rejects in file order (and a Record a column rule refused wrongly)


def _raw_fields(rows: list[CsvRow], renames: dict[str, str]) -> dict[str, list[str]]:
    """Each field's raw values, taken from the column _row_items' renamed dict takes it from."""
    if not rows:
        return {}
    columns = list(zip(*(row.values for row in rows)))
    return {field: list(columns[i]) for field, i in _field_columns(rows[0].header, renames).items()}


def _field_columns(header: list[str], renames: dict[str, str]) -> dict[str, int]:
    """The column each field is read from, as _row_items' renamed dict has it. A field two
    columns would give (a name repeated, or --map onto a column the file also has) fails
    the file: whichever column won, the other's values would be silently dropped."""
    column_of: dict[str, int] = {}
    for i, name in enumerate(header):
        field = renames.get(name, name)
        if field not in FIELDS:
            continue  # a column the load does not read
        if field in column_of:
            raise BadFile(f"the field {field} would come from two columns: "
                          f"{_column(header, column_of[field], renames)} and {_column(header, i, renames)}; "
                          "rename or drop one (or --map it to another field)")
        column_of[field] = i
    return column_of


def _next_record(header: list[str], renames: dict[str, str]) -> str:
    """csvio.next_record_pattern for this header: where its time column stands."""
    return next_record_pattern(header.index(_source_name("created_at", renames)))


def _column(header: list[str], i: int, renames: dict[str, str]) -> str:
    name = header[i]
    mapped = f" (--map {name}={renames[name]})" if name in renames else ""
    return f"column {i + 1} {name!r}{mapped}"


def _table_items(table: pa.Table, declared: set[tuple[str, str]]) -> list[Account | Rows]:
    """The brand accounts a table of cleaned records reveals, first seen first, then the
    table itself (when it has rows)."""
    brand_rows = pc.and_(pc.fill_null(table["is_brand"], False),
                         pc.fill_null(pc.greater(pc.utf8_length(table["brand"]), 0), False))
    candidates = table.filter(brand_rows).select(["platform", "author_id", "author_handle", "brand", "is_brand"])
    accounts = []
    for row in candidates.to_pylist():  # brand replies: a small share of any history
        accounts += _new_account(row["platform"], row["author_id"], row["author_handle"], row["brand"],
                                 row["is_brand"], declared)
    return [*accounts, Rows(table)] if table.num_rows else accounts


def _source_name(field: str, renames: dict[str, str]) -> str:
    return next((source for source, target in renames.items() if target == field), field)


def csv_id(value, platform: str, name: str) -> str | None:
    """An id column's value as stored: cleaned (clean_id), and qualified with the row's platform
    unless it has a prefix of its own."""
    value = clean_id(value, name)
    return value if value is None or ":" in value else f"{platform}:{value}"


def line_id(raw: str) -> str | None:
    """The mention id a quarantined line names as a load reads it, from its first two fields where
    the canonical header has mention_id and platform (the file's own header is not stored with the
    line); None where they are not an id and a platform, as in a line of another column order."""
    try:
        fields = next(csv.reader(io.StringIO(raw)))
        return csv_id(fields[0], clean_platform(fields[1]), "mention_id")
    except (StopIteration, IndexError, csv.Error, BadRecord):
        return None


def _mention(fields: dict[str, str], options: ParseOptions) -> dict:
    platform = clean_platform(fields.get("platform"))

    def linked(name: str) -> str | None:
        return csv_id(fields.get(name), platform, name)

    mention_id = linked("mention_id")
    prefix = mention_id.split(":", 1)[0] if mention_id else None
    if prefix in PLATFORMS and prefix != platform:
        # Stored as it is, it would take the id of a real mention of that other platform.
        raise BadRecord(f"mention_id {mention_id[:40]!r} is a {prefix} id but the row's platform is {platform}")

    parent, shared = linked("parent_id"), linked("shared_id")
    default_kind = "share" if shared else "reply" if parent else "post"
    handle = (fields.get("author_handle") or "").strip() or None
    return mention(
        mention_id=mention_id,
        platform=platform,
        brand=(fields.get("brand") or "").strip() or options.brand,
        page=(fields.get("page") or "").strip() or None,
        author_id=clean_id(fields.get("author_id"), "author_id"),
        author_handle=handle,
        author_followers=clean_count(fields.get("author_followers"), "author_followers"),
        is_brand=clean_bool(fields.get("is_brand"), "is_brand"),
        created_at=parse_time(fields.get("created_at"), "created_at", options),
        text=clean_text(fields.get("text")),
        kind=check_choice(fields.get("kind"), KINDS, "kind", default=default_kind),
        parent_id=parent,
        shared_id=shared,
        likes=clean_count(fields.get("likes"), "likes"),
        shares=clean_count(fields.get("shares"), "shares"),
        replies=clean_count(fields.get("replies"), "replies"),
    )
