"""CSV output that survives any text and cannot attack the reader: every text cell quoted,
and a text cell (or column name) a spreadsheet would evaluate as a formula neutralised.

pandas quotes a cell only for a comma, quote or newline, so a bare carriage return (common in
real exports) went out unquoted and split the row for every reader.

Mention texts, handles and raw records are written by the public: a text cell starting with
=, +, -, @, tab, CR or LF (OWASP's CSV injection characters) gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it. Number columns are left as they are,
and so is a text cell that is just a number ('-3', '+44'), which no spreadsheet runs. A text
that starts with an apostrophe gets one more, so the guard can be told from the text: a name
copied back from a file is the name stored (as_written)."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

# Characters that make a spreadsheet evaluate a cell (OWASP CSV injection), and the guard's own.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_GUARDED_START = (*_FORMULA_START, "'")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def write_csv(frame: pd.DataFrame, stream, header: bool = True) -> None:
    if header:
        frame.head(0).rename(columns=csv_cell).to_csv(stream, index=False)
    csv_safe(frame).to_csv(stream, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC)


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as our CSV outputs write it: boolean columns as 0/1 (SPEC 5's classify
    columns; pandas writes True/False) and time columns in ISO 8601 with a 'T' between date and
    time, as the canonical input has it (pandas writes a space; its digits of a second stay
    the column's, where the JSON writes each value's own). Object columns are left as they
    are. A shallow copy where a column changed."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            plain = values.astype("Int8")
        elif pd.api.types.is_datetime64_any_dtype(values):
            plain = values.astype(str).str.replace(" ", "T", n=1)
        else:
            continue
        out = out.copy(deep=False) if out is frame else out
        out[column] = plain
    return out


def csv_text(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    write_csv(frame, out)
    return out.getvalue()


def csv_cell(value: object) -> object:
    """The value, with an apostrophe before a text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(_GUARDED_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def as_written(value: str | None) -> str | None:
    """A name pasted back from one of our CSVs as it is stored: csv_cell's apostrophe taken off
    ("'@AcmeAir" is @AcmeAir, "''tis" is 'tis), so a page or brand copied from a file finds itself.
    For the command line's --brand and --page; a name typed as stored that starts with an
    apostrophe before one of the guarded characters reads as guarded."""
    if value and value.startswith("'") and csv_cell(value[1:]) == value:
        return value[1:]
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text cells neutralised (csv_cell); a copy only where one changed."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            safe = values.map(csv_cell)
            if not safe.equals(values):
                out = out.copy() if out is frame else out
                out[column] = safe
    return out
