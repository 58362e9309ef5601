"""Read side of the Weekly Snapshot: the executive one-pager of an ISO week (UTC) per brand.
This module's job: reading the week's rows, the weeks to choose from and their labels, where a week
stands (closed, running, where its data ends) and each brand's data span. The notes about the week
are in weekly_notes, the per-brand cards in weekly_cards, the top risks in weekly_risks.

The numbers are etl.snapshot's: the stored rows of weekly_snapshots when the week is
materialised, else the same computation (snapshot.compute_week) run read-only, so the
week-over-week deltas are those `python -m etl snapshot --week W` would store. Nothing is ever
written to the warehouse. Reused by the page, reports and CLIs (pass a read-only cursor to the *.uncached
functions outside Streamlit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pandas as pd

from etl import snapshot, text
from etl.care_definitions import DEFAULT_HORIZON_HOURS

from . import db, filters, formatting
from .audit_rules import DELETED_RULE, DELETED_WHAT, NOT_CHECKED
from .trends import NET_SENTIMENT

SLA_MINUTES = snapshot.SLA_MINUTES  # the snapshot's fixed SLA, whatever the sidebar's

KPIS = (  # column, label, kind (count, share, score, minutes)
    # Overview's card's name: the same count (dash_mention_slots' customer mentions)
    ("mentions", "Customer mentions", "count"),
    ("requests", "Care requests", "count"),
    ("complaint_share", "Complaint share", "share"),
    ("net_sentiment", "Net sentiment", "score"),
    ("ghost_town_rate", "Ghost-town rate", "share"),
    ("sla_rate", "SLA rate", "share"),
    ("km_median_minutes", "KM median response", "minutes"),
    ("deflection_rate", "Deflection rate", "share"),
    ("deleted_comments", "Deleted comments", "count"),
)
DEFINITIONS = pd.DataFrame([
    ("customer mentions", "Customer mentions of the brand in the week (not by brand accounts; shares too)."),
    ("care requests", "Requests needing a reply (complaint or question) started in the week; "
                      "'all' inbound mentions when nothing is scored."),
    ("complaint share", "Complaint mentions / scored customer mentions of the week, shares included in "
                        "both (a share carries the text it shares, so passing on a complaint counts)."),
    ("complaint", text.DEFINITIONS["complaint"]),
    ("sentiment label", text.DEFINITIONS["sentiment label"]),
    ("net sentiment", NET_SENTIMENT),
    ("ghost-town rate", "Ignored / (answered within the horizon + ignored), as of the week's end; "
                        "95% Wilson interval."),
    ("SLA rate", f"Share of decided requests answered within {SLA_MINUTES:g} minutes, "
                 "the snapshot's fixed SLA (the sidebar's SLA does not apply)."),
    ("KM median response", "Kaplan-Meier median time to response, unanswered requests censored; "
                           "'not reached' when fewer than half of the week's requests were "
                           "answered by its end (the median wait is longer than any seen)."),
    ("deflection rate", "Requests whose first response only redirects (DM us, call, form, link) / "
                        "requests with a scored response, a late one too, as on every page."),
    ("deleted comments", f"{DELETED_WHAT} of the week, {DELETED_RULE}; found by any export "
                         "loaded so far, not only by the week's end as the other figures are (exports "
                         "often come monthly), so a closed week once stored keeps the count it had then. "
                         f"'{NOT_CHECKED}' (not 0) for a brand none of whose pages has two complete exports "
                         f"{snapshot.DELETED_SPAN}, as on a Twitter handle: no deletion could be found; its change "
                         "from a week checked is left out."),
    ("top risks", "Open or ignored requests ranked by how far their customer reaches: complaints first, "
                  "then by the customer's followers (unknown counts last), then the earliest (followers stand "
                  "in for spread here; the Amplification page forecasts it); with what the "
                  "customer said (a complaint's message that complains, else the request's first) "
                  "and its status as of the week's end "
                  "(pending or ignored then, whatever happened since)."),
    ("week-over-week", "This week's value minus the previous ISO week's (rates in points). A "
                       "count's change is left out for a brand whose data starts after that week's "
                       "Monday: its first weeks are not growth. A rate's or net sentiment's change "
                       "that a two-proportion test at 95% cannot tell from chance, at the two weeks' "
                       "counts behind it (decided requests for the ghost-town and SLA rates, scored "
                       "mentions for the complaint share, positive and negative mentions for net "
                       "sentiment, requests with a scored response for the deflection rate), is grey "
                       "and says 'may be chance', not better or worse. The KM median's change is not "
                       "weighed (a test of a median needs the response times, not the counts kept), so "
                       "it is grey and says so, neither better nor worse. A week stored before those "
                       "counts were kept with it takes them from the week computed anew, where that "
                       "gives its stored figures and changes; where late data or a newer scorer has "
                       "changed them, its changes are shown unweighed."),
    ("ISO week", "Monday 00:00 to the next Monday 00:00 UTC (seven days, whatever the time zone "
                 "chosen); a week is closed once the data has passed its "
                 "end. A closed week's stored snapshot (`python -m etl snapshot`) is final, never "
                 "recomputed, unless it was stored under older metric definitions: storing it again "
                 "then recomputes it as of its end. A brand whose data arrives after its week was "
                 "stored gets its row, as of the week's end, the next time that week or a later one "
                 "is stored; the page says when it was added, and whose data ends before the week's "
                 "end. Until one is stored, the page computes the week "
                 "from the data on view, so late data may still change it."),
], columns=["metric", "definition"])


@dataclass(frozen=True)
class WeekChoices:
    weeks: tuple[str, ...]          # newest first
    default: str | None             # the last complete week
    stored: tuple[str, ...]         # weeks present in weekly_snapshots
    first_at: datetime | None = None  # the data's first and last mention
    last_at: datetime | None = None


@db.cached
def week_choices(cur) -> WeekChoices:
    """The ISO weeks the data spans plus any stored ones, newest first."""
    stored = (tuple(cur.execute(db.sql_text("weekly_stored_weeks")).df()["week"])
              if snapshot.has_stored_weeks(cur) else ())
    first, last = cur.execute(db.sql_text("weekly_data_span")).fetchall()[0]
    weeks = set(stored)
    if first is not None:
        monday = snapshot.week_start_of(first)
        while monday <= last:
            weeks.add(snapshot.week_label(monday))
            monday += timedelta(days=7)
    default = snapshot.last_complete_week(cur) if first is not None else None
    return WeekChoices(tuple(sorted(weeks, reverse=True)), default, stored, first, last)


def stored_rows(cur, week: str, brands: tuple[str, ...] = ()) -> pd.DataFrame:
    if not snapshot.has_stored_weeks(cur):
        return pd.DataFrame()
    before = snapshot.week_label(snapshot.parse_week(week) - timedelta(days=7))
    # The query as written, under a CTE named as the table that stands for it in every mention
    # (read as stored_table gives it: an older table of a read-only warehouse lacks the counts). A
    # replace of 'FROM weekly_snapshots' in its text missed any other spelling (a JOIN), and hid
    # the piece from the review of SQL built in Python (tests/test_sql_binding.py).
    return cur.execute(f"WITH weekly_snapshots AS (FROM {snapshot.stored_table(cur)}) "
                       f"FROM ({db.sql_text('weekly_stored')}) ORDER BY brand",
                       {"week": week, "before": before, "brands": list(brands)}).df()


def compute_readonly(cur, week: str, horizon_hours: float = DEFAULT_HORIZON_HOURS) -> pd.DataFrame:
    """snapshot.compute_week for `week` on a read-only cursor: what materialise would store,
    deltas against the previous week at the same horizon."""
    return snapshot.compute_week(cur, snapshot.parse_week(week), horizon_hours)


@db.cached
def all_brand_rows(cur, week: str, horizon_hours: float = DEFAULT_HORIZON_HOURS) -> tuple[pd.DataFrame, bool]:
    """(rows, stored): the snapshot of `week` for every brand, and whether they are the
    materialised rows (False: computed read-only just now). Cached per week and horizon, so
    choosing brands in the sidebar only filters it."""
    rows = stored_rows(cur, week)
    if not rows.empty:
        return with_reproduced_counts(cur, rows), True
    return compute_readonly(cur, week, horizon_hours), False


# The counts an older row lacks (snapshot.ADDED_COLUMNS), each with the figures a recomputation
# must reproduce before they are taken from it: the week's own figures, then its changes (whose
# week before the counts are of).
_REPRODUCED = (
    (("scored", "complaints", "positive", "negative"), ("mentions", "complaint_share", "net_sentiment")),
    (("scored_responses", "deflections"), ("requests", "answered", "ignored", "pending", "deflection_rate")),
    (("scored_before", "positive_before", "negative_before"),
     ("mentions", "complaint_share", "net_sentiment", "mentions_wow", "complaint_share_wow", "net_sentiment_wow")),
    (("requests_before", "answered_before", "ignored_before", "km_median_minutes_before"),
     ("requests", "answered", "ignored", "pending", "ghost_town_rate", "sla_rate", "km_median_minutes",
      "requests_wow", "ghost_town_rate_wow", "sla_rate_wow", "km_median_minutes_wow")),
    (("scored_responses_before",),
     ("requests", "answered", "ignored", "pending", "deflection_rate", "deflection_rate_wow")),
)


def with_reproduced_counts(cur, rows: pd.DataFrame) -> pd.DataFrame:
    """Stored rows with the counts behind their rates and changes that a row stored before
    they were kept lacks (its `scored` is NULL), taken from the week computed now under the
    row's horizon, as of its end, where that reproduces the row's stored figures: the same data
    under the same rules, so the same counts. Their changes are then weighed against chance as a
    newer row's are: without them a week stored by an older version called a change of 10 of 79
    to 15 of 64 ignored 'worse', where a newer row said 'may be chance'. A figure the
    recomputation does not reproduce (late data, a new scorer) leaves its counts unknown."""
    old = rows["scored"].isna() & rows["closed"].astype(bool)
    if not old.any() or rows.loc[old, "requests_counted"].nunique() != 1:
        return rows
    if rows.loc[old, "requests_counted"].iloc[0] != snapshot.requests_counted(cur):
        return rows
    rows = rows.copy()
    start = snapshot.parse_week(rows["week"].iloc[0])
    for horizon in rows.loc[old, "horizon_hours"].unique():
        now = snapshot.compute_week(cur, start, float(horizon)).set_index("brand")
        for index in rows.index[old & (rows["horizon_hours"] == horizon)]:
            row, brand = rows.loc[index], rows.at[index, "brand"]
            if brand not in now.index:
                continue
            for counts, figures in _REPRODUCED:
                if all(_same(row[figure], now.at[brand, figure]) for figure in figures):
                    for column in counts:
                        if pd.isna(row[column]):
                            rows.at[index, column] = now.at[brand, column]
    return rows


def _same(stored, computed) -> bool:
    """Whether a stored figure and its recomputation agree (both unknown, or equal to rounding)."""
    if pd.isna(stored) or pd.isna(computed):
        return bool(pd.isna(stored) and pd.isna(computed))
    return abs(float(stored) - float(computed)) <= 1e-9 * max(1.0, abs(float(stored)))


def _of_brands(found: tuple[pd.DataFrame, bool], brands: tuple[str, ...]) -> tuple[pd.DataFrame, bool]:
    rows, stored = found
    if brands and not rows.empty:
        rows = rows[rows["brand"].isin(brands)]
    return rows.reset_index(drop=True), stored


def week_rows(week: str, brands: tuple[str, ...] = (),
              horizon_hours: float = DEFAULT_HORIZON_HOURS) -> tuple[pd.DataFrame, bool]:
    """(rows, stored): the snapshot of `week` per brand (selected brands; all when none), and
    whether they are the materialised rows (False: computed read-only just now)."""
    return _of_brands(all_brand_rows(week, float(horizon_hours)), tuple(brands))


def _week_rows_uncached(cur, week: str, brands: tuple[str, ...] = (),
                        horizon_hours: float = DEFAULT_HORIZON_HOURS) -> tuple[pd.DataFrame, bool]:
    return _of_brands(all_brand_rows.uncached(cur, week, float(horizon_hours)), tuple(brands))


week_rows.uncached = _week_rows_uncached


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_dates(week: str, years: bool = True) -> str:
    """The calendar days of an ISO week, Monday to Sunday: '19–25 Oct 2026',
    '28 Sep – 4 Oct 2026', '29 Dec 2025 – 4 Jan 2026' (month names not from the locale);
    without years ('28 Sep – 4 Oct', '29 Dec – 4 Jan') beside the week, which names its year."""
    monday = snapshot.parse_week(week).date()
    sunday = monday + timedelta(days=6)
    last = f"{sunday.day} {_MONTHS[sunday.month - 1]}" + (f" {sunday.year}" if years else "")
    if monday.year != sunday.year and years:
        return f"{monday.day} {_MONTHS[monday.month - 1]} {monday.year} – {last}"
    if monday.month != sunday.month:
        return f"{monday.day} {_MONTHS[monday.month - 1]} – {last}"
    return f"{monday.day}–{last}"


def week_choice(week: str, last_complete: bool, stored: bool) -> str:
    """The week picker's label: the week, its days without the years, and whether it is the last
    complete and stored. With the years, a week across two months read '… 4 Oct 2026 · last
    complete · sto' in a phone's picker (Chromium at 390 px: about 50 characters fit)."""
    marks = ["last complete"] * last_complete + ["stored"] * stored
    return " · ".join([week, week_dates(week, years=False), *marks])


def week_title(week: str) -> str:
    """'2026-W43 · 19–25 Oct 2026': the ISO week with its calendar days, as headings show it."""
    return f"{week} · {week_dates(week)}"


def week_of_dates(start, end) -> str | None:
    """The ISO week whose days, Monday to Sunday, the sidebar's dates are exactly ('2020-W53' for
    28 Dec 2020 to 3 Jan 2021); None for any other dates, or open ends."""
    if start is None or end is None or start.isoweekday() != 1 or end != start + timedelta(days=6):
        return None
    return f"{start.isocalendar()[0]}-W{start.isocalendar()[1]:02d}"


def file_stem(week: str, brands) -> str:
    """snapshot-<week>, and the brands of the sidebar's filter when it has some (in name order:
    the same one-pager, the same name), so two exports of one week for different brands get
    different names: with a short digest of the brands when their slug is cut or loses them
    (a name in another script slugs to nothing)."""
    if not brands:
        return f"snapshot-{week}"
    return f"snapshot-{week}-{formatting.distinct_slug(sorted(brands))}"


def week_closed(rows: pd.DataFrame) -> bool:
    """Whether the data has passed the week's end (its rows are as of that end, not the newest
    mention). A week with no rows counts as closed: there is nothing newer to be as of."""
    return bool(rows["closed"].all())


def week_running(rows: pd.DataFrame, now: datetime | None = None) -> bool:
    """Whether the week is still running: open, and its end still to come. An open week whose
    end has passed is one the data ends inside (loaded up to a day of it): calling it running
    told a reader in December that an October week was not over."""
    if week_closed(rows):
        return False
    end = snapshot.parse_week(rows["week"].iloc[0]) + timedelta(days=7)
    return (now or datetime.now(timezone.utc)) < end


def data_end(rows: pd.DataFrame, year: bool = True) -> str:
    """When an open week's data ends (its newest mention, which its rows are as of); with
    year=False as the top risks' caption says it (weekly_risks.risks_status_when)."""
    return f"{pd.Timestamp(rows['as_of'].max()):%a %d %b{' %Y' if year else ''} %H:%M} UTC"


def brand_first_at(brand: str):
    """The brand's first mention (any author's, on any platform or page: the one the snapshot's
    changes read); None for a brand with none."""
    starts = filters.options().dropna(subset=["brand"]).groupby("brand")["first_at"].min()
    return starts.get(brand)


def brand_last_at() -> dict:
    """Each brand's newest mention (any author's, on any platform or page)."""
    return filters.options().dropna(subset=["brand"]).groupby("brand")["last_at"].max().to_dict()


def pending_moment(rows: pd.DataFrame) -> str:
    """When the week's pending requests were pending: its end once closed, else its newest data."""
    return "the week's end" if week_closed(rows) else "the newest data"


def pending_when(rows: pd.DataFrame) -> str:
    """pending_moment after 'pending': 'at the week's end', 'as of the newest data'."""
    moment = pending_moment(rows)
    return f"at {moment}" if week_closed(rows) else f"as of {moment}"


