"""The Weekly Snapshot's per-brand KPI cards: each KPI as shown and its week-over-week change with
its verdict (better, worse, may be chance, not weighed), the line over a brand's cards saying those
changes, the basis of its rates under them, and the KPI grid of every brand."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from etl import snapshot
from etl.care_stats import net_change_may_be_chance, rate_change_may_be_chance

from . import care, formatting, safe
from .audit_rules import NOT_CHECKED
from .formatting import MAY_BE_CHANCE, NOT_WEIGHED, RATE_TRIALS, counted, format_value, km_delta_style, listed
from .weekly import DEFINITIONS, KPIS, pending_moment, pending_when, week_closed, week_dates, week_title


# How a rise of each KPI reads, as st.metric's delta_color: "normal" good (green up),
# "inverse" bad (red up), "off" neither (volumes: more mentions or requests is no verdict).
DELTA_COLORS = {"mentions": "off", "requests": "off", "complaint_share": "inverse",
                "net_sentiment": "normal", "ghost_town_rate": "inverse", "sla_rate": "normal",
                "km_median_minutes": "inverse", "deflection_rate": "inverse",
                "deleted_comments": "inverse"}


def card_help(label: str) -> str:
    """A KPI card's hover help: its definition (DEFINITIONS names it as the card does, in
    lower case but for 'SLA rate' and 'KM median response'), as Overview's cards have one."""
    [definition] = DEFINITIONS.loc[DEFINITIONS["metric"].str.lower() == label.lower(), "definition"]
    weighed = {shown: RATE_TRIALS[column][1] for column, shown, _ in KPIS if column in RATE_TRIALS}
    return definition + (formatting.chance_help(weighed[label]) if label in weighed else "")


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
    whose page never showed the brand (a user review), and '+90' read as growth (another)."""
    return (f"The brand has no data in {before}, no customer mention in its UTC days, though its data starts "
            "earlier: no change is shown, there is nothing to set this week against.")


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
    shown = changed and not _was_absent(row)  # an absent brand's counts show no change (card_delta)
    return f" This week's counts cover {days}, against all 7 of the week before." if days and shown else ""


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
            said.setdefault(word, []).append(f"{in_sentence(label)} ({shown})")
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


def card_basis(row, rows: pd.DataFrame) -> str:
    """care.rates_basis of a brand's snapshot row, under its cards, with the ghost-town rate should
    none of its pending requests be answered where enough are pending to note; or why it has no rates."""
    outcomes = {name: int(row[name]) for name in ("answered", "ignored", "pending")}
    interval = (row["ghost_town_ci_low"], row["ghost_town_ci_high"])
    if basis := care.rates_basis(outcomes, row["ghost_town_rate"], interval, pending_at=f" {pending_when(rows)}"):
        # how far the pending ones can move the rate, in the Overview's words, where the page says
        # it may flatter (weekly_notes.pending_headline): 'may flatter' alone gave the reader no bound (a user review)
        return basis + (f" {care.worst_case(outcomes)}" if care.notable_pending(outcomes) else "")
    requests = int(row["requests"])
    if not requests:
        return "No care requests this week, so no ghost-town rate, SLA rate or response time."
    which = "the week's one request was not" if requests == 1 else f"none of the week's {requests:,} requests was"
    return f"No ghost-town or SLA rate: {which} decided (answered within H, or ignored) by {pending_moment(rows)}."


def in_sentence(label: str) -> str:
    """A card's label inside a sentence: 'ghost-town rate', but 'SLA rate' and 'KM median response'."""
    return label if label.split()[0].isupper() else label.lower()


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
    week stored before they were kept that its recomputation did not reproduce: weekly.with_reproduced_counts)."""
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
    if days is None or kind != "count" or delta is None or delta == NO_DATA_BEFORE:
        return style
    return style | {"delta_color": "off", "delta_description": days}


# A count's card where the brand had no row the week before though its data starts earlier
# (_was_absent), in place of a change: '+90' from an empty week read as growth (a user review), as a
# brand's first week shows none. The one-pager prints it on two lines (weekly_figures._kpi_cell).
NO_DATA_BEFORE = "no data the week before"


def card_delta(row, column: str, kind: str) -> tuple[str | None, dict]:
    """A KPI card's change as shown and st.metric's style for it (delta_style; for a KM median,
    km_change where it went to or from 'not reached', and km_delta_style: not weighed, so no verdict)."""
    if column == "km_median_minutes":
        shown = km_change(row) or formatting.format_delta(row.get(f"{column}_wow"), kind)
        return shown, km_delta_style(shown)
    shown = formatting.format_delta(row.get(f"{column}_wow"), kind)
    if kind == "count" and shown and _was_absent(row):  # '+1' on a card set against a week never shown
        return NO_DATA_BEFORE, {"delta_color": "off", "delta_arrow": "off"}
    return shown, delta_style(column, shown, rate_may_be_chance(row, column))
