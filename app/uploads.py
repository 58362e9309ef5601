"""Loading a file uploaded on the Data page, through the one writer (etl.load.load_files).

The upload's bytes go to a new private temporary folder (mode 0700) under a name made here:
the uploaded file's name is never used as a path (only a sanitised copy of its last part
appears in the temporary file's name, so the load log says what was loaded). The folder is
removed after the load, whatever happens.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import duckdb
import pandas as pd

from etl import load, pipeline, warehouse
from etl.load import UPLOAD_PREFIX, LoadReport, load_files
from etl.load_notes import duplicates_said, format_in_doubt, loads_named, none_accepted
from etl.zones import known_zones

from .safe import markdown_text, visible

FORMATS = ("csv", "twcs", "twitter-json", "facebook-json")
FORMAT_HELP = {
    "csv": "Canonical CSV: header mention_id, platform, brand, page, author_id, author_handle, "
           "author_followers, is_brand, created_at, text, kind, parent_id, shared_id.",
    "twcs": "Kaggle 'Customer Support on Twitter' CSV (tweet_id, author_id, inbound, created_at, "
            "text, response_tweet_id, in_response_to_tweet_id).",
    "twitter-json": "Twitter API v2 JSON (one object per line or a JSON array of tweets).",
    "facebook-json": "A Facebook page export (JSON): a complete export of the page's posts and "
                     "comments; enables deleted-comment detection. A file of part of a page (its own "
                     "posts without visitors') loads from the command line with --no-complete-export.",
}
_SUFFIX = {"csv": ".csv", "twcs": ".csv", "twitter-json": ".json", "facebook-json": ".json"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
DEFAULT_LIMIT_MB = 200
# The upload form has no --assume-tz (its time zone box is the brand's), so a time without an offset
# can only be fixed in the file or loaded from the command line with the zone its times are in.
NO_OFFSET_ADVICE = ("give the times with a UTC offset, e.g. 2024-05-01T08:00:00+01:00, or load the "
                    "file with python -m etl load ... --assume-tz ZONE")


# Nor a column map: a csv of other column names is renamed in the file, or mapped on the command line.
MISSING_COLUMNS_ADVICE = (". The upload reads a csv's columns by their canonical names (the Format's help lists "
                          "them): rename the file's columns, or load it with python -m etl load csv FILE "
                          "--map COLUMN=FIELD, which reads a column of another name as a field")


class UploadRefused(ValueError):
    """The upload was not loaded; the message says why in one line."""


@dataclass
class UploadResult:
    name: str                 # the uploaded name, for display only
    reports: list[LoadReport]
    # rows that kept their own brand; brand posts replying to nothing; a file read as Windows-1252
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(r.status != "failed" for r in self.reports)


def limit_mb() -> int:
    """The configured upload limit (server.maxUploadSize in .streamlit/config.toml), in MB."""
    try:
        import streamlit as st
        return int(st.get_option("server.maxUploadSize"))
    except Exception:  # outside Streamlit: the project's configured default
        return DEFAULT_LIMIT_MB


def shown_name(name: str | None) -> str:
    """The last part of an uploaded name, with anything but letters, digits, '.', '_' and '-'
    replaced: safe to show and to use inside a file name (never a path)."""
    last = PureWindowsPath(str(name or "")).name  # splits on both / and \\
    cleaned = _UNSAFE.sub("_", last).lstrip(".")[:80]
    return cleaned or "upload"


def check(size: int, fmt: str, limit: int | None = None) -> None:
    limit = limit_mb() if limit is None else limit
    if fmt not in FORMATS:
        raise UploadRefused(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if size > limit * 1024 * 1024:
        raise UploadRefused(f"the file is {size / 1024 / 1024:,.1f} MB, over the upload limit of "
                            f"{limit} MB; load larger files with `python -m etl load`")


def parse_accounts(text: str | None) -> tuple[str, ...]:
    """Brand account ids or handles from a comma- or newline-separated field."""
    return tuple(part.strip() for part in re.split(r"[,\n]", text or "") if part.strip())


def check_zone(brand: str | None, zone: str | None) -> None:
    """A brand time zone only with a brand, and one the product knows (as load --brand-timezone):
    without the box an uploaded brand's hours of the week were read in UTC (a review)."""
    if not zone:
        return
    if not brand:
        raise UploadRefused(f"the time zone {zone!r} needs a Brand: it is the zone that brand's hours of the week "
                            "are read in")
    if zone not in known_zones():
        raise UploadRefused(f"the time zone {zone!r} is not one this app knows: give an IANA name such as "
                            "Asia/Kolkata or Europe/London")


def check_industry(brand: str | None, industry: str | None) -> None:
    """A brand industry only with a brand (as load --industry): it is that brand's comparison set."""
    if industry and not brand:
        raise UploadRefused(f"the industry {industry!r} needs a Brand: it is the set that brand is compared "
                            "within on Trends > Share of voice")


def _brand_settings(brand: str | None, zone: str | None, industry: str | None) -> dict[str, dict] | None:
    """load_files' brand_settings of what the form gave (a setting left empty keeps the stored one)."""
    given = {key: value for key, value in (("timezone", zone), ("industry", industry)) if value}
    return {brand: given} if brand and given else None


def load_upload(data: bytes, name: str | None, fmt: str, db_path, *, brand: str | None = None,
                brand_accounts: tuple[str, ...] = (), brand_timezone: str | None = None,
                brand_industry: str | None = None, limit: int | None = None, on_step=None) -> UploadResult:
    """Write the upload to a private temporary file and load it; the folder is removed after.

    brand_timezone, brand_industry: the brand's time zone and industry, stored with the load
    (check_zone, check_industry).
    on_step(fraction, message) is told how far the work is. Raises UploadRefused for an
    upload that cannot be loaded at all (too big, unknown format, a database error); a file
    the loader rejects (an empty one too, logged as the command line logs it) comes back as
    a failed LoadReport with the loader's message.
    """
    step = on_step or (lambda fraction, message: None)
    check(len(data), fmt, limit)
    check_zone(brand, brand_timezone)
    check_industry(brand, brand_industry)
    display = shown_name(name)
    folder = Path(tempfile.mkdtemp(prefix="reputation-upload-"))  # mode 0700, ours alone
    target = folder / f"{Path(display).stem}{_SUFFIX[fmt]}"
    try:
        step(0.1, "Writing the upload to a private temporary file")
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        try:
            reports = load_files(db_path, fmt, [target], brand=brand or None,
                                 brand_accounts=tuple(brand_accounts), show_progress=False,
                                 names=[logged_name(display)], no_offset_advice=NO_OFFSET_ADVICE,
                                 missing_columns_advice=MISSING_COLUMNS_ADVICE,
                                 given_as=("the Brand field", "the Brand accounts field"),
                                 brand_settings=_brand_settings(brand, brand_timezone, brand_industry),
                                 on_step=lambda doing: step(_STAGE_FRACTIONS.get(doing, 0.3),
                                                            f"Loading {display} as {fmt}: {doing}"))
        except (warehouse.WarehouseError, ValueError, OSError, duckdb.Error) as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise UploadRefused(_relabel(reason, target, display)) from None
        for report in reports:
            if report.message:
                report.message = _relabel(report.message, target, display)
        step(1.0, "Published")
        return UploadResult(display, reports, _load_notes(reports))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _load_notes(reports: list[LoadReport]) -> tuple[str, ...]:
    """As load says them (and keeps them in the load log): a csv row's own brand wins over the
    Brand field; brand posts that reply to nothing answer no request; no row is the brand's; the
    file was not UTF-8."""
    return tuple(note for report in reports for note in (*report.notes, *_encoding_note(report.read_as)))


def _encoding_note(encoding: str | None) -> tuple[str, ...]:
    """As load says on stderr: nothing else shows that a file was not UTF-8, and a file of another
    code page than Windows-1252 (a Cyrillic cp1251 save) is stored with wrong letters."""
    if not encoding:
        return ()
    return (f"It is not UTF-8 and was read as {encoding}: if its letters look wrong, it was saved in another "
            "encoding (loading it again keeps the text stored now; save such a file as UTF-8 before its first "
            "load)",)


# the bar's place as each stage of a load starts (etl.load.load_files' on_step messages); a
# stage skipped (current cascades) leaves a gap, not a later stage early
_STAGE_FRACTIONS = {load.WAITING: 0.1, load.READING: 0.2, **{load.updating(step): fraction
                                          for step, fraction in zip(pipeline.STEPS, (0.4, 0.6, 0.75))},
                    load.PUBLISHING: 0.95}


def _relabel(message: str, target: Path, display: str) -> str:
    return message.replace(str(target), display)


def logged_name(display: str) -> str:
    """What the load log (and the loader's messages) call an uploaded file: marked as an
    upload, as its temporary path means nothing once the folder is gone."""
    return f"{UPLOAD_PREFIX}{display}"


@dataclass
class Outcome:
    level: str  # "error", "warning" or "success": the banner the page shows
    text: str   # Markdown, with the file's name and the loader's words escaped


def outcome(name: str, table: pd.DataFrame, notes: tuple[str, ...] = ()) -> Outcome:
    """What the page says about a finished upload (its accounting(), one row, and its
    UploadResult's notes). A load that quarantined records is a warning, not a success:
    as the CLI's exit code 3 line, it names the file, the first bad record and its problem,
    and where to find the rest."""
    failed = table[table["status"] == "failed"]
    if len(failed):
        return Outcome("error", "Not loaded: " + markdown_text(failed["message"].iloc[0]))
    row = table.iloc[0]
    # duplicates whose text differs from the stored one's said as the command line says them
    # (a review: the banner said '2 duplicate' of a file that edited one)
    counts = (f"{row.rows_read:,} read = {row.rows_loaded:,} loaded + {duplicates_said(row)} "
              f"+ {row.rows_quarantined:,} quarantined")
    kept = "".join(f" {markdown_text(note)}." for note in notes)
    if not row.rows_read:  # a header alone, or an export of no rows: no green 'Loaded' for it (a user review)
        return Outcome("warning", f"Nothing loaded from {markdown_text(name)}: it holds no records ({counts}). "
                                  "Was it exported empty?")
    if not row.rows_quarantined:
        return Outcome("success", f"Loaded {markdown_text(name)}: {counts}.{kept}")
    problems = (f"First problem: {markdown_text(_without_file(row.message, name))}. Every quarantined record, "
                f"with its line and reason, is in the Quarantine table below ({loads_named(row.quarantined_in)}).")
    if format_in_doubt(row):
        # 'Loaded ... with problems' of a Twitter export loaded as facebook-json, where not one
        # record loaded; the command line asks whether the format is right, the banner did not
        return Outcome("error", f"Nothing loaded from {markdown_text(name)}: {counts}. Not one record was "
                                f"read as {markdown_text(row.format)}: is the file {markdown_text(row.format)}? "
                                f"If not, choose its format and load it again. {problems}")
    if none_accepted(row):  # a csv past its header: its records' own fault, not the format's
        return Outcome("error", f"Nothing loaded from {markdown_text(name)}: {counts}. {problems}")
    return Outcome("warning", f"Loaded {markdown_text(name)} with problems: {counts}.{kept} {problems}")


def _without_file(message: str, name: str) -> str:
    """The loader's message less its leading file name, which the banner has already said."""
    return message.removeprefix(f"{logged_name(name)}: ")


def accounting(reports: list[LoadReport], name: str) -> pd.DataFrame:
    """The accounting of a finished upload, one row per file: read = loaded + duplicate +
    quarantined."""
    rows = [{"load_id": r.load_id, "file": name, "format": r.format, "status": r.status,
             "rows_read": r.rows_read, "rows_loaded": r.rows_loaded,
             "rows_duplicate": r.rows_duplicate, "rows_other_text": r.rows_other_text,
             "rows_quarantined": r.rows_quarantined,
             "adds_up": r.rows_read == r.rows_loaded + r.rows_duplicate + r.rows_quarantined,
             "quarantined_in": list(r.quarantined_in),
             "message": visible(r.message)} for r in reports]
    return pd.DataFrame(rows)
