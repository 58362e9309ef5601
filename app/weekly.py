"""Read side of the Weekly Snapshot: the executive one-pager of an ISO week (UTC) per brand.

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
from etl.care_stats import net_change_may_be_chance, rate_change_may_be_chance
from etl.care_definitions import DEFAULT_HORIZON_HOURS

from . import care, db, filters, formatting, safe
from .audit_rules import DELETED_RULE, DELETED_WHAT, NOT_CHECKED
from .formatting import MAY_BE_CHANCE, NOT_WEIGHED, RATE_TRIALS, counted, format_value, km_delta_style, listed
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
# How a rise of each KPI reads, as st.metric's delta_color: "normal" good (green up),
# "inverse" bad (red up), "off" neither (volumes: more mentions or requests is no verdict).
DELTA_COLORS = {"mentions": "off", "requests": "off", "complaint_share": "inverse",
                "net_sentiment": "normal", "ghost_town_rate": "inverse", "sla_rate": "normal",
                "km_median_minutes": "inverse", "deflection_rate": "inverse",
                "deleted_comments": "inverse"}
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
    ("top risks", "Open or ignored requests most likely to spread: complaints first, then by the "
                  "customer's followers (unknown counts last), then the earliest; with what the "
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


def card_help(label: str) -> str:
    """A KPI card's hover help: its definition (DEFINITIONS names it as the card does, in
    lower case but for 'SLA rate' and 'KM median response'), as Overview's cards have one."""
    [definition] = DEFINITIONS.loc[DEFINITIONS["metric"].str.lower() == label.lower(), "definition"]
    weighed = {shown: RATE_TRIALS[column][1] for column, shown, _ in KPIS if column in RATE_TRIALS}
    return definition + (formatting.chance_help(weighed[label]) if label in weighed else "")


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
    year=False as the top risks' caption says it (risks_status_when)."""
    return f"{pd.Timestamp(rows['as_of'].max()):%a %d %b{' %Y' if year else ''} %H:%M} UTC"


def change_line(row, week: str, brand_first_at, days: str | None = None) -> str:
    """The line over a brand's cards: the week, and the change from the week before, or why no
    card shows one (the line promised a change over cards that drew none, in a brand's first
    week or after a week the data has no mention in). days: how much of a week the data ends
    inside its counts are of (counted_days), which their changes set against a whole week."""
    title = f"{safe.markdown_text(row['brand'])}, {week_title(week)}: this week"
    if any(pd.notna(row.get(f"{column}_wow")) for column, _, _ in KPIS):
        before = snapshot.week_label(snapshot.parse_week(week) - timedelta(days=7))
        # the picker above names the week's days: the line spends its words on the changes
        return (f"{safe.markdown_text(row['brand'])}, {week} against {before} ({week_dates(before, years=False)}). "
                + (_absent_before(before) if _was_absent(row) else _verdicts(row, days))
                + _part_week_counts(row, days) + _counts_left_out(row, week, brand_first_at))
    return f"{title}; no change from the week before is shown: {_no_change_reason(week, brand_first_at)}."


def _was_absent(row) -> bool:
    """Whether the brand had no customer mention in the week before, so no row there: its mentions'
    change is all of this week's (etl.snapshot._with_deltas counts an absent brand's as 0)."""
    change, mentions = row.get("mentions_wow"), row.get("mentions")
    return pd.notna(change) and pd.notna(mentions) and int(change) == int(mentions) > 0


def _absent_before(before: str) -> str:
    """change_line's words for a brand with no row in the week before: '+1' was set against a week
    whose page never showed the brand (a user review)."""
    return (f"The brand has no row in {before}, no customer mention in its UTC days: the counts' changes are "
            "from 0, and the rates have none to be set against.")


def _counts_left_out(row, week: str, brand_first_at) -> str:
    """The sentence change_line ends with when the rates have changes but the counts none, the brand's
    data starting inside the week before (etl.snapshot._with_deltas leaves them out: part of a week
    is not growth); '' otherwise. The week before's page said why; this week's cards were bare."""
    previous_monday = snapshot.parse_week(week) - timedelta(days=7)
    if pd.notna(row.get("mentions_wow")) or brand_first_at is None:
        return ""
    first = pd.Timestamp(brand_first_at)
    if not previous_monday + timedelta(days=1) <= first < previous_monday + timedelta(days=7):
        return ""
    before = snapshot.week_label(previous_monday)
    return (f" No count's change is shown: the brand's data starts {first:%a %d %b %Y}, inside {before}, "
            "so that week holds only part of it, and a first week is not growth.")


def _part_week_counts(row, days: str | None) -> str:
    """The sentence change_line ends with when the counts' changes set part of the week against
    a whole one; '' otherwise."""
    changed = any(pd.notna(row.get(f"{column}_wow")) for column, _, kind in KPIS if kind == "count")
    return f" This week's counts cover {days}, against all 7 of the week before." if days and changed else ""


def _verdicts(row, days: str | None = None) -> str:
    """The cards' changes an executive acts on, by their verdict (card_delta's words): which got
    better, which worse, and how many moved no more than chance may explain (grey on their cards).
    The line said only 'and the change from the week before', leaving the reader to find the two
    coloured cards of nine. days: counted_days, whose counts' changes have no verdict (part_week_style)."""
    said: dict[str, list[str]] = {}
    for column, label, kind in KPIS:
        shown, style = card_delta(row, column, kind)
        style = part_week_style(shown, style, kind, days)
        if word := style.get("delta_description"):
            said.setdefault(word, []).append(f"{_in_sentence(label)} ({shown})")
    # the KM median's change is said apart, neither better nor worse: it is not weighed (km_delta_style)
    unweighed = [f"{listed(said[NOT_WEIGHED])} not weighed against chance."] if said.get(NOT_WEIGHED) else []
    if not said.get("better") and not said.get("worse"):
        # no 'or time': the one time, the KM median, is never weighed (km_delta_style)
        return " ".join(["No rate changed by more than chance may explain."]
                        + unweighed)
    chance = len(said.get(MAY_BE_CHANCE, []))
    return " ".join([f"{word.capitalize()}: {', '.join(said[word])}." for word in ("better", "worse") if said.get(word)]
                    + unweighed + [f"{counted(chance, 'other change')} may be chance."] * bool(chance))


def _no_change_reason(week: str, brand_first_at) -> str:
    """Why every change is missing, as etl.snapshot._with_deltas leaves them out: a brand whose
    data starts after the week before's Monday (its first weeks are not growth), else a week
    before with no brand's mention at all."""
    previous_monday = snapshot.parse_week(week) - timedelta(days=7)
    if brand_first_at is not None and pd.Timestamp(brand_first_at) >= previous_monday + timedelta(days=1):
        return (f"the brand's data starts {pd.Timestamp(brand_first_at):%a %d %b %Y}, so the week before "
                "holds none or only part of it, and a first week is not growth")
    return "the week before holds no mention of any brand (a gap in the data)"


def brand_first_at(brand: str):
    """The brand's first mention (any author's, on any platform or page: the one the snapshot's
    changes read); None for a brand with none."""
    starts = filters.options().dropna(subset=["brand"]).groupby("brand")["first_at"].min()
    return starts.get(brand)


def card_basis(row, rows: pd.DataFrame) -> str:
    """care.rates_basis of a brand's snapshot row, under its cards, with the ghost-town rate should
    none of its pending requests be answered where enough are pending to note; or why it has no rates."""
    outcomes = {name: int(row[name]) for name in ("answered", "ignored", "pending")}
    interval = (row["ghost_town_ci_low"], row["ghost_town_ci_high"])
    if basis := care.rates_basis(outcomes, row["ghost_town_rate"], interval, pending_at=f" {pending_when(rows)}"):
        # how far the pending ones can move the rate, in the Overview's words, where the page says
        # it may flatter (pending_headline): 'may flatter' alone gave the reader no bound (a user review)
        return basis + (f" {care.worst_case(outcomes)}" if care.notable_pending(outcomes) else "")
    requests = int(row["requests"])
    if not requests:
        return "No care requests this week, so no ghost-town rate, SLA rate or response time."
    which = "the week's one request was not" if requests == 1 else f"none of the week's {requests:,} requests was"
    return f"No ghost-town or SLA rate: {which} decided (answered within H, or ignored) by {pending_moment(rows)}."


def _in_sentence(label: str) -> str:
    """A card's label inside a sentence: 'ghost-town rate', but 'SLA rate' and 'KM median response'."""
    return label if label.split()[0].isupper() else label.lower()


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


def kpi_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per brand: each KPI and its week-over-week delta, in display order; rates in percent
    and their deltas in percentage points, as on the cards; the KM median as text (kpi_value),
    since 'not reached' is not a number."""
    columns = ["brand"]
    for column, _, _ in KPIS:
        columns += [column, f"{column}_wow"]
    columns += ["ghost_town_ci_low", "ghost_town_ci_high", "answered", "ignored", "pending"]
    table = rows[[c for c in columns if c in rows]].reset_index(drop=True)
    if "deleted_comments" in table and table["deleted_comments"].isna().any():
        # text, as the KM median: an empty cell read as 0 or as a number missing by mistake
        table["deleted_comments"] = [kpi_value(row, "deleted_comments", "count") for _, row in rows.iterrows()]
    if "km_median_minutes" in table:
        table["km_median_minutes"] = [kpi_value(row, "km_median_minutes", "minutes")
                                      + (f" ({change})" if (change := km_change(row)) else "")
                                      for _, row in rows.iterrows()]
    for column in ("ghost_town_ci_low", "ghost_town_ci_high"):
        if column in table:
            table[column] = [v if pd.isna(v) else formatting.as_shown(v * 100, 1) for v in table[column]]
    for column, _, kind in KPIS:
        if kind == "share":
            # the card's digits ('21.1%'): the grid's own percent format printed 21.05% beside 0%
            table[column] = [v if pd.isna(v) else float(format_value(v, kind).rstrip("%")) for v in table[column]]
            table[f"{column}_wow"] = table[f"{column}_wow"] * 100
        # held as the grid shows them (what a screen reader reads out), so a change (or a net
        # sentiment) that rounds to zero is no '-0.00' in the grid's signed format either
        signed = [f"{column}_wow"] + ([column] if kind == "score" else [])
        for name in (c for c in signed if c in table and kind != "count"):
            table[name] = [v if pd.isna(v) else formatting.as_shown(v, formatting.CHANGE_PLACES[kind])
                           for v in table[name]]
    return table


# The grid's columns as an executive reads them: the care rates first (the ghost-town rate with
# its interval and the requests it leaves out pending beside it, not tenth and off screen), the
# volumes after.
_FIRST_IN_TABLE = ("brand", "ghost_town_rate", "ghost_town_rate_wow", "ghost_town_ci_low", "ghost_town_ci_high",
                   "pending", "sla_rate", "sla_rate_wow", "km_median_minutes", "km_median_minutes_wow")
PENDING_HELP = ("Requests younger than the horizon H and unanswered when the week was evaluated: left "
                "out of the rates, which so lean towards the requests answered fast. The week's "
                "requests, all decided, would have a ghost-town rate between ignored / (answered + "
                "ignored + pending) and (ignored + pending) / (answered + ignored + pending); this "
                "snapshot keeps its figures.")


def kpi_table_order(table: pd.DataFrame) -> list[str]:
    """kpi_table's columns in the order the Weekly grid shows them."""
    first = [c for c in _FIRST_IN_TABLE if c in table]
    return first + [c for c in table.columns if c not in first]


KM_NOT_REACHED = formatting.KM_NOT_REACHED


def km_not_reached(row) -> bool:
    """formatting.km_not_reached of a brand's snapshot row."""
    return formatting.km_not_reached(row.get("km_median_minutes"), row.get("requests"))


def km_not_reached_note(row, brand: str) -> str:
    """Why a brand's KM median is 'not reached', and why that can sit beside a response rate
    over half: the rates leave the pending requests out, the median counts them as waiting (a
    persona review read 'under half answered' beside 57% answered as a contradiction)."""
    requests = int(row["requests"])
    note = formatting.km_not_reached_said(f"{brand}'s {counted(requests, 'request')} this week", "its end", requests)
    # beside no answer at all the 'most decided answered' case reads as a contradiction (a user review)
    if (pending := int(row.get("pending") or 0)) and int(row.get("answered") or 0):
        note += (f" The rates leave the {counted(pending, 'pending request')} out; this median counts "
                 f"{'it' if pending == 1 else 'them'} as still waiting, so it can be {KM_NOT_REACHED} "
                 "while most decided requests were answered.")
    return note


def kpi_value(row, column: str, kind: str) -> str:
    """One KPI of a brand's snapshot row as shown: format_value, except a KM median not
    reached ('not reached'; '–' stays for no requests at all)."""
    if column == "km_median_minutes":
        return formatting.format_km_median(row.get(column), row.get("requests"))
    if column == "deleted_comments" and pd.isna(row.get(column)):
        return NOT_CHECKED  # no complete exports to compare (etl.snapshot._deletions_checked): not 0
    return format_value(row.get(column), kind)


def delta_style(column: str, shown: str | None, chance: bool = False) -> dict:
    """formatting.delta_style of a KPI's shown change, in the colour DELTA_COLORS gives it
    (grey where chance may explain it: rate_may_be_chance)."""
    return formatting.delta_style(shown, DELTA_COLORS[column], chance)


def rate_may_be_chance(row, column: str) -> bool:
    """Whether chance may explain a rate's change from the week before (care_stats.may_be_chance
    at the two weeks' counts of RATE_TRIALS): a brand's week holds few requests, and 8 -> 10
    ignored of 40 read as 'worse'. False for other KPIs, or without the week before's counts (a
    week stored before they were kept that its recomputation did not reproduce: with_reproduced_counts)."""
    if column not in RATE_TRIALS:
        return False
    now, change = row.get(column), row.get(f"{column}_wow")
    trials = [row.get(name + when) for when in ("", "_before") for name in RATE_TRIALS[column][0]]
    if any(value is None or pd.isna(value) for value in (now, change, *trials)):
        return False
    half = len(trials) // 2
    weigh = net_change_may_be_chance if column == "net_sentiment" else rate_change_may_be_chance
    return weigh(now, int(sum(trials[:half])), now - change, int(sum(trials[half:])))


def km_change(row) -> str | None:
    """What the KM median was ('was 1,106 min', 'was not reached') where one of the two weeks'
    medians is 'not reached' and the other a number: no number to subtract, so its delta is empty,
    and a brand gone from 1,106 min to under half answered read as unchanged (a review). None
    otherwise (both numbers, both not reached, or the week before unknown). No verdict: the
    median's change is not weighed (km_delta_style)."""
    before_minutes, before_requests = row.get("km_median_minutes_before"), row.get("requests_before")
    before_not_reached = formatting.km_not_reached(before_minutes, before_requests)
    if km_not_reached(row) and not before_not_reached and pd.notna(before_minutes):
        return f"was {format_value(before_minutes, 'minutes')}"
    if before_not_reached and pd.notna(row.get("km_median_minutes")):
        return f"was {KM_NOT_REACHED}"
    return None


def counted_days(rows: pd.DataFrame) -> str | None:
    """How much of its week the rows of a week the data ends inside are of ('6.0 of 7 days', as
    snapshot.part_week_note counts it), None for a closed week or one covered to within
    snapshot.FULL_WEEK: their counts' changes compare that part with the whole week before."""
    if rows.empty or week_closed(rows):
        return None
    monday = snapshot.parse_week(rows["week"].iloc[0])
    covered = snapshot.part_covered(monday, monday, pd.Timestamp(rows["as_of"].max()).to_pydatetime())
    return None if covered is None else f"{snapshot.covered_time(covered)} of 7 days"


def part_week_style(delta: str | None, style: dict, kind: str, days: str | None) -> dict:
    """card_delta's style, with a count's change in a week the data ends inside saying of how
    much of it (counted_days): a Saturday's '190, +39' against a whole week before read as growth
    (a user review), grey: part of a week against a whole one is neither better nor worse (deleted
    comments read 'worse' in red). The rates are shares, not sums over the days: they stay as they are."""
    if days is None or kind != "count" or delta is None:
        return style
    return style | {"delta_color": "off", "delta_description": days}


# A count's change where the brand had no row the week before (_was_absent): from 0, no verdict
FROM_NO_ROW = "from no row the week before"


def card_delta(row, column: str, kind: str) -> tuple[str | None, dict]:
    """A KPI card's change as shown and st.metric's style for it (delta_style; for a KM median,
    km_change where it went to or from 'not reached', and km_delta_style: not weighed, so no verdict)."""
    if column == "km_median_minutes":
        shown = km_change(row) or formatting.format_delta(row.get(f"{column}_wow"), kind)
        return shown, km_delta_style(shown)
    shown = formatting.format_delta(row.get(f"{column}_wow"), kind)
    if kind == "count" and shown and _was_absent(row):  # '+1' on a card set against a week never shown
        return shown, {"delta_color": "off", "delta_description": FROM_NO_ROW}
    return shown, delta_style(column, shown, rate_may_be_chance(row, column))
