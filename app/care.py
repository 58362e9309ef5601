"""Care queries for the Overview and Ghost Town pages: the care metrics of etl.metrics over
the sidebar's selection (lists of brands, platforms and pages, the date window).

etl.metrics.ghost_town filters one brand/page from `since` up to `as_of`; the sidebar
selects lists. app/sql/care_requests_scope.sql reproduces the rows ghost_town aggregates,
with the lists, and the numbers are then made by etl.metrics' own aggregation, so for one
brand they equal etl.metrics.ghost_town(con, ..., brand=b, since=start, as_of=as_of)
(tests/test_page_ghost_town.py checks that). The window [start, end) is evaluated as of
its end (its last microsecond), or the newest mention if that is earlier: a request is
answered when its response was visible by then, ignored when it got none within the
horizon H and is older than H. The Page Audit and the weekly snapshot take the same moment
(tests/test_window_as_of.py), so a range shows the same care numbers on every page (the
Weekly snapshot's deleted comments aside: those of a week count whatever export found them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from etl import care_definitions, care_stats, metrics, snapshot
from etl.care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES
from etl.word_of_mouth import word_of_mouth

from . import audit_rules, db, safe
from .demo_links import made_up_ids
from .filters import Filters, brand_timezones, selected_brands
from .formatting import counted, in_zone, is_utc, listed, local_date, local_time, utc_minute
from .queries import group_values

GROUPS = ("brand", "page", "platform")
ROW_COLUMNS = (*GROUPS, "week", "hour_of_week", "response_minutes", "age_minutes",
               "is_deflection", "is_complaint", "request_count")  # of request_rows
_FIRST_MONDAY = date(1970, 1, 5)  # week 0 of care_requests_scope.sql's week_number
IGNORED_LIMIT = 5_000  # rows of example lists fetched at most (the CSV download)
IGNORED_SHOWN = 1_000  # of those, rows listed on the page


@dataclass(frozen=True)
class Scope:
    """When and how a selection is evaluated: as of `as_of`, requests counted `mode`."""

    as_of: datetime | None
    mode: str  # needs-reply, or all when nothing is scored


def as_of_note(as_of: datetime, tz: str = "UTC") -> str:
    """The moment a selection's care numbers are of, as the pages state it (Filters.as_of), on
    the chosen zone's clock, as the dates are chosen (with UTC beside it): in Singapore '15:59
    UTC' read as the day before the chosen last day (a review)."""
    return f"Evaluated as of {moment_said(as_of, tz)} (the end of the chosen dates, or the newest mention if earlier)"


def moment_said(moment: datetime, tz: str = "UTC") -> str:
    """A moment as the captions state one: on the chosen zone's clock with UTC beside it."""
    return (utc_minute(moment) if is_utc(tz)
            else f"{local_time(moment, tz):%Y-%m-%d %H:%M} {tz} ({_utc_beside(moment, tz)})")


def _utc_beside(moment: datetime, tz: str) -> str:
    """UTC's time of a moment stated on zone tz's clock, with UTC's date where the two
    clocks' dates differ (in Auckland '09:30 UTC' alone read as the local day's)."""
    same_day = local_date(moment, tz) == local_date(moment, "UTC")
    return f"{local_time(moment, 'UTC'):%H:%M} UTC" if same_day else utc_minute(moment)


# What each request mode counts, in a reader's words (the CLI's --requests needs-reply | all).
REQUESTS_COUNTED = {
    "needs-reply": "requests: customer messages scored as needing a reply (complaints and questions)",
    "all": "requests: every inbound customer message (this database has no text scores)",
}

# From this share of a selection's requests pending, the pages say what that does to the rates:
# a user review measured a week judged at its end, 17.6% pending, at 29.4% ghost town where,
# settled, it was 40.2%, so a quarter (the share before) let eleven points pass unsaid.
PENDING_NOTE_SHARE = 0.10
PENDING_NOTE_WORDS = "a tenth"  # the share in words, for 'a tenth or more of the requests'


def pending_note(outcomes: dict, horizon_hours: float, period: str = "the chosen dates") -> str | None:
    """What a large share of pending requests does to the rates, None for a small one: the
    decided requests of a recent window are mostly those answered fast, since a request is
    ignored only once H has passed (one day judged at its end: ghost-town 0% where the same
    requests, settled, were 47% ignored). The numbers are as of the period's end (see
    Filters.as_of), so what is pending then stays pending here."""
    if (noted := notable_pending(outcomes)) is None:
        return None
    pending, total, share = noted
    return (f"{pending:,} of {total:,} requests ({share:.0%}) {'is' if pending == 1 else 'are'} pending "
            + pending_why(horizon_hours, period, "these rates", one=pending == 1) + " " + worst_case(outcomes))


def rates_basis(outcomes: dict, rate, interval: tuple, pending_at: str = "") -> str | None:
    """What the ghost-town and SLA rates are of, in counts (Markdown-safe: numbers only), None
    with no decided request: a rate without its count and interval hides a small sample (a
    Weekly card read 16.7% of 6 requests as loudly as of 600)."""
    answered, ignored = outcomes.get("answered", 0), outcomes.get("ignored", 0)
    decided = answered + ignored
    if not decided:
        return None
    low, high = interval
    shown = "" if low is None or high is None or pd.isna(low) or pd.isna(high) \
        else f" (95% interval {low:.1%}–{high:.1%})"
    pending = outcomes.get("pending", 0)
    return (f"Rates are of {counted(decided, 'decided request')}: {answered:,} answered within H, {ignored:,} "
            f"ignored; ghost-town rate {rate:.1%}{shown}. {pending:,} pending (younger than H, "
            f"unanswered){pending_at} {'is' if pending == 1 else 'are'} left out.")


def worst_case(outcomes: dict) -> str:
    """The ghost-town rate if every pending request goes unanswered, beside the one that
    leaves them out: how far the pending ones can move it (pending_note: some are)."""
    pending, ignored = outcomes.get("pending", 0), outcomes.get("ignored", 0)
    decided = outcomes.get("answered", 0) + ignored
    left_out = f"{ignored / decided:.1%}" if decided else "none yet"
    return (f"Should {'it not' if pending == 1 else 'none of them'} be answered within H, the ghost-town rate "
            f"would be {(ignored + pending) / (decided + pending):.1%} (leaving {'it' if pending == 1 else 'them'} "
            f"out: {left_out}).")


def pending_brands(flagged: pd.DataFrame) -> str:
    """'A tenth or more of the requests are pending for Acme (4 of 5, 80%), ...' (Markdown)
    of notably_pending_brands' rows, for the pages that name them."""
    named = ", ".join(f"{safe.markdown_text(row.brand)} ({row.pending:,} of {row.total:,}, {row.share:.0%})"
                      for row in flagged.itertuples())
    return f"{PENDING_NOTE_WORDS.capitalize()} or more of the requests are pending for {named}"


def notable_pending(outcomes: dict) -> tuple | None:
    """(pending, total, share pending) of a group's requests, total counting the answered,
    ignored and pending ones in `outcomes`, when PENDING_NOTE_SHARE or more are pending;
    None for fewer. One test for the notes of every page, so they flag the same groups."""
    pending = outcomes.get("pending", 0)
    total = pending + outcomes.get("answered", 0) + outcomes.get("ignored", 0)
    if not total or pending < PENDING_NOTE_SHARE * total:
        return None
    return pending, total, pending / total


def notably_pending_brands(rows: pd.DataFrame) -> pd.DataFrame:
    """brand, pending, total, share: of rows of brands' answered, ignored and pending counts,
    the brands with enough of their requests pending to note (notable_pending)."""
    flagged = []
    if not rows.empty:
        outcomes = rows[["answered", "ignored", "pending"]].astype(int).to_dict("records")
        flagged = [(brand, *noted) for brand, counts in zip(rows["brand"], outcomes)
                   if (noted := notable_pending(counts))]
    frame = pd.DataFrame(flagged, columns=["brand", "pending", "total", "share"])
    return frame.sort_values(["share", "brand"], ascending=[False, True], ignore_index=True)  # most pending first


def undecided_note(frame: pd.DataFrame, by: str | None, series: str) -> str | None:
    """The rows of a rate frame (ghost_town by series, and `by` over time) whose requests are
    all pending: no rate yet, so no point on the chart, where a week dropped out unsaid (a
    review: W40's 11 requests, all pending), and a brand from the rates chart. None when every
    row has decided requests. For a caption: the series' names are escaped as Markdown."""
    undecided = frame[(frame["answered"] + frame["ignored"] == 0) & (frame["pending"] > 0)]
    if undecided.empty:
        return None
    rows = [f"{safe.markdown_text(row[series])}{'' if by is None else f' {row[by]}'} "
            f"({counted(int(row['pending']), 'request')})" for _, row in undecided.iterrows()]
    return (f"No point yet, every request still pending: {listed(rows)}. A rate counts decided requests "
            "only (answered within H, or ignored).")


def brands_with_rate(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a rate frame (ghost_town by brand and more) of the brands with a rate in any
    of them: one whose requests are all pending has no line to draw (undecided_note names it),
    and ranked among the busiest it took a place from a brand with one."""
    return frame[frame["brand"].isin(frame.dropna(subset=["ghost_town_rate"])["brand"])]


def deflection_table(by_brand: pd.DataFrame) -> pd.DataFrame:
    """ghost_town by brand as the deflection bars and their table show it: worst first, each
    rate with its counts in words (of_responses, for the hover): a bar resting on 12 responses
    looks like one on 1,200."""
    counts = [f"({d:,} of {counted(r, 'response')})" for d, r in zip(by_brand["deflections"],
                                                                     by_brand["scored_responses"])]
    return by_brand.assign(of_responses=counts).sort_values("deflection_rate", ascending=False)


def empty_weeks_note(frame: pd.DataFrame, series: str = "brand") -> str | None:
    """The weeks a series' line crosses without a point: a week with no request of its
    (ghost_town by series and week) has no row, and the line breaks there (rate_charts.rate_over_time;
    a real-data review: a brand's line ran from 2015-W09 to 2016-W31 over 17 empty months, as if
    week to week). None when no line skips a week. For a caption: names escaped."""
    skipped = []
    for name, part in frame.groupby(series, sort=True):
        empty = sum(missing for _, missing in snapshot.week_gaps(part["week"]))
        if empty:
            skipped.append(f"{safe.markdown_text(name)} in {counted(empty, 'week')}")
    if not skipped:
        return None
    return ("A week with no request has no point, and the line breaks there. "
            f"Between its first week and its last, no request came to {listed(skipped)}.")


def pending_why(horizon_hours: float, period: str, whose: str, one: bool = False) -> str:
    """What pending means and what it does to `whose` rates (see pending_note); `one`: said
    of a single request ('1 of 9 requests is pending ... and is left out')."""
    return (f"(younger than H = {horizon_hours:g} h and unanswered at the end of {period}) and "
            f"{'is' if one else 'are'} left out of the rates. The decided ones lean towards those answered "
            f"quickly (a request counts as ignored only once H has passed), so {whose} flatter: the numbers are as of "
            f"the end of {period}, and requests made in its last {horizon_hours:g} h are pending "
            "here whatever happened since.")


@db.cached
def brands_without_replies(cur) -> tuple[str, ...]:
    """metrics.brands_without_replies of the whole history: one scan of the mentions a
    published database, whatever brands a page then picks from it."""
    return tuple(metrics.brands_without_replies(cur))


def no_replies_note(brands: tuple[str, ...]) -> str | None:
    """metrics.no_replies_note of these brands (those with a request in the selection:
    silent_in_selection; the Weekly page's week) with no post in the data, as Markdown-safe
    text: their care numbers are the data's silence."""
    silent = [brand for brand in brands_without_replies() if brand in brands]
    note = metrics.no_replies_note(silent)
    return None if note is None else safe.markdown_text(note)


@db.cached
def scope(cur, filters: Filters) -> Scope:
    """The selection's window evaluated as of Filters.as_of (None when no mention is older
    than the window's end: nothing to evaluate); see care_as_of.sql."""
    _, end = filters.window()
    newest, any_before_end, has_scores = cur.execute(db.sql_text("care_as_of"),
                                                     {"end_at": end}).fetchall()[0]
    return Scope(filters.as_of(newest) if any_before_end else None,
                 "needs-reply" if has_scores else "all")


def _params(filters: Filters, chosen: Scope) -> dict:
    params = filters.params()
    params.pop("end_at")
    params.update(as_of=chosen.as_of, mode=chosen.mode)
    return params


def request_rows(filters: Filters, horizon_hours: float) -> pd.DataFrame:
    """The care requests of the selection, as etl.metrics.summarise takes them: one row
    each, but those unanswered and older than the horizon and than every response time,
    which come collapsed, `request_count` saying how many (see care_requests_scope.sql).
    Anything made from these rows must weigh each by its request_count.

    Shared, not copied, between the page's queries and sessions (st.cache_resource keyed
    by the published generation): callers must not modify it."""
    path = db.database_path()
    return _shared_rows(str(path), db.generation(path), filters, float(horizon_hours))


@st.cache_resource(max_entries=6, show_spinner=False)
def _shared_rows(path: str, generation, filters: Filters, horizon_hours: float) -> pd.DataFrame:
    cur = db.cursor_at(path, generation)  # the generation of the key, not a newer one
    try:
        return _fetch_rows(cur, filters, horizon_hours)
    finally:
        cur.close()


def _fetch_rows(cur, filters: Filters, horizon_hours: float) -> pd.DataFrame:
    chosen = scope.uncached(cur, filters)
    if chosen.as_of is None:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    # The groupings arrive as codes of their sorted values (dash_care_groups) and become
    # categoricals without a string per cell: at 10M mentions 0.2 s instead of 1.2 s.
    params = {**_params(filters, chosen), "horizon_minutes": horizon_hours * 60.0, "tz": filters.tz}
    table = cur.sql(db.sql_text("care_requests_scope"), params=params).to_arrow_table()
    values = group_values(cur)
    groupings = {column: _present_categorical(table.column(f"{column}_code"), values.get(column, []))
                 for column in GROUPS}
    groupings["week"] = _iso_weeks(table.column("week_number"))
    rows = table.drop_columns([*(f"{column}_code" for column in GROUPS), "week_number"]).to_pandas()
    for column, coded in groupings.items():
        rows[column] = coded
    return rows[list(ROW_COLUMNS)]


def _iso_weeks(numbers: pa.ChunkedArray) -> pd.Categorical:
    """Week numbers (weeks since the one of Monday 1970-01-05) as ISO week names ('2026-W43'),
    a categorical of those present: their order is the names' order."""
    present = np.sort(pc.unique(numbers).to_numpy(zero_copy_only=False))
    names = [snapshot.week_label(_FIRST_MONDAY + timedelta(weeks=int(n))) for n in present]
    return pd.Categorical.from_codes(np.searchsorted(present, numbers.to_numpy()), names, validate=False)


def _present_categorical(codes: pa.ChunkedArray, values: list) -> pd.Categorical:
    """Codes into values (-1: missing) as a categorical of the values present, sorted: what
    strings_to_categorical and a sort of the categories gave. The codes present are found
    by Arrow, with no copy of the codes (a bincount of them took 0.15-0.3 s at 10M mentions,
    mostly in memory it allocated; pandas' remove_unused_categories sorts them: 0.4 s)."""
    found = pc.unique(codes).to_numpy(zero_copy_only=False)
    present = np.zeros(len(values), dtype=bool)
    present[found[found >= 0]] = True
    codes = codes.to_numpy()
    if not present.all():
        values = [value for value, keep in zip(values, present) if keep]
        renumber = np.append(np.cumsum(present) - 1, -1)  # index -1: missing stays missing
        codes = renumber[codes]
    coded = pd.Categorical.from_codes(codes, values, validate=False)
    if values != sorted(values):  # DuckDB sorts UTF-8 as Python sorts str; be sure
        coded = coded.reorder_categories(sorted(values))
    return coded


def _plain_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Group columns back from categoricals to plain values (as etl.metrics returns them)."""
    for column in (*GROUPS, "week"):
        if column in frame and isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
    return frame


def _comment_medians(cur, filters: Filters, chosen: Scope, by: list[str]) -> pd.DataFrame:
    """Per-comment reply medians grouped like `by` (one of brand, page, platform, or none),
    shaped as the comment rows etl.metrics' aggregation takes (one per group)."""
    frame = cur.execute(db.sql_text("care_comments_scope"), _params(filters, chosen)).df()
    level = by[0] if by else "all"
    return frame.loc[frame["level"] == level, [*by, "reply_minutes"]].reset_index(drop=True)


@db.cached
def ghost_town(cur, filters: Filters, by: tuple[str, ...] = (), horizon_hours: float = DEFAULT_HORIZON_HOURS,
               sla_minutes: float = DEFAULT_SLA_MINUTES, brand: str | None = None) -> pd.DataFrame:
    """etl.metrics.ghost_town's frame (same columns, ranking and definitions) for the
    selection, grouped by any of brand, page, platform, week (ISO, in the filters' zone),
    hour_of_week (in the brand's); `brand`
    narrows the selection to one brand (e.g. for its hour-of-week coverage). The vendor-style
    per-comment median is NaN here: vendor_ghost_town adds it."""
    by = metrics.check_by(by)
    chosen = scope.uncached(cur, filters)
    rows = request_rows(filters, horizon_hours)
    if brand is not None:
        rows = rows[rows["brand"] == brand].reset_index(drop=True)
    comments = pd.DataFrame(columns=[*GROUPS, "reply_minutes"])
    return _plain_keys(metrics.summarise(rows, comments, by, horizon_hours, chosen.mode,
                                         sla_minutes, chosen.as_of, prior_leaves_out=brands_without_replies()))


@db.cached
def vendor_ghost_town(cur, filters: Filters, by: tuple[str, ...] = (), horizon_hours: float = DEFAULT_HORIZON_HOURS,
                      sla_minutes: float = DEFAULT_SLA_MINUTES, brand: str | None = None) -> pd.DataFrame:
    """ghost_town(...) plus the vendor-style per-comment median reply time, which costs a
    scan of every message's replies: for no grouping or one of brand, page, platform."""
    by = metrics.check_by(by)
    # called as the pages call it, so the two share one cache entry
    base = (ghost_town(filters, tuple(by), horizon_hours, sla_minutes) if brand is None else
            ghost_town(filters, tuple(by), horizon_hours, sla_minutes, brand))
    frame = base.copy()
    if frame.empty or len(by) > 1 or not set(by) <= set(GROUPS):
        return frame
    chosen = scope.uncached(cur, filters)
    if brand is not None:
        filters = replace(filters, brands=(brand,))
    comments = _comment_medians(cur, filters, chosen, by)
    # one row per group already: etl's median of one value is that value, lined up as etl does
    frame["vendor_median_comment_minutes"] = metrics.comment_median(comments, frame, by)
    return frame


def coverage(filters: Filters, brand: str, horizon_hours: float = DEFAULT_HORIZON_HOURS,
             sla_minutes: float = DEFAULT_SLA_MINUTES) -> pd.DataFrame:
    """etl.metrics.coverage's frame for one brand of the selection: the 168 hours of the week
    in the brand's time zone with requests, response rate (and its interval) and times."""
    frame = ghost_town(filters, ("hour_of_week",), horizon_hours, sla_minutes, brand)
    return metrics.hours_of_week(frame, brand_timezones().get(brand, "UTC"))


def summary(filters: Filters, horizon_hours: float, sla_minutes: float) -> dict:
    """The selection's overall care numbers (one row of ghost_town) as a dict; {} if none."""
    frame = ghost_town(filters, (), horizon_hours, sla_minutes)
    return {} if frame.empty else frame.iloc[0].to_dict()


@db.cached  # for the outcome arithmetic over every request row, keyed per published state (cur unused)
def ignored_complaint_count(cur, filters: Filters, horizon_hours: float = DEFAULT_HORIZON_HOURS) -> int:
    """Complaint care requests of the selection that were ignored (no response within H and
    older than H, etl.metrics.outcomes): the unresolved negative experiences that word of
    mouth counts."""
    return _complaints(filters, horizon_hours, pending=False)


@db.cached  # as ignored_complaint_count (cur unused)
def pending_complaints(cur, filters: Filters, horizon_hours: float = DEFAULT_HORIZON_HOURS) -> int:
    """Complaint care requests of the selection still pending (unanswered, younger than H):
    not ignored yet, so in no list of the ignored."""
    return _complaints(filters, horizon_hours, pending=True)


def _complaints(filters: Filters, horizon_hours: float, pending: bool) -> int:
    """The selection's complaint requests ignored, or with `pending` those still pending."""
    return _complaints_of(request_rows(filters, horizon_hours), horizon_hours, pending)


def _complaints_of(rows: pd.DataFrame, horizon_hours: float, pending: bool = False,
                   among: np.ndarray | None = None) -> int:
    """The complaint requests of request rows (`among`: of those rows only) ignored, or with
    `pending` those still pending."""
    if rows.empty:
        return 0
    if pending:
        _, answered, ignored = metrics.outcomes(rows, horizon_hours * 60.0)
        state = ~answered & ~ignored & rows["is_complaint"].to_numpy(dtype=bool)
    else:  # the rule `metrics ghost-town` counts its ignored_complaints by
        state = metrics.ignored_complaint_rows(rows, horizon_hours * 60.0)
    return int(metrics.request_counts(rows)[state if among is None else state & among].sum())


@db.cached  # the outcomes of every request row, once per selection and published state (cur unused)
def silent_in_selection(cur, filters: Filters, horizon_hours: float) -> tuple[tuple[str, ...], int]:
    """The brands of brands_without_replies with a care request in the selection (its dates
    included), and how many of its ignored complaints are theirs: the Overview's no-replies
    warning stayed on under 'Last 28 days', where those brands had no mention (a review)."""
    silent = brands_without_replies()
    if not silent:  # the usual case: no request row read (Amplification reads none of its own)
        return (), 0
    rows = request_rows(filters, horizon_hours)
    if rows.empty:
        return (), 0
    theirs = rows["brand"].isin(silent).to_numpy(dtype=bool)
    present = set(rows.loc[theirs, "brand"].astype(str))
    return tuple(brand for brand in silent if brand in present), _complaints_of(rows, horizon_hours, among=theirs)


def no_replies_in_selection(filters: Filters, horizon_hours: float) -> str | None:
    """no_replies_note of the brands with no reply in the data and a request in the selection,
    its dates included: Ghost Town's and Amplification's note stayed on for dates in which
    those brands had no request, as the Overview's had (a review)."""
    return no_replies_note(silent_in_selection(filters, horizon_hours)[0])


def _request_list_params(cur, filters: Filters, limit: int | None) -> dict:
    """The bound parameters of a list of the selection's requests (care_ignored.sql,
    care_deflections.sql): the selection as of its scope, at most `limit` rows."""
    params = _params(filters, scope.uncached(cur, filters))
    params["limit"] = limit
    return params


def customers_lost(filters: Filters, horizon_hours: float, multiplier: float,
                   customer_value: float | None) -> dict:
    """etl.word_of_mouth.word_of_mouth of the selection's ignored complaints (an assumption)."""
    return word_of_mouth(ignored_complaint_count(filters, horizon_hours), multiplier, customer_value)


@db.cached
def ignored_complaints(cur, filters: Filters, horizon_hours: float = DEFAULT_HORIZON_HOURS,
                       limit: int = IGNORED_LIMIT) -> pd.DataFrame:
    """The ignored complaints of the selection, newest first (see care_ignored.sql), with a
    link to each complaint's message; times on the chosen zone's clock."""
    if scope.uncached(cur, filters).as_of is None:
        return pd.DataFrame()
    params = _request_list_params(cur, filters, limit) | {"horizon_minutes": horizon_hours * 60.0}
    frame = cur.execute(db.sql_text("care_ignored"), params).df()
    return safe.with_links(in_zone(frame, filters.tz), "complaint_id",
                           made_up=made_up_ids(cur, frame["complaint_id"]))


@db.cached
def deflection_examples(cur, filters: Filters, limit: int = 200) -> pd.DataFrame:
    """Requests whose first response, however late, only redirects, newest first, each with
    the customer's message it answered and the response, each with its id and a link; times
    on the chosen zone's clock."""
    if scope.uncached(cur, filters).as_of is None:
        return pd.DataFrame()
    frame = cur.execute(db.sql_text("care_deflections"), _request_list_params(cur, filters, limit)).df()
    return safe.with_deflection_links(in_zone(frame, filters.tz),
                                      made_up_ids(cur, frame["answered_id"], frame["response_id"]))


@db.cached
def deleted_comments(cur, filters: Filters) -> pd.DataFrame:
    """Deleted customer comments per brand in the selection, with the share negative: those
    evident by the moment the selection's care figures are of (an audit back-dated to
    15 Aug counted 37 first missing from an export running to 31 Aug: a review), and in
    `found_later` those only an export covering past that moment lacked."""
    params = filters.params() | {"as_of": scope.uncached(cur, filters).as_of}
    return cur.execute(db.sql_text("care_deleted"), params).df()


def deleted_found(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """deleted_comments' brands with a deletion evident by the as-of moment (found_later
    left out), and how many more only later exports found."""
    if frame.empty:
        return frame, 0
    found = frame[frame["deleted_comments"] > 0].drop(columns="found_later").reset_index(drop=True)
    return found, int(frame["found_later"].sum())


def found_later_note(found_later: int, counted_here: bool) -> str:
    """Why deletions of the chosen days that a later export found are not counted here
    (`counted_here`: whether some others are)."""
    more = "more comment" if counted_here else "comment"
    return (f"{counted(found_later, more)} of these days {'was' if found_later == 1 else 'were'} "
            "found deleted by a complete export whose last mention is after the as-of time: the "
            "figures are of what was known then. Move the end date to or past that export's last "
            f"mention to count {'it' if found_later == 1 else 'them'}.")


def unshown_deleted_note(filters: Filters, shown) -> str | None:
    """Of the selection's brands not among `shown` (the deleted-comments chart's), those whose
    pages were compared (none found) and those with no page of two complete exports (none
    could be found), as Markdown; None when every brand is shown. Absent read as none deleted,
    where two Twitter-only brands of the demo had nothing to compare (a review)."""
    drawn = set(shown)
    absent = tuple(brand for brand in selected_brands(filters) if brand not in drawn)
    compared = brands_compared(replace(filters, brands=absent)) if absent else set()
    checked, unchecked = [], []
    for brand in absent:
        (checked if brand in compared else unchecked).append(safe.markdown_text(brand))
    parts = ([f"none found for {listed(checked)} (on their pages with two or more complete exports to compare)"]
             if checked else [])
    if unchecked:
        span = audit_rules.exports_span(filters.start is not None)
        parts.append(audit_rules.not_checked_said(listed(unchecked), span))
    return f"Not in the chart: {'; '.join(parts)}." if parts else None


@db.cached
def complete_exports(cur, filters: Filters) -> tuple[int, int, int]:
    """(complete exports, pages with two or more, pages) of the selection up to its as-of
    moment: whether a deleted comment could have been found (audit_rules.no_deleted_note)."""
    params = filters.params() | {"as_of": scope.uncached(cur, filters).as_of}
    params.pop("end_at")
    [counts] = cur.execute(db.sql_text("care_complete_exports"), params).fetchall()
    return tuple(int(n) for n in counts)


@db.cached
def brands_compared(cur, filters: Filters) -> set[str]:
    """The selection's brands with a page of two or more complete exports up to its as-of moment
    (complete_exports' pages with two or more, per brand): those of which a deleted comment could
    have been found; one query for every brand (care_brands_compared.sql)."""
    params = filters.params() | {"as_of": scope.uncached(cur, filters).as_of}
    params.pop("end_at")
    return {brand for brand, _ in cur.execute(db.sql_text("care_brands_compared"), params).fetchall()}


@db.cached  # for the curves' arithmetic over every request row, keyed per published state (cur unused)
def km_curves(cur, filters: Filters, group: str = "brand", max_minutes: float | None = None,
              resolution: int | None = 1000, horizon_hours: float = DEFAULT_HORIZON_HOURS) -> pd.DataFrame:
    """Kaplan–Meier curves of time to first response per group: one row per group and
    event time with p_answered = 1 - S(t), each ending flat at its last follow-up up to the
    horizon (see kaplan_meier_curve). Unanswered requests are censored at their age (as in
    etl.care_stats.kaplan_meier, whose P(answered within 1 h) they reproduce). Thinned to
    steps of 1/resolution of p_answered (None: every event time). The steps do not depend
    on the horizon; it picks the request rows the page already holds and bounds the flat end."""
    return kaplan_meier_curve(request_rows(filters, horizon_hours), group, max_minutes, resolution,
                              horizon_minutes=horizon_hours * 60.0)


def kaplan_meier_curve(rows: pd.DataFrame, group: str, max_minutes: float | None = None,
                       resolution: int | None = None, *, horizon_minutes: float) -> pd.DataFrame:
    """The step curve behind etl.care_stats.kaplan_meier, per `group` of request rows;
    with `resolution`, thinned to the first point of each 1/resolution step of p_answered.

    Each curve goes on flat from its last answer to its group's last follow-up (the
    oldest request's age; past it nothing was seen), at most `horizon_minutes` (the
    horizon the rows were fetched under) or the rows' latest answer if later: requests
    unanswered and older than both come collapsed (request_rows) with no exact age. The
    flat end is the share never answered; a curve stopped at its last answer hid it, and
    the curves of a page ended far apart where they all followed requests as long."""
    codes, names = pd.factorize(rows[group], sort=True)
    kept = codes >= 0  # a request without a group value is in no curve
    response = rows["response_minutes"].to_numpy(dtype=float)[kept]
    responded = ~np.isnan(response)
    times = np.where(responded, response, rows["age_minutes"].to_numpy(dtype=float)[kept])
    counts = metrics.request_counts(rows)
    counts = None if counts is None else counts[kept]
    steps = care_stats.km_steps(codes[kept], times, responded, len(names), counts)
    bounds = np.searchsorted(steps.group, np.arange(len(names) + 1))
    requests = care_stats.group_counts(codes[kept], counts, len(names))
    known = np.fmax(horizon_minutes, rows["response_minutes"].max())  # fmax: no answer at all is NaN
    followed = _last_follow_up(codes[kept], times, len(names), known)
    if max_minutes is not None:
        followed = np.minimum(followed, max_minutes)
    out = []
    for code, name in enumerate(names):
        step = slice(bounds[code], bounds[code + 1])
        minutes, p = _curve(steps.time[step], 1.0 - steps.survival[step], followed[code], max_minutes, resolution)
        out.append(pd.DataFrame({group: name, "minutes": minutes, "p_answered": p, "requests": requests[code]}))
    if not out:
        return pd.DataFrame(columns=[group, "minutes", "p_answered", "requests"])
    return pd.concat(out, ignore_index=True)


def _curve(minutes: np.ndarray, p: np.ndarray, followed: float, max_minutes: float | None,
           resolution: int | None) -> tuple[np.ndarray, np.ndarray]:
    """One group's curve (minutes, share answered) from its steps: up to max_minutes,
    thinned to `resolution`, from (0, 0), and flat from its last answer to `followed`."""
    if max_minutes is not None:
        inside = minutes <= max_minutes
        minutes, p = minutes[inside], p[inside]
    if resolution:
        # the first point of each 1/resolution step of p: exact where p first reaches
        # any level (so the median is kept), at most `resolution` points per curve
        _, keep_first = np.unique(np.floor(p * resolution), return_index=True)
        minutes, p = minutes[keep_first], p[keep_first]
    minutes, p = np.concatenate(([0.0], minutes)), np.concatenate(([0.0], p))
    if followed > minutes[-1]:  # flat from the last answer to the last follow-up
        minutes, p = np.append(minutes, followed), np.append(p, p[-1])
    return minutes, p


def _last_follow_up(codes: np.ndarray, times: np.ndarray, groups: int, known: float) -> np.ndarray:
    """Per group, the longest time its requests were followed (answer or age), at most
    `known`: the collapsed requests (request_rows) are at least that old, no more is told."""
    followed = np.zeros(groups)
    np.maximum.at(followed, codes, np.minimum(times, known))
    return followed


def hour_and_sla_note(sla_minutes: float) -> str:
    """Why 'answered within 1 h' and the SLA rate differ, even at an SLA of 60 minutes: one is
    a Kaplan–Meier estimate over every request, the other a share of the decided ones (the
    published definitions, care_definitions.DEFINITIONS, in the reader's words)."""
    defined = care_definitions.DEFINITIONS
    return (f"Answered within 1 h and SLA rate are two different numbers. Answered within 1 h: "
            f"{defined['p_answered_1h']} It is taken over every request, those not answered yet "
            f"(pending ones too) censored at their age. SLA rate (SLA = {sla_minutes:g} min): "
            f"{defined['sla_rate']} Pending requests are left out of it.")
