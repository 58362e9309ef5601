"""`classify`: the text analytics of etl/text.py applied to the rows of any CSV file.

Rows a brand wrote (an is_brand or twcs inbound column) are scored as brand replies, so
their deflection is known; without such a column every row is a customer's.

IN's records are read as `load csv` reads them (Arrow, then csvio: _read_chunks): a bare
carriage return stays inside its field, and a record of the wrong width is set aside, said
with its line and problem, while the others are classified. The file is read and written in
chunks so memory stays bounded however large it is; one TextScorer (and so at most one
process pool) serves all the chunks. The result is written to a temporary file beside OUT and renamed over it at
the end, so a run that fails leaves OUT as it was, never half-written or emptied; OUT may
not be IN.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from etl.atomic_file import replacing
from etl.csv_out import csv_cell, plain_values, write_csv
from etl.sources import arrow_csv
from etl.sources.csvio import CsvRow, other_separator, read_csv
from etl.sources.records import BadFile
from etl.sources.textio import UNDECODABLE, open_lines, protect_bare_cr, restore_cr
from etl.text import OUTPUT_COLUMNS, TextScorer
from etl.usage import UsageError

CHUNK_ROWS = 100_000
# Which rows a brand wrote (only a brand's reply can be a deflection; only a customer's text a
# complaint or question): a column of true/false, or twcs' "inbound", true for customers.
BRAND_COLUMNS = {"is_brand": False, "inbound": True}   # column -> true means "not the brand"
_TRUE, _FALSE = {"true", "t", "yes", "y", "1"}, {"false", "f", "no", "n", "0", ""}


def brand_column(columns: list[str]) -> str | None:
    """The column (of IN's header's) that says which rows a brand wrote, if it has one."""
    return next((c for c in BRAND_COLUMNS if c in columns), None)


class Header(NamedTuple):
    """IN's column names, read once (read_header)."""
    written: list[str]  # as IN's header has them: the output is to have IN's columns
    columns: list[str]  # as pandas names them, as the chunks do: a second 'note' is 'note.1', an empty 'Unnamed: 2'


class SetAside(NamedTuple):
    """A record of IN that was not classified, and why (as a load would quarantine it)."""
    record: int  # 1-based, the header and blank lines not counted, as a load counts them
    line: int    # the record's first line in IN
    problem: str


def read_header(in_path, name: str | None = None) -> Header:
    """IN's header, read once: the CLI and run both need it, and IN may be a copy of a pipe.
    Its first line, as the loaders' CSV reader takes it, so its width is the records'."""
    name = in_path if name is None else name
    with _naming_the_file(name):
        line = next(open_lines(Path(in_path)), None)
    if line is None:
        raise ValueError(f"{name}: not a readable CSV: the file is empty")
    if line.count('"') % 2:  # the csv module would end the name at the line end, the records one short
        raise ValueError(f"{name}: not a readable CSV: the header line leaves a quote open "
                         "(a column name holding a line break?)")
    written = [restore_cr(value) for value in next(csv.reader([line]), [])]
    # pandas' names of the same line, so a text column is looked for under the name the chunks have;
    # quoted only, not _header_line's csv_cell, whose apostrophe made '@body' "'@body"
    line = ",".join(_quote(name) for name in written) + "\n"
    return Header(written, list(pd.read_csv(io.StringIO(line), nrows=0).columns))


def run(in_path: str | os.PathLike, out_path: str | os.PathLike, text_column: str = "text",
        chunk_rows: int = CHUNK_ROWS, warn: Callable[[str], None] | None = None, name: str | None = None,
        header: Header | None = None, set_aside: list[SetAside] | None = None) -> int:
    """Write IN's columns plus the fixed score columns to OUT; return the rows written.
    warn(message) is told of each record set aside (the wrong number of fields: a comma in a
    text not in quotes, a quote left open), then of their count, and of texts that held bytes
    the file's encoding could not read: they are read as U+FFFD and scored so. set_aside, if
    given, gets the records set aside (the CLI's exit code). Messages call IN name (default:
    in_path), as the user gave it where in_path is a copy (readable).
    header: IN's, where the caller has read it (read_header); else it is read here."""
    name = str(in_path) if name is None else name
    header = header or read_header(in_path, name)
    columns = header.columns
    if text_column not in columns:
        raise ValueError(f"{name}: " + (other_separator(",".join(columns), (text_column,))
                                        or f"no column {text_column!r}; columns are {', '.join(map(repr, columns))}"))
    if taken := [c for c in OUTPUT_COLUMNS if c in columns]:
        raise ValueError(f"{name}: already has the column(s) {', '.join(map(repr, taken))} that classify "
                         "adds (an earlier classify's output?): drop or rename them")
    _refuse_same_file(in_path, out_path)
    aside = _SetAsideSaid(name, warn, set_aside)
    with replacing(out_path) as out:
        written, replaced = _classify(in_path, name, out, header, text_column, chunk_rows, aside)
    aside.say_count()
    if replaced and warn is not None:
        records = f"{len(replaced):,} record{'' if len(replaced) == 1 else 's'}"
        warn(f"{name}: the {text_column} of {records} held bytes that are not text in the file's "
             f"encoding (first: record {replaced[0]}); they were read as U+FFFD and scored so")
    return written


class _SetAsideSaid:
    """Each record set aside said as it is met, then their count; kept only where the caller asks."""

    def __init__(self, name: str, warn: Callable[[str], None] | None, into: list[SetAside] | None):
        self.name, self.warn, self.into, self.count = name, warn, into, 0

    def __call__(self, record: SetAside) -> None:
        self.count += 1
        if self.into is not None:
            self.into.append(record)
        if self.warn is not None:
            self.warn(f"{self.name}: record {record.record} (line {record.line}) set aside: {record.problem}")

    def say_count(self) -> None:
        if self.count and self.warn is not None:
            records = f"{self.count:,} record{'' if self.count == 1 else 's'}"
            self.warn(f"{self.name}: {records} set aside, not classified (each named above)")


STDIN = "-"  # as an input file: stdin, as most command-line tools take it


@contextlib.contextmanager
def readable(in_path: str | os.PathLike):
    """IN as a path that can be read more than once (the header, then the rows): a pipe (-,
    /dev/stdin, a shell's <(zcat mentions.csv.gz)) is copied to a temporary file first, which
    is removed after; pandas refused it ('File or stream is not seekable.', naming no file).
    Anything else is IN itself, so its own reader says what is wrong with it."""
    if str(in_path) != STDIN and not _is_stream(in_path):
        yield in_path
        return
    if str(in_path) == STDIN and sys.stdin is None:  # Python's stdin where the shell closed it (`<&-`)
        raise ValueError("stdin is closed, so there is no input: give IN.csv, or pipe the CSV in")
    with tempfile.NamedTemporaryFile(prefix="etl-classify-", suffix=".csv") as copy:
        with contextlib.nullcontext(sys.stdin.buffer) if str(in_path) == STDIN else open(in_path, "rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def _is_stream(path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing: the reader says so, naming it
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def _classify(in_path, name: str, out, in_header: Header, text_column: str, chunk_rows: int,
              set_aside: Callable[[SetAside], None]) -> tuple[int, list[int]]:
    """The rows written under IN's header and the score columns, and the records whose text held
    bytes the encoding could not read."""
    written, replaced = 0, []
    header = [*in_header.written, *OUTPUT_COLUMNS]
    unwritten = header  # the header until the first chunk is written above it, then None
    by_brand = brand_column(header)
    with TextScorer() as scorer:
        in_flight = None  # the previous chunk, scored by the workers while this one is read
        for chunk in _read_chunks(in_path, chunk_rows, name, in_header.columns, set_aside):
            replaced += (chunk.index[chunk[text_column].str.contains("\ufffd", regex=False)] + 1).tolist()
            is_brand = _brand_rows(name, chunk, by_brand) if by_brand else None
            scoring = scorer.submit(chunk[text_column].tolist(), is_brand)
            if in_flight is not None:
                written += _write(out, *in_flight, header=unwritten)
                unwritten = None
            in_flight = (chunk, scoring)
        if in_flight is not None:
            written += _write(out, *in_flight, header=unwritten)
        else:  # no rows: still say which columns a result would have
            out.write(_header_line(header))
    return written, replaced


def _brand_rows(name: str, chunk: pd.DataFrame, column: str) -> list[bool]:
    values = chunk[column].str.strip().str.lower()
    unknown = ~values.isin(_TRUE | _FALSE)
    if unknown.any():
        row = unknown.idxmax()
        raise ValueError(f"{name}: record {row + 1}: {column} {chunk.at[row, column]!r} is "
                         "neither true nor false (true, false, 1, 0, yes, no or empty)")
    brand = values.isin(_TRUE)
    return (~brand if BRAND_COLUMNS[column] else brand).tolist()


def _refuse_same_file(in_path, out_path) -> None:
    """Writing OUT over IN would empty IN before it is read."""
    same = Path(in_path).resolve() == Path(out_path).resolve()
    with contextlib.suppress(OSError):  # OUT does not exist yet: it cannot be IN
        same = same or os.path.samefile(in_path, out_path)
    if same:
        raise UsageError(f"{out_path}: --out is the input file {in_path}; "
                         "choose another output file")


def _write(out, chunk: pd.DataFrame, scoring, header: list[str] | None) -> int:
    scores = plain_values(scoring())
    scores.index = chunk.index
    if header is not None:
        out.write(_header_line(header))
    write_csv(pd.concat([chunk, scores], axis=1), out, header=False)
    return len(chunk)


def _header_line(names: list[str]) -> str:
    return ",".join(_quote(csv_cell(name)) for name in names) + "\n"


def _read_chunks(in_path, chunk_rows: int, name: str, columns: list[str],
                 set_aside: Callable[[SetAside], None]) -> Iterator[pd.DataFrame]:
    """The records in chunks of at most chunk_rows, each cell as the exact string it was, read
    as `load csv` reads them (canonical_csv.parse): by Arrow while it reads the file as csvio
    does (arrow_csv), then by csvio, with its decoding, bare carriage returns and blank lines;
    a record csvio refuses is set aside. A chunk's index is its records' numbers less one."""
    with _naming_the_file(name):
        yield from _rechunked(_frames(Path(in_path), chunk_rows, columns, set_aside), chunk_rows)


def _frames(path: Path, chunk_rows: int, columns: list[str],
            set_aside: Callable[[SetAside], None]) -> Iterator[pd.DataFrame]:
    read = arrow_csv.ReadSoFar()
    if arrow_csv.plain_header(path) is not None:
        for block in arrow_csv.blocks(path, len(columns), read):
            yield _arrow_frame(block, columns)
    if not read.complete:
        yield from _csvio_chunks(path, chunk_rows, columns, set_aside, read.position)


def _arrow_frame(block: arrow_csv.Block, columns: list[str]) -> pd.DataFrame:
    frame = pa.Table.from_arrays(block.columns, names=columns).to_pandas()
    frame.index = block.positions - 1
    return frame


def _rechunked(frames: Iterator[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """The frames' rows in chunks of `rows` (the last maybe fewer): Arrow's blocks are of bytes,
    and the scorer scores each distinct text once a chunk (46k-row blocks took 24 s of 200k
    twcs rows where 100k-row chunks take 18)."""
    pending: list[pd.DataFrame] = []
    size = 0
    for frame in frames:
        pending.append(frame)
        size += len(frame)
        while size >= rows:
            whole = pd.concat(pending) if len(pending) > 1 else pending[0]
            yield whole.iloc[:rows]
            pending, size = [whole.iloc[rows:]], size - rows
    if size:
        yield pd.concat(pending) if len(pending) > 1 else pending[0]


def _csvio_chunks(path: Path, chunk_rows: int, columns: list[str], set_aside: Callable[[SetAside], None],
                  after: int) -> Iterator[pd.DataFrame]:
    """csvio's records after the first `after` (those Arrow read)."""
    values, index = [], []
    for row in read_csv(path, ()):
        if row.blank or row.position <= after:
            continue
        if (cells := _cells(row)) is None:
            set_aside(SetAside(row.position, row.line, row.problem))
            continue
        # a tuple of strings, which the cycle collector stops tracking: its passes walked every
        # list a chunk held (200k records of a file with bare CRs read in 7.6 s, 4-5 s so)
        values.append(tuple(cells))
        index.append(row.position - 1)
        if len(values) == chunk_rows:
            yield pd.DataFrame(values, index=index, columns=columns, dtype=object)
            values, index = [], []
    if values:
        yield pd.DataFrame(values, index=index, columns=columns, dtype=object)


def _cells(row: CsvRow) -> list[str] | None:
    """The record's values, bare carriage returns restored; None for a record to set aside. A
    record whose bytes are not all UTF-8 is refused by the loaders' reader, but has the header's
    width: it is read again, its bad bytes as U+FFFD, so its text is scored, and said (run)."""
    if row.problem is None:
        return [restore_cr(v) for v in row.values] if _has_bare_cr(row.raw) else row.values
    if row.problem.startswith(UNDECODABLE):
        return [restore_cr(v) for v in next(csv.reader(io.StringIO(protect_bare_cr(row.raw), newline="")))]
    return None


def _has_bare_cr(raw: str) -> bool:
    # two scans in C, where restoring every value of a file of Windows line ends took 1 s in 200k records
    return "\r" in raw and raw.count("\r") != raw.count("\r\n")


@contextlib.contextmanager
def _naming_the_file(name):
    """The reader's refusal of the whole file (a gzip file) with the file's name."""
    try:
        yield
    except (BadFile, UnicodeError) as err:  # a compressed file; a UTF-16 one that is not
        raise ValueError(f"{name}: not a readable CSV: {str(err).strip()}") from None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if any(c in name for c in ',"\n\r') else name
