"""CSV records read by Arrow's parser where it reads them as csvio does.

csvio reads a record at a time in Python with the csv module (about 2 microseconds a
record, and a Python object per field). Arrow's parser gives the same fields, quirks
included (a quote inside an unquoted field, text after a closing quote, doubled quotes,
line ends inside quotes: tests/test_canonical_batch.py), for a file that:
- has no byte-order mark, and every carriage return ends a line (csvio reads a bare one as
  part of its field, Arrow as a line end);
- has a header line without quotes (so it is exactly one line, as csvio reads it);
- is valid UTF-8 and holds the header's number of fields in every record, which Arrow
  checks as it goes: at the first block where either fails it stops, and csvio takes over
  from the record after the last block read (see canonical_csv).
Every record also gets what csvio gives it: its position (blank rows have none), and the
line it starts on (the lines before plus the line ends inside its fields).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .csvio import header_names

BLOCK_BYTES = 8 << 20  # Arrow reads this much at a time (about 50k records of the bench files)
_SCAN_BYTES = 64 << 20
# What str.strip() strips: a record whose fields hold nothing else is blank (csvio). None
# lies above U+3000 (tests/test_canonical_batch.py checks every code point): looking at all
# 1.1M took 0.1 s of every import.
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_BLANK_FIELD = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE) + "]*$"


@dataclass
class ReadSoFar:
    """How far Arrow read: the next record's line and the last position given, whether it
    reached the end, and the positions whose records the column rules refused (csvio reads
    those again)."""
    line: int = 2
    position: int = 0
    refused: list[int] = field(default_factory=list)
    complete: bool = False


@dataclass
class Block:
    """Records of one block: their fields by header column, positions and first lines; and
    the lines of the blank rows among them."""
    columns: list[pa.Array]
    positions: np.ndarray
    lines: np.ndarray
    blank_lines: np.ndarray


def plain_header(path: Path) -> list[str] | None:
    """The file's normalised header names when Arrow may read it, else None."""
    with open(path, "rb") as handle:
        first = handle.readline()
    if first.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b'"' in first or not first.endswith(b"\n"):
        return None
    if not _carriage_returns_end_lines(path):
        return None
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return header_names(line)


def _carriage_returns_end_lines(path: Path) -> bool:
    with open(path, "rb") as handle:
        carry = b""
        for chunk in iter(lambda: handle.read(_SCAN_BYTES), b""):
            chunk = carry + chunk
            carry = chunk[-1:] if chunk.endswith(b"\r") else b""
            body = chunk[:len(chunk) - len(carry)]
            if body.count(b"\r") != body.count(b"\r\n"):
                return False
        return not carry  # a file ending in a bare carriage return


def blocks(path: Path, width: int, progress: ReadSoFar) -> Iterator[Block]:
    """The file's records, block by block, `progress` kept up to date after each. Stops
    (progress.complete False) at the first block Arrow cannot read as csvio would."""
    names = [f"c{i}" for i in range(width)]
    try:
        reader = pa_csv.open_csv(
            path, read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names, block_size=BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
        for batch in reader:
            yield _block(batch, progress)
    except pa.ArrowInvalid:  # a record csvio reads otherwise (or rejects), or bytes not UTF-8
        return
    progress.complete = True


def _block(batch: pa.RecordBatch, progress: ReadSoFar) -> Block:
    columns = list(batch.columns)
    if not batch.num_rows:
        none = np.zeros(0, dtype=np.int64)
        return Block(columns, none, none, none)
    line_ends = np.zeros(batch.num_rows, dtype=np.int64)
    for column in columns:
        line_ends += pc.count_substring(column, "\n").to_numpy()
    blank = np.ones(batch.num_rows, dtype=bool)
    for column in columns:  # each column looked at only where the ones before were blank
        if not blank.any():
            break
        maybe = np.flatnonzero(blank)
        blank[maybe] = pc.match_substring_regex(column.take(pa.array(maybe)), _BLANK_FIELD).to_numpy(
            zero_copy_only=False)
    lines = progress.line + np.concatenate([[0], np.cumsum(line_ends + 1)[:-1]])
    positions = progress.position + np.cumsum(~blank)
    block = Block([column.filter(pa.array(~blank)) for column in columns], positions[~blank], lines[~blank],
                  lines[blank])
    progress.line = int(lines[-1] + line_ends[-1] + 1)
    progress.position = int(positions[-1])
    return block
