"""The Weekly Snapshot's notes and status lines about the week, as text: its status and provenance,
the sidebar filters it ignores, the assumptions it is under, the pending requests its rates leave out,
brands absent, asked for or whose data ends early, deleted comments not checked, data loaded or
changed after it was stored, and older metric definitions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from etl import snapshot
from etl.care_definitions import METRIC_VERSION, VERSION_CHANGES

from . import care, db, filters, formatting, safe
from .audit_rules import not_checked_said
from .formatting import counted, listed
from .weekly import (KPIS, SLA_MINUTES, brand_first_at, brand_last_at, data_end, pending_when, week_closed,
                     week_of_dates, week_running)
from .weekly_cards import in_sentence, kpi_value


part_week_note = snapshot.part_week_note  # the command line says it too


def ignored_filters(chosen, bounds: tuple | None, week: str | None = None) -> list[str]:
    """The sidebar's filters set that the snapshot does not apply (one ISO week per brand over
    all platforms), in the sidebar's order; `chosen` is filters.Filters, `bounds` the first and
    last day the date filter offers (filters.date_bounds): dates narrower than them are set,
    unless they are the days of `week`, the week shown (week_of_dates), in UTC: in another zone
    they are that zone's days, not the week's UTC ones."""
    ignored = [name for name, values in (("platform", chosen.platforms), ("page", chosen.pages)) if values]
    if bounds is not None and not chosen.spans_all_dates(bounds) and (
            week is None or chosen.tz != "UTC" or week_of_dates(chosen.start, chosen.end) != week):
        ignored.append("date")
    return ignored


def ignored_filters_note(ignored: list[str]) -> str | None:
    """One line saying which of the sidebar's filters do not apply here (None when none is set):
    another page with the same link shows other numbers, or none."""
    if not ignored:
        return None
    verb = "filters do" if len(ignored) > 1 else "filter does"
    return (f"The sidebar's {listed(ignored)} {verb} not apply here: the snapshot is of the whole "
            "ISO week per brand, all platforms and pages.")


def assumptions_note(horizon_hours: float, stored: bool) -> str:
    """The assumptions the week's figures are under, as the other pages' captions print them
    (widgets.assumption_note), but with the SLA the snapshot fixes, not the sidebar's, and the
    horizon the figures were computed or stored with."""
    horizon = f"horizon H = {horizon_hours:g} h" + (", as stored with the snapshot" if stored else "")
    return (f"Assumptions: {horizon}; SLA = {SLA_MINUTES:g} min, the snapshot's fixed SLA."
            + ("" if stored else " Change the horizon under Assumptions in the sidebar."))


def store_command(week: str) -> str:
    """The operator's command that stores `week` (for the page's operator hint, never the export)."""
    return f"python -m etl snapshot --week {week}"


def provenance(rows: pd.DataFrame, stored: bool) -> str:
    """Whether the figures can still change, in the reader's terms (no operator instructions)."""
    if week_running(rows):
        return "week still running: figures will change"
    if not week_closed(rows):
        later = "later data is loaded and the week stored again" if stored else "later data is loaded"
        return f"the data ends {data_end(rows)}, inside the week: figures will change if {later}"
    if stored:
        others = _other_versions(rows, stored)
        return "stored snapshot: final" + (f", under other definitions: {listed(others)}" if others else "")
    return "computed from the data now, not stored: late data may still change it"


def _other_versions(rows: pd.DataFrame, stored: bool) -> list[str]:
    """The metric versions of stored rows other than the app's, oldest first."""
    if not stored or not len(rows):
        return []
    return sorted(set(rows["metric_version"]) - {METRIC_VERSION}, key=formatting.version_number)


def older_definitions_note(rows: pd.DataFrame, stored: bool) -> str | None:
    """For a snapshot stored under other metric definitions than the app's: which, and what
    changed since (or that a newer version stored it), since its figures keep the rules they
    were stored under."""
    others = _other_versions(rows, stored)
    if not others:
        return None
    restore = (f" For whoever runs the data loads: `{store_command(rows['week'].iloc[0])}` stores it "
               "again under the definitions shown.")
    current = formatting.version_number(METRIC_VERSION)
    if formatting.version_number(others[-1]) > current:
        return (f"Stored by a newer version of the product, under the metric definitions {listed(others)}; "
                f"this app's are {METRIC_VERSION}, so its figures may follow rules other than those shown."
                + restore)
    oldest = formatting.version_number(others[0])
    since = [f"{version}: {change}" for version, change in VERSION_CHANGES.items()
             if oldest < formatting.version_number(version) <= current]
    return (f"Stored under the metric definitions {listed(others)}, not this app's "
            f"{METRIC_VERSION}; its figures keep the older rules. Changed since: " + "; ".join(since)
            + "." + restore)


def status_line(rows: pd.DataFrame, stored: bool, now: datetime | None = None, arrived_since: bool = False,
                changed_since: bool = False) -> str:
    """The snapshot's status in one line, beside the week picker and above the cards: whether
    its figures can still change (the details and the operator's hint sit under the cards).
    arrived_since: data of the stored week came after it was stored (a brand's row added, or a
    page's mentions its rows leave out: added_late_note, loaded_after_note); 'final' alone read as
    if the week held all its data. changed_since: a newer export changed the week's data since
    (changed_since_note)."""
    if not week_closed(rows) and not week_running(rows, now):
        ended = f"the data ends {data_end(rows)}, inside this week"
        return (f"Stored snapshot: {ended}, so its figures cover the week up to then and change when "
                "later data is loaded and it is stored again." if stored else
                f"Computed from the data now, not stored: {ended}, so its figures cover the week up to "
                "then and will change if later data is loaded.")
    running = not week_closed(rows)  # and its end still to come
    if stored:
        if running:
            return "Stored snapshot of a week still running: its figures change when it is stored again."
        if arrived_since:
            return ("Stored snapshot: final; data of this week has arrived since it was stored (see the notes "
                    "under the cards).")
        # short: above the cards, beside the line of changes, the page keeps to 40 words
        return ("Stored snapshot: final, as reported; its data has changed since (see the notes under the cards)."
                if changed_since else "Stored snapshot: final.")
    return ("Computed from the data now, not stored: the week is still running, so its figures "
            "will change." if running else
            "Computed from the data now, not stored: late data may still change it.")


def pending_note(rows: pd.DataFrame, horizon_hours: float) -> str | None:
    """What pending requests do to the week's rates (Markdown), for the brands with a tenth
    or more of their requests pending at its end (care.PENDING_NOTE_SHARE), each named: most
    weeks, judged at their end, have their last H of requests pending, and a sum over every
    brand hid one brand's 39% under the others' 17%. None when no brand has that many."""
    flagged = care.notably_pending_brands(rows)
    if flagged.empty:
        return None
    period = "the week" if week_closed(rows) else "the week so far (its newest data)"
    if len(rows) == 1:
        outcomes = {name: int(rows[name].iloc[0]) for name in ("answered", "ignored", "pending")}
        return care.pending_note(outcomes, horizon_hours, period=period)
    return care.pending_brands(flagged) + " " + care.pending_why(horizon_hours, period, "their rates")


def pending_headline(rows: pd.DataFrame, shown: str | None = None) -> str | None:
    """pending_note in one line (Markdown), for under the cards of brand `shown`: which
    brands' rates flatter, that brand first and the others named as others (a line under
    one brand's cards naming three others read as if about it), the why being under the
    cards (pending_note). None when no brand has that many pending."""
    flagged = care.notably_pending_brands(rows)
    if flagged.empty:
        return None
    def named(frame):
        return ", ".join(f"{safe.markdown_text(row.brand)} {row.pending:,} of {row.total:,} ({row.share:.0%})"
                         for row in frame.itertuples())
    own, others = flagged[flagged["brand"] == shown], flagged[flagged["brand"] != shown]
    parts = ([named(own)] if len(own) else []) + (
        [("for other brands, " if shown is not None else "") + named(others)] if len(others) else [])
    return (f"Rates leave out the requests still pending {pending_when(rows)}, so they may flatter where many "
            f"are pending: {'; '.join(parts)}. Why: *About these figures*.")


def no_rows_note(week: str, brands: tuple[str, ...]) -> str:
    """Why a week has no brand's row: the snapshot counts customer mentions, so a week of only
    brand accounts' posts has none ('No mentions of the selected brands' was said of a week
    holding a brand's reply, with no brand selected)."""
    whose = "of the selected brands" if brands else "of any brand"
    return (f"No customer mentions {whose} in {week} (the snapshot is of mentions not written by a "
            "brand account).")


def focus_note(asked: str | None, shown: str, brands, week_brands) -> str | None:
    """Why the brand asked for (the link's ?focus=, which the page also writes on each choice
    in its Brand box) is not the one `shown` (Markdown); None when it is among `brands` or none
    was asked for. week_brands: those with a row this week, before the sidebar's Brands filter
    made `brands` of them. A brand chosen in the Brand box, then left out by that filter, was
    said to be 'the link's' with 'no row this week' (a user review)."""
    if not asked or asked in list(brands):
        return None
    if asked in list(week_brands):
        return (f"{safe.markdown_text(asked)} is not among the brands chosen in the sidebar's Brands "
                f"filter; showing {safe.markdown_text(shown)}.")
    return (f"The link's brand {safe.markdown_text(asked)} has no row this week; showing "
            f"{safe.markdown_text(shown)}.")


def absent_brand_said(brand: str, week: str, first_at, last_at, zone: str = "UTC", shown=safe.markdown_text) -> str:
    """Why `brand`, whose data runs from first_at to last_at (any author's mentions), has no row in
    `week` (Markdown): its data starts after or ends before the week, or it has none of its customer
    mentions in the week's UTC days, which for a brand in another zone are not its own Monday to Sunday.
    'No customer mentions of the selected brands in 2020-W53' was all a Pacific/Chatham brand with
    mentions the week before and after got: its Monday 00:15 is UTC's Sunday (a user review)."""
    monday = snapshot.parse_week(week)
    end = monday + timedelta(days=7)
    first, last = pd.Timestamp(first_at).tz_convert("UTC"), pd.Timestamp(last_at).tz_convert("UTC")
    name = shown(brand)
    if first >= end:
        return f"{name}'s data starts {first:%a %d %b %Y}, after {week}: it has no row this week."
    if last < monday:
        return f"{name}'s data ends {last:%a %d %b %Y}, before {week}: it has no row this week."
    said = (f"{name} has no customer mention in {week}'s UTC days ({monday:%a %d %b %Y} 00:00 to "
            f"{end:%a %d %b %Y} 00:00 UTC), though its data runs from {first:%a %d %b %Y} to {last:%a %d %b %Y}. "
            "Weeks are UTC for every brand")
    if zone == "UTC":
        return said + "."
    start_there, end_there = (formatting.local_time(moment, zone) for moment in (monday, end))
    return (said + f": on {name}'s clock ({shown(zone)}) {week} runs {start_there:%a %d %b %H:%M} to "
            f"{end_there:%a %d %b %H:%M}.")


def absent_brand_note(brand: str, week: str) -> str | None:
    """absent_brand_said of a brand with data (first and last mention: brand_first_at, brand_last_at;
    its time zone from the brands table); None for a name with no data at all."""
    first_at = brand_first_at(brand)
    if first_at is None:
        return None
    zone = filters.brand_timezones().get(brand) or "UTC"
    return absent_brand_said(brand, week, first_at, brand_last_at()[brand], zone)


def added_late_note(rows: pd.DataFrame, shown=safe.markdown_text) -> str | None:
    """Which brands' rows were added after the week was stored, and when (None when none was):
    the week read 'final' yet gained a brand (brand names as `shown`)."""
    late = snapshot.added_late(rows)
    if late.empty:
        return None
    added = listed([f"{shown(row.brand)} ({formatting.utc_minute(row.computed_at)})" for row in late.itertuples()])
    return (f"Added after this week was stored ({formatting.utc_minute(late['week_stored_at'].iloc[0])}), "
            f"when their data arrived: {added}. The rows stored before are unchanged.")


@db.cached
def loaded_after(cur, week: str) -> pd.DataFrame:
    """The mentions of a stored closed week that its brands' rows leave out (app/sql/weekly_loaded_after.sql):
    per brand, platform and page those loaded after the row was stored; per brand, with no platform,
    the customer mentions stored before but given the brand since."""
    if not snapshot.has_stored_weeks(cur):
        return pd.DataFrame(columns=["brand", "platform", "page", "mentions", "customer_mentions", "loaded_at"])
    return cur.execute(db.sql_text("weekly_loaded_after"), {"week": week, "version": METRIC_VERSION}).df()


def loaded_after_note(late: pd.DataFrame, brands, shown=safe.markdown_text) -> str | None:
    """loaded_after (of the brands shown) as sentences, None for none: a monthly Facebook export
    landing after the nightly Twitter loads stored the week gave its brand a page the stored row
    never counted, and the page said 'final' as if the week held it."""
    late = late[late["brand"].isin(list(brands))]
    loaded, given = late[late["platform"].notna()], late[late["platform"].isna()]
    sentences = []
    if len(loaded):
        sentences.append("Loaded after this week was stored, so not in its stored figures: "
                         f"{listed([_loaded(row, shown) for row in loaded.itertuples()])}.")
    if len(given):  # no load brought them: stored before without the brand (etl.attribute_stored)
        counts = [f"{counted(row.mentions, 'customer mention')} of {shown(row.brand)}" for row in given.itertuples()]
        sentences.append(f"Given their brand after this week was stored, so not in its stored figures: "
                         f"{listed(counts)}, stored before without it (a later export named it, or a brand's "
                         "reply to them).")
    if not sentences:
        return None
    return " ".join([*sentences, "The stored figures stay as they were; the other pages, computed from the data, "
                                 "count them."])


def _loaded(row, shown) -> str:
    return (f"{counted(row.mentions, 'mention')} of {shown(row.brand)} on {shown(row.platform)} "
            f"{shown(row.page or '(no page)')} "
            f"({row.customer_mentions:,} by customers, loaded by {formatting.utc_minute(row.loaded_at)})")


@db.cached
def changed_since(cur, week: str) -> pd.DataFrame:
    """The KPIs of a stored, final week whose figure as shown differs from the week computed now
    (snapshot.recomputed): brand, label, stored and now as shown, and the change (changed_since_note)."""
    records = []
    for row in snapshot.recomputed(cur, week).itertuples(index=False):
        row = row._asdict()
        for column, label, kind in KPIS:
            before, now = (_shown(row, column, kind, when) for when in ("", "_now"))
            if before != now:
                change = formatting.format_change(row[f"{column}_now"], row[column], kind)
                records.append((row["brand"], label, before, now, change))
    return pd.DataFrame(records, columns=["brand", "label", "stored", "now", "change"])


def _shown(row: dict, column: str, kind: str, when: str) -> str:
    """A KPI of snapshot.recomputed's row as the cards show it (kpi_value), stored (when='') or
    now ('_now')."""
    return kpi_value({name: row[name + when] for name in (column, "requests")}, column, kind)


def changed_since_note(changes: pd.DataFrame, brands, shown=safe.markdown_text) -> str | None:
    """changed_since (of the brands shown) as sentences, None for none: a newer export of the same
    history (a reply linked to its request, a comment since deleted, an author become a brand account)
    changed the week's data after it was stored, and the page read 'final' with no word of it."""
    changes = changes[changes["brand"].isin(list(brands))]
    if changes.empty:
        return None
    per_brand = [f"{shown(brand)}: " + ", ".join(
        f"{in_sentence(row.label)} {row.stored} → {row.now}"
        + (f" ({row.change})" if row.change else "") for row in group.itertuples())
        for brand, group in changes.groupby("brand", sort=True)]
    return ("The data of this week has changed since it was stored (a newer export of the same history, or "
            "a late load): computed from it now, " + "; ".join(per_brand) + ". The stored figures stay as "
            "reported; the other pages count the data as it is now.")


def arrived_since(rows: pd.DataFrame, late_note: str | None) -> bool:
    """Whether data of the stored week arrived after it was stored: a brand's row added
    (snapshot.added_late) or mentions its rows leave out (loaded_after_note gave late_note)."""
    return bool(late_note) or not snapshot.added_late(rows).empty


def brands_ending_early(rows: pd.DataFrame, last_at: dict) -> dict:
    """{brand: its newest mention} of the brands in a closed week's rows whose data (`last_at`,
    any author's, on any platform or page) ends before the week's end, to within as much as
    snapshot.part_week_note lets pass: their next export may hold the rest of their week."""
    if rows.empty or not week_closed(rows):
        return {}
    covered_to = snapshot.parse_week(rows["week"].iloc[0]) + snapshot.FULL_WEEK
    return {brand: last_at[brand] for brand in rows["brand"]
            if brand in last_at and pd.Timestamp(last_at[brand]) < covered_to}


def ending_early_note(ending: dict, stored: bool, shown=safe.markdown_text) -> str | None:
    """brands_ending_early as a sentence (None for none): a brand whose export stops inside
    the week (a monthly pull) has figures of part of it, beside others' of all of it."""
    if not ending:
        return None
    ends = listed([f"{shown(brand)} ({formatting.utc_minute(moment)})" for brand, moment in ending.items()])
    whose = "its figures" if len(ending) == 1 else "their figures"
    return (f"Data ending before this week's end: {ends}; {whose} may be of part of the week"
            + (", and stay as stored when the rest arrives." if stored else "."))


def pending_brief(rows: pd.DataFrame, shown=safe.plot_text) -> str | None:
    """pending_note in brief, for the one-pager's title (brand names as plot text: `shown`)."""
    flagged = care.notably_pending_brands(rows)
    if flagged.empty:
        return None
    shares = ", ".join(f"{shown(row.brand)} {row.share:.0%}" for row in flagged.itertuples())
    return f"Share of requests pending {pending_when(rows)}, left out of the rates (which may flatter): {shares}"


def deleted_not_checked_note(rows: pd.DataFrame, shown=safe.markdown_text) -> str | None:
    """Why the deleted comments of `rows`' brands whose snapshot holds none (NULL) say 'not checked';
    None when every brand's were checked (a row stored before they could be NULL has a count)."""
    if "deleted_comments" not in rows:
        return None
    unchecked = [shown(brand) for brand in rows.loc[rows["deleted_comments"].isna(), "brand"]]
    if not unchecked:
        return None
    return not_checked_said(f"Deleted comments of {listed(unchecked)}", snapshot.DELETED_SPAN) + "."
