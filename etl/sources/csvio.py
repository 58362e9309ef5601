"""CSV records with their line numbers and raw text, resilient to damage.

A stray quote would make the csv module swallow the rest of the file into one field. When a
record spanning several lines has the wrong number of fields, only its first line is
reported and parsing resumes on the next line, so one bad quote costs one record. When
such a record has the right number of fields after all, a line of its text that reads as a
record (next_record_pattern) tells the loaders to quarantine it, the record it took in with it."""

from __future__ import annotations

import csv
import functools
import re
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .records import PLATFORMS, BadFile
from .textio import DecodedLine, open_lines, restore_cr

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # size is judged per field, with a reason


@dataclass(slots=True)
class CsvRow:
    position: int          # record number, 1-based, header excluded
    line: int              # first physical line of the record
    raw: str
    values: list[str] | None   # as the csv module read them, in header order; None when problem is set
    problem: str | None
    blank: bool = False
    header: list[str] | None = None
    cut: bool = False      # the file ends inside this record: a download cut short

    @property
    def fields(self) -> dict[str, str] | None:
        """The values by header name, bare carriage returns restored."""
        if self.values is None:
            return None
        return {h: restore_cr(v) for h, v in zip(self.header, self.values)}


def header_names(line: str) -> list[str]:
    """The normalised column names of a header line."""
    return [normalise_header(name) for name in next(csv.reader([line]))]


def _printable(text: str) -> str:
    """The text with control characters escaped, so a message stays one readable line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def normalise_header(name: str) -> str:
    return name.strip().strip('"').lstrip("\ufeff").strip().lower()


def read_csv(path: Path, required: tuple[str, ...], check_header=None, advice: str = "") -> Iterator[CsvRow]:
    """The file's records; check_header(header), if given, may refuse the header (BadFile);
    advice follows the hints of a header missing a required column."""
    lines = _LineSource(open_lines(path))
    header_line = lines.pop()
    if header_line is None:
        raise BadFile("the file is empty")
    header = header_names(header_line)
    missing = [c for c in required if c not in header]
    if missing:
        raise BadFile(other_separator(header_line, required)
                      or f"missing column(s) {', '.join(missing)}; the header line is {_quoted_header(header_line)}"
                         f"{_missing_hints(header_line, header, required, missing, advice)}")
    if check_header is not None:
        check_header(header)
    yield from _records(lines, header)


def _missing_hints(header_line: str, header: list[str], required: tuple[str, ...], missing: list[str],
                   advice: str) -> str:
    """What to do about a header missing a required column: load it as the format it looks
    like, else give the platform, then the advice of where the load was started (an upload
    has no --map); not that advice for a file of another format, whose columns need no renaming."""
    if json_hint := _looks_like_json(header_line):  # its columns are no csv's: nothing to add or --map
        return json_hint
    other_csv = _other_csv_format(header, required, missing)
    return other_csv or _platform_hint(missing) + advice


# A first line of JSON is a whole object (300 characters pasted into the message of a JSON file
# loaded as csv, a review): its start is enough to recognise it.
JSON_LINE_SHOWN = 80
HEADER_SHOWN = 300


def _quoted_header(header_line: str) -> str:
    """The header line as a message quotes it: printable, cut (with '...') where it is long."""
    limit = JSON_LINE_SHOWN if _looks_like_json(header_line) else HEADER_SHOWN
    line = header_line.strip()
    return _printable(line[:limit]) + ("..." if len(line) > limit else "")


def _other_csv_format(header: list[str], required: tuple[str, ...], missing: list[str]) -> str:
    """A hint where the header has all the columns of the other csv format: a twcs export
    loaded as csv was told to add a platform column or use --map (which the Data page does
    not have) when the fix was to choose twcs (a review of the page); or, where the header has
    the loaded format's own columns, that a --map named a column the file lacks."""
    from . import canonical_csv, twcs  # they read through this module: imported when needed

    # Only the canonical csv maps columns, so a required list not twcs's is a csv load: a
    # canonical file loaded as csv with `--map body=text` was told to 'load it as csv'
    loading = "twcs" if tuple(required) == twcs.REQUIRED else "csv"
    for fmt, columns in (("twcs", twcs.REQUIRED), ("csv", canonical_csv.REQUIRED)):
        if all(name in header for name in columns):
            if fmt != loading:
                return f" (this looks like a {fmt} file: load it as {fmt})"
            # `missing`: the columns a --map named
            return (f" (no --map is needed: the file has every {fmt} column under its own name, "
                    f"and no column {', '.join(missing)})")
    return ""


def _platform_hint(missing: list[str]) -> str:
    """How to give a platform a file does not name: the airline sentiment tweets, a file of one
    platform, have no such column, and no option sets one (a consultant's first load)."""
    if "platform" not in missing:
        return ""
    return (f" (platform is each row's {', '.join(PLATFORMS)}: for a file of one platform, add a "
            "platform column holding it on every row, or map a column that holds it with "
            "--map COLUMN=platform)")


def _looks_like_json(header_line: str) -> str:
    """A hint where the first line starts as JSON does: a JSON export given as CSV read its
    first object's fields as column names (a user review)."""
    if header_line.lstrip("\ufeff \t").startswith(("{", "[")):
        return " (this looks like JSON: load it as twitter-json or facebook-json)"
    return ""


_OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def other_separator(header_line: str, required: tuple[str, ...]) -> str | None:
    """Why the columns were not found when the header has them all between other separators
    (a spreadsheet set to a locale with decimal commas saves its "CSV" with semicolons)."""
    for separator, name in _OTHER_SEPARATORS.items():
        names = {normalise_header(part) for part in header_line.split(separator)}
        if len(names) > 1 and set(required) <= names:
            return (f"the columns are separated by {name}, not commas: save the file again as comma-separated "
                    f"CSV (the header is {_printable(header_line.strip())[:300]})")
    return None


def _records(lines: "_LineSource", header: list[str]) -> Iterator[CsvRow]:
    position = 0
    while True:
        first_line = lines.number + 1
        record_lines, fields = lines.next_record()
        if record_lines is None:
            return
        raw = restore_cr(record_lines[0] if len(record_lines) == 1 else "".join(record_lines))
        if not "".join(fields).strip():  # (no field holds more than whitespace)
            yield CsvRow(0, first_line, raw, None, None, blank=True)
            continue
        position += 1
        undecodable = next((l.undecodable for l in record_lines if isinstance(l, DecodedLine) and l.undecodable),
                           None)
        if len(fields) != len(header) and len(record_lines) > 1:
            # Probably an unbalanced quote: give back every line after the first.
            lines.push_back(record_lines[1:])
            raw = restore_cr(record_lines[0])
            yield CsvRow(position, first_line, raw, None,
                         "unbalanced quote or wrong number of fields")
        elif len(fields) < len(header) and not record_lines[-1].endswith(("\n", "\r")):
            yield CsvRow(position, first_line, raw, None, f"{_width_problem(fields, header, raw)}; {CUT_SHORT}",
                         cut=True)
        elif len(fields) != len(header):
            yield CsvRow(position, first_line, raw, None, _width_problem(fields, header, raw))
        elif undecodable:
            yield CsvRow(position, first_line, raw, None, undecodable)
        else:
            yield CsvRow(position, first_line, raw, fields, None, header=header)


# A last record short of fields with no line end after it: the file stops inside it (a download
# or copy cut short). Said so, as the JSON readers say it; a review got '9 fields where the
# header has 13' and no word that the file, not the record, was short. A file that is cut
# is no complete export of its pages (records.Reject.cut).
CUT_SHORT = "the file ends inside this record, without a line end (cut short?)"


_LINE_BREAK = r"(?:\r\n|\n|\r)"
# The start of a time as exports write it: ISO 8601 ('2017-10-31T22:10') or Twitter's
# ('Tue Oct 31 22:10:47 +0000 2017'), maybe quoted.
_TIME_START = r'"?(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]|[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} )[0-9]{2}:[0-9]{2}'


@functools.cache
def next_record_pattern(time_column: int) -> str:
    """A text that took in the next record: a line break, then as many fields as the header
    has before its time column, then a time. A quote left open makes the csv module (and
    Arrow, which reads as it does) run the field on to the next quote, and when the record
    still has the header's width (its text was the last field, or the next record's own
    quotes made the count come right) nothing else shows that a record was swallowed. A
    line of a text reading as a record with its time in the right place is the sign; the
    fields before the time are matched unquoted, as ids and names are written. For Python's
    re and Arrow's RE2 alike (ASCII digits, no look-around)."""
    return _LINE_BREAK + r"(?:[^,\r\n]*,){%d}" % time_column + _TIME_START


def runs_into_next_record(text: str | None, pattern: str, first_line: int) -> str | None:
    """Why a record whose text matches next_record_pattern is refused (None when it does
    not). Quarantined, its raw text keeps the records it took in; the lines named are where
    they start (counting the text's own line breaks only): a quote left open in a file's
    last column can take in every record up to the next quote (a review: 51 of them)."""
    if not text or ("\n" not in text and "\r" not in text):  # the pattern starts with a line break
        return None
    lines = [first_line + len(re.findall(_LINE_BREAK, text[:found.start()])) + 1
             for found in re.finditer(pattern, text)]
    if not lines:
        return None
    taken = (f"line {lines[0]}, which reads as a record of its own" if len(lines) == 1 else
             f"lines {lines[0]} to {lines[-1]}, {len(lines):,} of which read as records of their own")
    return (f"the text runs on into {taken}: a quote left open? This record keeps them as read; close "
            "the quote and load the file again")


def _width_problem(fields: list[str], header: list[str], raw: str) -> str:
    """Why a record of the wrong width is refused. Extra fields are not dropped even when
    empty: which ones are extra is unknown, and dropping the last would read a record whose
    text held an unquoted comma with every later value shifted (kind 'world'...). A record
    holding an odd number of quotes is short of fields because one was left open, which runs
    on to the end of the file when it is the last record (a review got '10 fields where the
    header has 13' and no word of the quote)."""
    problem = f"{len(fields)} fields where the header has {len(header)}"
    extra = len(fields) - len(header)
    # an empty last field is as likely a comma in an unquoted text with an empty last column
    # (shared_id, mostly) as a trailing comma: a review was pointed at the wrong one
    if extra > 0 and not "".join(fields[-extra:]).strip():
        last = f"last {extra} are" if extra > 1 else "last is"
        problem += f" (the {last} empty: a trailing comma, or a comma in a text not in quotes?)"
    elif extra > 0:
        problem += " (a comma in a text not in quotes?)"
    elif raw.count('"') % 2:
        problem += " (an odd number of quotes: one left open?)"
    return problem


class _LineSource:
    """Lines with push-back and a physical line counter, read as CSV records by one reader
    (a reader per record, with a dict of every record's fields, took twice the time: 200k
    records read in 0.87 s, now 0.44 s)."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines
        self._pushed: deque[str] = deque()
        self.number = 0
        self._consumed: list[str] = []
        self._reader = None

    def pop(self) -> str | None:
        if self._pushed:
            line = self._pushed.popleft()
        else:
            line = next(self._lines, None)
        if line is not None:
            self.number += 1
        return line

    def push_back(self, lines: list[str]) -> None:
        self._pushed.extendleft(reversed(lines))
        self.number -= len(lines)
        self._reader = None  # its feed may have ended at the end of the file: start another

    def next_record(self) -> tuple[list[str] | None, list[str]]:
        """The next record's physical lines and fields. The reader asks its feed for a line
        only while its record needs one, so it stops at each record's last line."""
        if self._reader is None:
            self._reader = csv.reader(self._feed(), strict=False)
        self._consumed = []
        row = next(self._reader, None)
        return (None, []) if row is None else (self._consumed, row)

    def _feed(self) -> Iterator[str]:
        while (line := self.pop()) is not None:
            self._consumed.append(line)
            yield line
