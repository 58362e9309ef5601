"""What a parser hands the loader, and the rules every source shares for turning raw
values into a mention. Every rejection says what was wrong in words a user can act on."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pyarrow as pa

PLATFORMS = ("twitter", "facebook", "instagram", "reddit", "review", "other")
KINDS = ("post", "reply", "comment", "share", "quote")
MAX_TEXT_CHARS = 100_000
EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
HANDLE_RE = re.compile(r"(?<![\w@])@(\w{1,50})")
# Reddit addresses a user as u/name or /u/name (3-20 letters, digits, '_' or '-'): a post to
# u/Larkspur-Help was of no brand, where '@Larkspur-Help' in a tweet would have been the brand's.
# Read on every platform, as '@' is: a brand account of another platform never matches it.
USER_PATH_RE = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")
# HANDLE_RE, then USER_PATH_RE, in DuckDB's regex engine, the handles of a column `text`, lower
# case: RE2 has no look-behind, so the character before the "@" (or "u/") is matched instead
# (it is never part of another match: each ends in a word character or '-'), and its \w is
# Python's on ASCII texts only.
HANDLES_SQL = (r"list_transform(list_concat(regexp_extract_all(text, '(?:^|[^\w@])@(\w{1,50})', 1), "
               r"regexp_extract_all(text, '(?:^|[^\w/])/?u/([A-Za-z0-9_-]{3,20})', 1)), lambda h: lower(h))")
# The texts that may address a handle at all (most do not: their regex is skipped).
HANDLE_MARKS = ("@", "u/")


def may_address_sql(column: str) -> str:
    """SQL true for a text in `column` that may hold a handle HANDLES_SQL finds."""
    return "(" + " OR ".join(f"contains({column}, '{mark}')" for mark in HANDLE_MARKS) + ")"
# The page of a brand account `a` (a brand_accounts row): its '@handle', else its id (a
# facebook page id), as a brand mention by it is given where its row names none.
ACCOUNT_PAGE_SQL = "coalesce('@' || a.handle, a.account_id)"


class BadRecord(ValueError):
    """The record cannot be loaded; the message is the reason stored in quarantine."""


class BadFile(ValueError):
    """The whole file cannot be read as the format asked for."""


@dataclass(slots=True)
class Record:
    position: int       # 1-based record number in the file
    locator: str        # where a person finds it: 'line 17', 'line 3: comments[2]'
    raw: str
    mention: dict       # the mention's columns, see MENTION_COLUMNS


@dataclass(slots=True)
class Rows:
    """Records already cleaned a column at a time: a table of STAGE_SCHEMA."""
    table: pa.Table


@dataclass(slots=True)
class Reject:
    position: int
    locator: str
    raw: str
    reason: str
    cut: bool = False   # the file breaks off here: it is no complete export of its pages


@dataclass(slots=True)
class Blank:
    """An empty row (spreadsheets append thousands): skipped and counted, not a record."""
    line: int


@dataclass(slots=True)
class Partial:
    """Where an export holds only part of what it lists (a post whose comments go on in
    another page of results, `paging.next`): the file is then no complete export of its
    pages and vouches for no deletion."""
    locator: str


@dataclass(slots=True)
class Account:
    """A brand account the file itself reveals (a twcs outbound author, a facebook page)."""
    platform: str
    account_id: str
    handle: str | None
    brand: str


@dataclass(slots=True)
class ParseOptions:
    brand: str | None = None
    brand_accounts: tuple[str, ...] = ()
    column_map: dict[str, str] = field(default_factory=dict)
    assume_tz: str | None = None
    # what a time without an offset's reason tells the user to do, in the words of where the
    # load was started (a CLI flag means nothing to someone uploading on the Data page)
    no_offset_advice: str = "pass --assume-tz ZONE to read such times in a zone"
    # likewise after a canonical csv's missing columns: the command line's --map is named in the
    # hints themselves; an upload, which has no --map, says what it can do instead
    missing_columns_advice: str = ""
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


MENTION_COLUMNS = (
    "mention_id", "platform", "brand", "page", "author_id", "author_handle", "author_followers",
    "is_brand", "created_at", "text", "kind", "parent_id", "shared_id", "likes", "shares",
    "replies", "mentioned_handles",
)

# The loader's stage table: the mention columns, each record's position in its file and where a
# person finds it (its locator): what a record found bad only once staged (an id the file holds
# twice) is named as a record refused while reading is, by the line or item of its source.
STAGE_SCHEMA = pa.schema([
    ("mention_id", pa.string()), ("platform", pa.string()), ("brand", pa.string()),
    ("page", pa.string()), ("author_id", pa.string()), ("author_handle", pa.string()),
    ("author_followers", pa.int64()), ("is_brand", pa.bool_()),
    ("created_at", pa.timestamp("us", tz="UTC")), ("text", pa.string()), ("kind", pa.string()),
    ("parent_id", pa.string()), ("shared_id", pa.string()), ("likes", pa.int64()),
    ("shares", pa.int64()), ("replies", pa.int64()), ("mentioned_handles", pa.list_(pa.string())),
    ("position", pa.int64()), ("locator", pa.string()),
])

_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:[,\u00a0 ]\d{3})+$")
_FLOAT_ID_RE = re.compile(r"^(\d+)\.0*$")
_SCIENTIFIC_RE = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")
# a count in scientific notation ('1e20', '2.5E+3'): only to name it in a reason, where
# _SCIENTIFIC_RE above finds an id a spreadsheet turned into one
_COUNT_SCIENTIFIC_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
# A count as a profile page shows it, rounded: '1.2k', '3M'. Refused, not read as 1,200: it
# stands for any count from 1,150 to 1,249, and reach sums would carry a precision the file
# never had; the reason says so, where "is not a number" left a reader guessing.
_COUNT_ROUNDED_RE = re.compile(r"^\d+(?:\.\d+)?\s*([kKmMbB])$")
_ROUNDED_UNITS = {"k": "thousand", "m": "million", "b": "billion"}
_NOT_AN_ID_RE = re.compile(r"[\s\x00]")


def not_this_kind(kind: str, value: dict, keys: tuple[str, ...], fmt: str) -> str:
    """Why an object of a JSON file is no record of its format: none of the keys it would
    have, its own first few named (the file may be of another kind altogether)."""
    own = ", ".join(repr(str(key)[:40]) for key in list(value)[:5]) or "none"
    return f"not {kind}: none of {', '.join(keys)} (its keys: {own}); the file may not be {fmt}"


def clean_id(value, what: str) -> str | None:
    """An id as the platform wrote it, undoing what spreadsheets do to long numbers."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadRecord(f"{what} is a boolean, not an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value != int(value) or abs(value) >= 2**53:
            raise BadRecord(f"{what} {value!r} is not an exact id")
        return str(int(value))
    text = str(value).strip()
    if not text:
        return None
    if _SCIENTIFIC_RE.match(text):
        raise BadRecord(f"{what} {text!r} was turned into scientific notation by a spreadsheet; "
                        "its digits are lost: export the file again from its source and load that "
                        "copy, not one opened and saved in a spreadsheet")
    if match := _FLOAT_ID_RE.match(text):
        return match.group(1)
    if _THOUSANDS_RE.match(text):
        return re.sub(r"[,\u00a0 ]", "", text)
    if len(text) > 200 or _NOT_AN_ID_RE.search(text):
        raise BadRecord(f"{what} {text[:40]!r} is not an id")
    return text


def qualify(platform: str, raw_id: str | None) -> str | None:
    return None if raw_id is None else f"{platform}:{raw_id}"


MAX_COUNT = 10**12  # more followers or likes than people: a corrupt or overflowed value


# How spreadsheets and exports write "no value" (pandas' default na_values, with a lone '-'):
# a count so written is missing, not a reason to quarantine the whole mention (a complaint
# with likes 'N/A' was set aside). Compared stripped and lower-cased.
MISSING_COUNTS = frozenset({"", "-", "n/a", "na", "#n/a", "#na", "<na>", "null", "none", "nan", "-nan"})


def clean_count(value, what: str) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in MISSING_COUNTS):
        return None
    if isinstance(value, bool):
        raise BadRecord(f"{what} is a boolean, not a count")
    try:
        number = float(str(value).replace(",", "").strip()) if not isinstance(value, int) else value
    except ValueError:
        raise BadRecord(_not_a_number(value, what)) from None
    if math.isfinite(number) and number > MAX_COUNT:  # the real problem, not "not a count"
        raise BadRecord(_out_of_range(value, what))
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise BadRecord(f"{what} {str(value)[:40]!r} is not a count")
    return int(number)


def _not_a_number(value, what: str) -> str:
    text = str(value).strip()[:40]
    rounded = _COUNT_ROUNDED_RE.match(text)
    if rounded:
        return (f"{what} {text!r} is a rounded count (in {_ROUNDED_UNITS[rounded.group(1).lower()]}s), "
                "not the count: give the whole number, as the platform's API does")
    return f"{what} {text!r} is not a number"


def _out_of_range(value, what: str) -> str:
    text = str(value).strip()[:40]
    if _COUNT_SCIENTIFIC_RE.match(text):
        return (f"{what} {text!r} is written in scientific notation and out of range "
                f"(a count is at most {MAX_COUNT:,})")
    return f"{what} {text!r} is out of range (a count is at most {MAX_COUNT:,})"


_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


def clean_bool(value, what: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadRecord(f"{what} {str(value)[:40]!r} is not true or false")


def parse_time(value, what: str, options: ParseOptions) -> datetime:
    """A UTC datetime from the forms real exports use; refuses to guess a zone."""
    if value is None or str(value).strip() == "":
        raise BadRecord(f"{what} is missing")
    text = str(value).strip()
    moment = _parse_time_text(text, what, options)
    latest = options.now + timedelta(days=1)  # a day's slack for clocks and zones
    if moment < EARLIEST:
        raise BadRecord(f"{what} {text!r} is out of range: before {EARLIEST:%Y-%m-%d}, older than any social post")
    if moment > latest:
        raise BadRecord(f"{what} {text!r} is out of range: in the future (after {latest:%Y-%m-%d %H:%M} UTC, "
                        "a day after the load)")
    return moment


# Unix seconds or milliseconds, with a fraction as Reddit's API writes its created_utc (1731600000.0)
_EPOCH_RE = re.compile(r"^(\d{10}|\d{13})(?:\.\d{1,9})?$")


def _parse_time_text(text: str, what: str, options: ParseOptions) -> datetime:
    if epoch := _EPOCH_RE.match(text):
        return datetime.fromtimestamp(float(text) / (1000 if len(epoch.group(1)) == 13 else 1), timezone.utc)
    moment = _twitter_time(text)
    if moment is None:
        try:
            moment = datetime.fromisoformat(text.replace(" +", "+").replace(" -", "-"))
        except ValueError:
            raise BadRecord(_not_a_time(text, what)) from None
    if moment.tzinfo is None:
        if options.assume_tz is None:
            raise BadRecord(f"{what} {text!r} has no UTC offset ({options.no_offset_advice})")
        zone = ZoneInfo(options.assume_tz)
        utc = moment.replace(tzinfo=zone).astimezone(timezone.utc)
        if utc.astimezone(zone).replace(tzinfo=None) != moment:
            raise BadRecord(f"{what} {text!r} does not exist in {options.assume_tz} (the clocks "
                            "went forward over it), so it cannot be read in that zone")
        return utc  # a time the clocks went back over: its first occurrence
    return moment.astimezone(timezone.utc)


# What _parse_time_text reads, for a reason: "is not a date and time" alone left a user
# guessing which form to convert to (a review).
_TIME_FORMS = ("ISO 8601 with a UTC offset (e.g. 2024-04-13T10:00:00+00:00), epoch seconds or milliseconds, "
               "or Twitter's form (Wed Oct 10 20:19:24 +0000 2018)")
# 13/04/2024, 4.13.24: a spreadsheet's local date, whose day and month no rule can tell apart
_DAY_MONTH_RE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:\D|$)")


def _not_a_time(text: str, what: str) -> str:
    if _DAY_MONTH_RE.match(text):
        return (f"{what} {text[:40]!r} is not a date and time: a date written day/month/year or month/day/year "
                "is not read (the order depends on the tool that wrote it); convert the column to ISO 8601 "
                "with a UTC offset, e.g. 2024-04-13T10:00:00+00:00 for 13 April 2024 10:00 UTC")
    return f"{what} {text[:40]!r} is not a date and time: use {_TIME_FORMS}"


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_TWITTER_TIME_RE = re.compile(r"^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) (\d{4})$")


def _twitter_time(text: str) -> datetime | None:
    """'Tue Oct 31 22:10:47 +0000 2017' without strptime, which is slow and locale-bound."""
    match = _TWITTER_TIME_RE.match(text)
    if not match or match.group(1) not in _MONTHS:
        return None
    mon, day, hh, mm, ss, sign, oh, om, year = match.groups()
    offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    try:
        return datetime(int(year), _MONTHS[mon], int(day), int(hh), int(mm), int(ss),
                        tzinfo=timezone(offset))
    except ValueError:
        return None


def clean_text(value, what: str = "text") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):  # a JSON list or number: stored as "['a']" it read as text
        raise BadRecord(_not_text(what, value))
    text = value
    if "\x00" in text:
        raise BadRecord("text contains a NUL byte")
    if len(text) > MAX_TEXT_CHARS:
        raise BadRecord(f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit")
    return repair_mojibake(text)


# Twitter's API writes &, < and > in a tweet's text as HTML entities, and no other character
# (a '&quot;' a user typed comes as '&amp;quot;'): shown as stored, an audit read "better
# quality from M&amp;S" (a review). The three are undone in one pass, so '&amp;lt;' (a user's
# own '&lt;') gives '&lt;' back, not '<'.
_TWITTER_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_TWITTER_ENTITY_RE = re.compile("&(?:amp|lt|gt);")


def unescape_tweet(text: str) -> str:
    """A tweet's text as its author wrote it (see _TWITTER_ENTITIES)."""
    if "&" not in text:
        return text
    return _TWITTER_ENTITY_RE.sub(lambda entity: _TWITTER_ENTITIES[entity.group()], text)


# UTF-8 read as cp1252 and saved again: 'â€™' for '’', 'ðŸ˜¡' for an emoji.
_MOJIBAKE_RE = re.compile("[\u00c2\u00c3\u00e2\u00f0][\u0080-\u00bf\u0152\u0153\u0160\u0161"
                          "\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8-as-cp1252 damage when that is clearly what happened."""
    if not _MOJIBAKE_RE.search(text):
        return text
    try:
        repaired = _to_cp1252_bytes(text).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return text
    return repaired if len(repaired) < len(text) else text


def _to_cp1252_bytes(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                raise ValueError("not a cp1252 round trip") from None
            out.append(ord(ch))  # bytes cp1252 leaves undefined pass through as latin-1
    return bytes(out)


def mentioned_handles(text: str) -> list[str]:
    return [h.lower() for h in HANDLE_RE.findall(text) + USER_PATH_RE.findall(text)]


def check_choice(value, allowed: tuple[str, ...], what: str, default: str | None = None) -> str:
    text = (str(value).strip().lower() if value is not None else "") or default
    if text not in allowed:
        raise BadRecord(f"{what} {str(value)[:40]!r} is not one of {', '.join(allowed)}")
    return text


# Other names exports give a platform: current tools call Twitter "X" (a review found its
# rows quarantined as "platform 'X' is not one of twitter, ...").
PLATFORM_ALIASES = {"x": "twitter", "x.com": "twitter"}


def clean_platform(value) -> str:
    """One of PLATFORMS, an alias (any case) read as the platform it names."""
    alias = PLATFORM_ALIASES.get(str(value).strip().lower()) if value is not None else None
    return check_choice(alias or value, PLATFORMS, "platform")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def storable(raw: str) -> str:
    """Raw input as UTF-8 can hold it: lone surrogates stay visible as '\\udXXX' escapes."""
    if not _SURROGATE_RE.search(raw):
        return raw
    return _SURROGATE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", raw)


# The mention columns that hold text: a JSON number or list there (a handle of 123) failed the
# whole load where the loader's table was built from the records (a review).
_TEXT_COLUMNS = frozenset(column.name for column in STAGE_SCHEMA if column.type == pa.string()) & set(MENTION_COLUMNS)


def _not_text(what: str, value) -> str:
    kind = ("true or false" if isinstance(value, bool) else "a number" if isinstance(value, (int, float))
            else "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "not text")
    return f"{what} is {kind}, not text: {json.dumps(value, ensure_ascii=False, default=str)[:40]}"


def mention(**columns) -> dict:
    """A mention dict with every column present; text also yields the handles it addresses.
    A NUL in any text column refuses the record (DuckDB and most readers cut a string there),
    as does a value of a text column that is not text."""
    row = dict.fromkeys(MENTION_COLUMNS)
    row.update(columns)
    for name, value in row.items():
        if not isinstance(value, str):
            if value is not None and name in _TEXT_COLUMNS:
                raise BadRecord(_not_text(name.replace("_", " "), value))
            continue
        if "\x00" in value:  # as clean_text refuses in a text
            raise BadRecord(f"{name} contains a NUL byte")
        if _SURROGATE_RE.search(value):
            if name != "text":
                raise BadRecord(f"{name} is not valid Unicode (a lone surrogate escape)")
            # Half an emoji, as cut by a truncating client: cannot be stored as UTF-8.
            row["text"] = _SURROGATE_RE.sub("\ufffd", value)
    if not row["author_id"]:
        raise BadRecord("author id is missing")
    if row["mention_id"] is None:
        raise BadRecord("id is missing")
    row["mentioned_handles"] = mentioned_handles(row["text"])
    return row
