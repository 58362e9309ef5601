"""The Page Audit's dashboard side: the audit and the brands' pages cached per published
generation (db.cached), the brand, page and dates the sidebar points the audit to, and the
exports' file names.

Apart from app.audit on purpose: this imports Streamlit (through app.db), which
`python -m etl audit` runs without.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pandas as pd

from etl.care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES

from . import db
from .audit import AuditResult, all_deflections, all_requests, brand_pages, build_audit
from .formatting import dated_stem, platforms_named, same_clock, zoned_minute
from .safe import csv_bytes

SHOWN_ROWS = 1_000  # the page shows the newest of the evidence and deleted lists; exports have all

_cached_build = db.cached(build_audit)
_cached_pages = db.cached(brand_pages)
# files downloaded whole, read at each click (db.read_now), never kept in the shared cache
_deflections = db.cached(all_deflections)
_requests = db.cached(all_requests)


def cached_audit(brand: str, page: str | None, as_of=None, since=None,
                 horizon_hours: float = DEFAULT_HORIZON_HOURS, sla_minutes: float = DEFAULT_SLA_MINUTES,
                 evidence_limit: int | None = None) -> AuditResult:
    """build_audit on the published database, cached per generation (dashboard use)."""
    return _cached_build(brand, page, as_of, since, horizon_hours, sla_minutes, evidence_limit)


def full(result: AuditResult) -> AuditResult:
    """The result with every ignored complaint in its evidence, for an export made now: the
    same audit (same moment and period) without the limit where it lacks some, stamped with
    the export's time (the page's cached audit said 'Generated' at its first render)."""
    whole = result if result.complete else cached_audit(result.brand, result.page, result.as_of, result.since,
                                                        result.horizon_hours, result.sla_minutes)
    return with_word_of_mouth(dataclasses.replace(whole, generated_at=datetime.now(timezone.utc)), result)


def with_word_of_mouth(result: AuditResult, assumed) -> AuditResult:
    """The cached audit with the sidebar's word-of-mouth assumptions (filters.Assumptions, or
    another audit's: full keeps the page's), which only its word-of-mouth section reads: the
    audit is not built again when they change. The one place the two fields are carried over."""
    return dataclasses.replace(result, wom_multiplier=assumed.wom_multiplier, customer_value=assumed.customer_value)


def deflections_csv(result: AuditResult) -> bytes:
    """Every deflection of the audit (same scope and moment) as CSV bytes, read at each click
    (db.read_now), as the requests file is: the shared cache kept one for every audit downloaded."""
    return csv_bytes(db.read_now(_deflections, result.brand, result.page, result.as_of, result.since))


def requests_csv(result: AuditResult) -> bytes:
    """Every request the audit's scorecard counts, with its state (same scope, moment and
    assumptions), as CSV bytes, read at each click (db.read_now): the audit's largest file,
    about 340 bytes a request, which the shared cache kept for every audit downloaded."""
    return csv_bytes(db.read_now(_requests, result.brand, result.page, result.as_of, result.since,
                                 result.horizon_hours, result.sla_minutes))


def cached_brand_pages() -> pd.DataFrame:
    return _cached_pages()


def platforms_beyond(scopes: pd.DataFrame, brand: str, platforms: tuple[str, ...]) -> list[str]:
    """The platforms of the brand's pages (cached_brand_pages) outside a platform filter;
    none when the filter is empty (every platform chosen)."""
    if not platforms:
        return []
    theirs = set().union(*map(platforms_named, scopes.loc[scopes["brand"] == brand, "platform"]))
    return sorted(theirs - set(platforms))


def sidebar_scope(chosen, brands: list[str], scopes: pd.DataFrame) -> tuple[str | None, str | None]:
    """The (brand, page) the sidebar's filters point an audit to: its one page, if it has
    exactly one, with the brand that page belongs to (the first of the sidebar's brands that
    has it, or of all brands if none is chosen); else its first brand and no page."""
    if len(chosen.pages) == 1:
        [page] = chosen.pages
        owners = page_brands(scopes, page, brands)
        owners = [b for b in owners if b in chosen.brands] if chosen.brands else owners
        if owners:
            return owners[0], page
    return (chosen.brands[0] if chosen.brands and chosen.brands[0] in brands else None), None


def page_brands(scopes: pd.DataFrame, page: str, brands: list[str]) -> list[str]:
    """The brands of `brands` that have `page` (scopes: cached_brand_pages' rows), in order."""
    return [b for b in scopes.loc[scopes["page"] == page, "brand"] if b in brands]


def window(chosen, newest) -> tuple[datetime | None, datetime | None]:
    """(since, as_of) for the page from the sidebar's date range: the audit counts requests
    made in the range, evaluated at the range's as-of moment (Filters.as_of), as every page."""
    return chosen.window()[0], chosen.as_of(newest)


def period_note(result: AuditResult, tz: str) -> str:
    """The audit's moment and period on the brand's clock, as its reports and files give them, with
    the sidebar's zone (tz) the dates were chosen in where it is another: 'Evaluated as of 2026-03-08
    23:59 PST (the end of the chosen dates, ...), requests from 2026-03-02 00:00 PST (the dates
    chosen in America/Los_Angeles). Times are on the brand's clock, ...'. In UTC alone, the end of
    a day chosen in Los Angeles read '06:59 UTC' of the next (a review)."""
    sidebar = "" if same_clock(tz, result.timezone) else f", {zoned_minute(result.as_of, tz)} on the sidebar's clock"
    since = (f", requests from {result.local_minute(result.since)} (the dates chosen in {tz})"
             if result.since is not None else "")
    return (f"Evaluated as of {result.local_minute(result.as_of)} (the end of the chosen dates, or the newest "
            f"mention if earlier{sidebar}){since}. {result.clock_note}")


def file_stem(result: AuditResult, tz: str = "UTC") -> str:
    """A file name stem for the exports: audit-<brand>[-<page>]-[<first date>-]<as-of date>,
    letters kept: two audits of the same brand over different dates get different names, as do
    two pages of a brand whose long name filled the slug, or two brands in another script (with
    a digest: distinct_slug). The dates are the days the user chose, in the zone they chose them in (tz)."""
    return dated_stem("audit", (result.brand, result.page), result.since, result.as_of, tz)
