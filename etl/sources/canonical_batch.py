"""Canonical CSV records cleaned a column at a time, to the values canonical_csv's per-row
rules give them.

Cleaning one record in Python took about 14 microseconds (10M records: 140 s of a 590 s
load). Here each field's values are cleaned in Arrow where they have the plain form that
exports and this product's own files use (checked by a pattern), and by the field's own
rule from records.py everywhere else: once per distinct value, which for platforms, brands,
pages, flags, kinds and counts is a handful. A record that any rule refuses is not
cleaned here at all: canonical_csv cleans it again with the whole record's rule, so its
Reject carries the reason that rule finds first. tests/test_canonical_batch.py checks that
both ways give the same rows, rejects and accounts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .records import (EARLIEST, HANDLE_MARKS, HANDLES_SQL, KINDS, MAX_TEXT_CHARS, MENTION_COLUMNS, PLATFORMS,
                      STAGE_SCHEMA, BadRecord, ParseOptions, check_choice, clean_bool, clean_count, clean_id,
                      clean_platform, clean_text, mentioned_handles, parse_time)
from .textio import BARE_CR

# Values these patterns accept are returned unchanged by clean_id (no spreadsheet damage to
# undo: no dot, comma or space, and not digits-e-digits) and parsed alike by
# datetime.fromisoformat and pandas (an explicit zone, at most microseconds).
_PLAIN_ID = r"^[A-Za-z0-9_:\-]{1,200}$"
_SCIENTIFIC_ID = r"^\d[eE]\d+$"
_PLAIN_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$"
# repair_mojibake only acts on a text holding one of these; the others are left as they are.
_MOJIBAKE_LEADS = "[\u00c2\u00c3\u00e2\u00f0]"
_LINKED = ("mention_id", "parent_id", "shared_id")
_FIELDS = tuple(name for name in MENTION_COLUMNS if name != "mentioned_handles")  # (found in the text)


class Cleaned:
    """A batch's stage columns (STAGE_SCHEMA without position and locator) and which rows a rule refused."""

    def __init__(self, size: int):
        self.columns: dict[str, pa.Array] = {}
        self.refused = np.zeros(size, dtype=bool)

    def keep(self, name: str, values: pa.Array, refused: np.ndarray | None = None) -> pa.Array:
        self.columns[name] = values
        if refused is not None:
            self.refused |= refused
        return values


def clean_columns(raw: dict[str, list[str | None] | pa.Array], size: int, options: ParseOptions,
                  next_record: str | None = None) -> Cleaned:
    """The stage columns of `size` records from their canonical fields' raw values (a field
    the file lacks: absent from `raw`). A text matching next_record (csvio.next_record_pattern)
    is refused. Raises UnicodeEncodeError on a value Arrow cannot hold (a lone surrogate);
    the caller cleans such a batch row by row."""
    values = {name: _strings(raw.get(name), size) for name in _FIELDS}
    out = Cleaned(size)
    platform = out.keep("platform", *_per_distinct(values["platform"], pa.string(), clean_platform))
    linked = {}
    for name in _LINKED:
        ids, refused = _ids(values[name], name)
        out.refused |= refused
        linked[name] = _qualified(ids, platform)
    out.refused |= _nulls(linked["mention_id"]) | _other_platform(linked["mention_id"], platform)
    out.keep("brand", *_per_distinct(values["brand"], pa.string(), lambda v: _stripped(v) or options.brand))
    out.keep("page", *_per_distinct(values["page"], pa.string(), _stripped))
    author, refused = _ids(values["author_id"], "author_id")
    out.keep("author_id", author, refused | _nulls(author))
    out.keep("author_handle", *_per_distinct(values["author_handle"], pa.string(), _stripped))
    out.keep("author_followers", *_counts(values["author_followers"], "author_followers"))
    out.keep("is_brand", *_per_distinct(values["is_brand"], pa.bool_(), lambda v: clean_bool(v, "is_brand")))
    out.keep("created_at", *_times(values["created_at"], options))
    text = out.keep("text", *_texts(values["text"], next_record))
    out.keep("kind", *_kinds(values["kind"], linked["parent_id"], linked["shared_id"]))
    # A self-reply or self-share stays as given here: the load drops it and says so (load._SelfLinks).
    for name in ("parent_id", "shared_id", "mention_id"):
        out.columns[name] = linked[name]
    for name in ("likes", "shares", "replies"):
        out.keep(name, *_counts(values[name], name))
    out.keep("mentioned_handles", _handles(text))
    return out


def _strings(raw: list[str | None] | pa.Array | None, size: int) -> pa.Array:
    """A field's values as Arrow strings, bare carriage returns restored (csvio's fields)."""
    if raw is None:
        return pa.nulls(size, pa.string())
    values = raw if isinstance(raw, pa.Array) else pa.array(raw, pa.string())
    return pc.replace_substring(values, BARE_CR, "\r")


def _stripped(value: str | None) -> str | None:
    """A name's value; one holding a NUL is refused (records.mention says why)."""
    if value and "\x00" in value:
        raise BadRecord("NUL byte")
    return (value or "").strip() or None


def _per_distinct(values: pa.Array, type_: pa.DataType, rule: Callable) -> tuple[pa.Array, np.ndarray]:
    """rule applied once per distinct value (None included): (results, refused per row)."""
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    results, refused = [], []
    for value in encoded.dictionary.to_pylist():
        try:
            results.append(rule(value))
            refused.append(False)
        except BadRecord:
            results.append(None)
            refused.append(True)
    indices = encoded.indices
    return pa.array(results, type_).take(indices), np.asarray(refused, dtype=bool)[indices.to_numpy()]


def _patched(values: pa.Array, plain: np.ndarray, plain_result: pa.Array, type_: pa.DataType,
             rule: Callable) -> tuple[pa.Array, np.ndarray]:
    """plain_result where `plain`, the rule's result (once per distinct value) elsewhere."""
    other = ~plain
    if not other.any():
        return plain_result, np.zeros(len(values), dtype=bool)
    mask = pa.array(other)
    fixed, refused_other = _per_distinct(values.filter(mask), type_, rule)
    refused = np.zeros(len(values), dtype=bool)
    refused[other] = refused_other
    return pc.replace_with_mask(plain_result, mask, fixed), refused


def _matches(values: pa.Array, pattern: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring_regex(values, pattern), False).to_numpy(zero_copy_only=False)


def _holds(values: pa.Array, text: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring(values, text), False).to_numpy(zero_copy_only=False)


def _nulls(values: pa.Array) -> np.ndarray:
    return pc.is_null(values).to_numpy(zero_copy_only=False)


def _ids(values: pa.Array, what: str) -> tuple[pa.Array, np.ndarray]:
    plain = _matches(values, _PLAIN_ID) & ~_matches(values, _SCIENTIFIC_ID)
    return _patched(values, plain, values, pa.string(), lambda v: clean_id(v, what))


def _qualified(ids: pa.Array, platform: pa.Array) -> pa.Array:
    """Bare ids prefixed with the row's platform (canonical_csv's `linked`)."""
    has_platform = pc.fill_null(pc.match_substring(ids, ":"), False)
    return pc.if_else(has_platform, ids, pc.binary_join_element_wise(platform, ids, ":"))


def _other_platform(ids: pa.Array, platform: pa.Array) -> np.ndarray:
    """Ids qualified with another known platform than the row's (canonical_csv's _mention refuses them)."""
    other = np.zeros(len(ids), dtype=bool)
    for name in PLATFORMS:
        named = pc.starts_with(ids, f"{name}:")
        other |= pc.fill_null(pc.and_(named, pc.not_equal(platform, name)), False).to_numpy(zero_copy_only=False)
    return other


def _counts(values: pa.Array, what: str) -> tuple[pa.Array, np.ndarray]:
    return _per_distinct(values, pa.int64(), lambda v: clean_count(v, what))


def _times(values: pa.Array, options: ParseOptions) -> tuple[pa.Array, np.ndarray]:
    """parse_time's instants: plain ISO forms parsed by pandas, the rest by parse_time; an
    instant out of parse_time's range is left to it (it refuses it)."""
    type_ = pa.timestamp("us", tz="UTC")
    plain = _matches(values, _PLAIN_TIME)
    parsed = pd.to_datetime(pd.Series(values.to_numpy(zero_copy_only=False)).where(plain),
                            utc=True, format="ISO8601", errors="coerce").dt.as_unit("us")
    earliest, latest = pd.Timestamp(EARLIEST), pd.Timestamp(options.now) + pd.Timedelta(days=1)
    plain &= (parsed.notna() & (parsed >= earliest) & (parsed <= latest)).to_numpy()
    return _patched(values, plain, pa.array(parsed, type_), type_,
                    lambda v: parse_time(v, "created_at", options))


def _texts(values: pa.Array, next_record: str | None) -> tuple[pa.Array, np.ndarray]:
    """clean_text's texts: unchanged unless they hold a NUL, are too long or may be
    mojibake, which clean_text itself sees to; refused where they took in the next record."""
    values = pc.fill_null(values, "")
    plain = ~(_holds(values, "\x00") | _matches(values, _MOJIBAKE_LEADS)
              | (pc.utf8_length(values).to_numpy() > MAX_TEXT_CHARS))
    texts, refused = _patched(values, plain, values, pa.string(), clean_text)
    return texts, refused | _took_in_next_record(values, next_record)


def _took_in_next_record(values: pa.Array, next_record: str | None) -> np.ndarray:
    """Texts matching next_record. Only those with a line break are searched: few have one
    (finding them takes 0.13 s for 1M texts)."""
    found = np.zeros(len(values), dtype=bool)
    if next_record is None:
        return found
    breaks = np.flatnonzero(_matches(values, "[\r\n]"))
    if len(breaks):
        found[breaks] = _matches(values.take(pa.array(breaks)), next_record)
    return found


def _kinds(values: pa.Array, parent: pa.Array, shared: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """check_choice's kinds, a blank one defaulting to share, reply or post by the links."""
    given, refused = _per_distinct(values, pa.string(), lambda v: check_choice(v, KINDS + ("",), "kind", ""))
    default = pc.if_else(pc.is_valid(shared), "share", pc.if_else(pc.is_valid(parent), "reply", "post"))
    return pc.if_else(pc.fill_null(pc.equal(given, ""), True), default, given), refused


def _handles(text: pa.Array) -> pa.Array:
    """records.mentioned_handles of each text. Texts in ASCII are read by DuckDB's regex
    engine (records.HANDLES_SQL; the 1M texts of a 1M-mention load: 0.8-1.1 s, where a
    findall a text took 2.0-2.7 s); other texts (Python's Unicode \\w) go through
    mentioned_handles itself."""
    at = np.logical_or.reduce([_holds(text, mark) for mark in HANDLE_MARKS])
    ascii_ = pc.fill_null(pc.string_is_ascii(text), False).to_numpy(zero_copy_only=False)
    by_regex, by_python = np.flatnonzero(at & ascii_), np.flatnonzero(at & ~ascii_)
    found = pa.concat_arrays([
        pa.array([[]], _HANDLE_LISTS),  # every text without an "@" or "u/"
        _ascii_handles(text.take(pa.array(by_regex))),
        pa.array([mentioned_handles(t) for t in text.take(pa.array(by_python)).to_pylist()], _HANDLE_LISTS),
    ])
    which = np.zeros(len(text), dtype=np.int64)
    which[np.concatenate([by_regex, by_python])] = np.arange(1, len(by_regex) + len(by_python) + 1)
    return found.take(pa.array(which))


_HANDLE_LISTS = pa.list_(pa.string())
_ASCII_HANDLES_SQL = f"SELECT {HANDLES_SQL} AS handles FROM texts"


def _ascii_handles(texts: pa.Array) -> pa.Array:
    with _regex_engine().cursor() as con:
        con.register("texts", pa.table({"text": texts}))
        handles = con.sql(_ASCII_HANDLES_SQL).to_arrow_table()["handles"]
    return handles.combine_chunks().cast(_HANDLE_LISTS)


@functools.cache
def _regex_engine() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB kept for the regexes: opening one takes about 20 ms, as long as
    a 50k-text batch's regex."""
    return duckdb.connect()


def stage_table(cleaned: Cleaned, positions: np.ndarray, lines: np.ndarray) -> pa.Table:
    """The rows no rule refused, as STAGE_SCHEMA with their positions and first lines."""
    keep = pa.array(~cleaned.refused)
    columns = [cleaned.columns[name].filter(keep) for name in STAGE_SCHEMA.names[:-2]]
    return pa.Table.from_arrays([*columns, pa.array(positions[~cleaned.refused], pa.int64()),
                                 line_locators(lines[~cleaned.refused])], schema=STAGE_SCHEMA)


def line_locators(lines: np.ndarray) -> pa.Array:
    """'line N' for each line, as canonical_csv names a record it cleans by itself."""
    return pc.binary_join_element_wise("line ", pc.cast(pa.array(lines, pa.int64()), pa.string()), "")
