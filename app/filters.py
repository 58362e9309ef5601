"""The shared sidebar filters, kept in the URL query string so a view can be bookmarked.

The shell draws them once per run, before the page; pages read them with current().
The first run of a session takes its values from the URL; after that the widgets rule and
the URL is rewritten to match them on every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from etl import word_of_mouth, zones
from etl.care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES

from . import db
from .formatting import (counted, dated_stem, day_text, listed, local_date, local_time, page_label,
                         page_platforms)
from .safe import markdown_text, visible

_KEYS = {"brands": "brand", "platforms": "platform", "pages": "page"}  # state key -> URL key
_SEEDED = "filters_seeded"
_URL_NOTES = "filters_url_notes"
_CURRENT = "filters_current"
_BOUNDS = "filters_date_bounds"  # the (first, last) days the date filter was last drawn with
_RECENT_DAYS = "filters_recent_days"  # the days of a 'Last N days' choice, while the dates are its
_DATES_MOVED = "filters_dates_moved"  # the dates the user chose, while _follow_bounds has moved them
_LINK = "filters_link"  # (_Link, generation): the link the session opened with, and the database it was read against
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
                "America/Los_Angeles", "Asia/Singapore", "Australia/Sydney")


@dataclass(frozen=True)
class Filters:
    """What every page's queries are restricted to. Empty tuples mean 'all'."""

    brands: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None   # inclusive
    tz: str = "UTC"

    def window(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) as UTC instants: the chosen days in the chosen time zone."""
        zone = ZoneInfo(self.tz)
        start = datetime.combine(self.start, time(), zone) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time(), zone) if self.end else None
        return start, end

    def as_of(self, newest) -> datetime | None:
        """The moment the window's care numbers are evaluated at, in UTC: its end's last
        microsecond (nothing of the next day counts), or the newest mention if that is
        earlier (a later moment would age pending requests into ignored ones with no data to
        show it); the newest mention when the window is open-ended. Every page takes this
        moment, as the weekly snapshot does for a closed week, so a range shows one set of
        numbers everywhere."""
        _, end = self.window()
        last = None if end is None else end - timedelta(microseconds=1)
        if newest is not None and not pd.isna(newest):
            newest = pd.Timestamp(newest).to_pydatetime()
            last = newest if last is None or last > newest else last
        return None if last is None else last.astimezone(timezone.utc)

    def file_stem(self, what: str, as_of) -> str:
        """A download's name as the audit's files are named (formatting.dated_stem): what, the
        sidebar's brands, platforms and pages if any, and the chosen dates, the first (if any) and
        the as-of one, in the chosen zone; two exports of other scopes or dates were both
        'care_queue.csv' (a review)."""
        names = [*sorted(self.brands), *sorted(self.platforms), *sorted(self.pages)]
        return dated_stem(what, names, self.window()[0], as_of, self.tz)

    def spans_all_dates(self, bounds: tuple[date, date] | None) -> bool:
        """Whether the chosen dates run over every day with data (bounds: date_bounds; None when
        there is none), open ends included: then the date filter narrows nothing."""
        return bounds is not None and (self.start is None or self.start <= bounds[0]) and (
            self.end is None or self.end >= bounds[1])

    def empty_note(self, bounds: tuple[date, date] | None, what: str = "customer mentions") -> str:
        """What to change when the selection holds none of `what`: the sidebar filters that
        are set, and the dates unless they already run over all the data (bounds: its first
        and last day, date_bounds), where widening them cannot help."""
        whole = self.spans_all_dates(bounds)
        chosen = [name for name, values in (("brands", self.brands), ("platforms", self.platforms),
                                            ("pages", self.pages)) if values]
        if not chosen:
            return (f"No {what} at all. Load data on the Data page." if whole else
                    f"No {what} in the chosen dates. Widen the dates in the sidebar, or load "
                    "data on the Data page.")
        named = listed(chosen, "or")
        if whole:
            return f"No {what} in this selection at any date. Clear the {named} filter in the sidebar."
        return f"No {what} in this selection. Widen the dates or clear the {named} filter in the sidebar."

    def params(self) -> dict:
        """Bound parameters for the filter clause every app SQL file shares: an empty list
        selects all, (len($brands) = 0 OR list_contains($brands, brand)), likewise platforms
        and pages; a NULL bound is open, ($start_at IS NULL OR created_at >= $start_at) AND
        ($end_at IS NULL OR created_at < $end_at), on each file's own time column."""
        start, end = self.window()
        return {"brands": list(self.brands), "platforms": list(self.platforms),
                "pages": list(self.pages), "start_at": start, "end_at": end}

    def previous(self) -> Filters:
        """The same filters over the period of equal length just before this one."""
        if not (self.start and self.end):
            return self
        days = (self.end - self.start).days + 1
        return replace(self, start=self.start - timedelta(days=days),
                       end=self.start - timedelta(days=1))


@dataclass(frozen=True)
class Comparison:
    """The period the chosen dates are compared with (None: no changes to show), and the
    sentence that says which, or why none."""

    previous: Filters | None
    note: str

    def said(self, before_mentions: int) -> str:
        """The sentence under the changes: `note`, or, when the period compared with has no mentions
        (before_mentions 0: a gap in the data), why no changes show, as there is nothing to change from."""
        if self.previous is None or before_mentions:
            return self.note
        return (f"No changes shown: the period before ({self.previous.start} to {self.previous.end}) "
                "has no mentions in the selection.")


# A day (or week) of data short of its whole time by less than this counts as whole: a first
# day whose first mention comes later is a part of a day, and a period starting on it holds a
# sliver (Los Angeles, data from 17:32: 15 mentions against a usual 158, compared as a +136
# change); so is a last day whose newest mention comes earlier (trends.part_bucket_note too).
WHOLE_DAY_SLACK = pd.Timedelta(hours=1)


def comparison(chosen: Filters) -> Comparison:
    """The period of equal length just before the chosen dates, when the selection's data
    covers all of it. One that reaches back before the selection's first whole day of data
    holds a sliver of a period: its change (+36,531 mentions against one day's 125) is no
    change. Only the start is checked: a period over a gap in the data (a month not loaded)
    compares, and says nothing of it; one wholly in a gap has no mentions (Comparison.said).
    Chosen dates that end on a part of a day (the data's last) still compare, and say so."""
    previous = chosen.previous()
    if previous == chosen:
        return Comparison(None, "No changes shown: the dates are open, so there is no period "
                                "before them to compare with.")
    days = counted((chosen.end - chosen.start).days + 1, "day")
    span = data_span(chosen)
    if span is None:
        return Comparison(None, "No changes shown: the selection has no mentions.")
    first, last = span
    whole_from = first.date() + timedelta(
        days=0 if first - day_start(first.date(), chosen.tz) < WHOLE_DAY_SLACK else 1)
    if previous.start < whole_from:
        where = "before the data" if previous.end < first.date() else "not all in the data"
        return Comparison(None, f"No changes shown: the {days} before the chosen dates "
                                f"({previous.start} to {previous.end}) are {where}, which starts on "
                                f"{first:%Y-%m-%d %H:%M} ({chosen.tz}). Choose later dates to compare "
                                "with the period before.")
    part = ""
    if chosen.end > last.date():  # a brand whose data stops before another's newest day
        part = (f" The selection's data ends on {last:%Y-%m-%d %H:%M} ({chosen.tz}), before the chosen dates' "
                f"last day, {chosen.end}: its changes weigh part of the period against a whole one.")
    elif (chosen.end == last.date() and (loaded := max(last, _newest_loaded(chosen.tz))).date() == last.date()
          and _part_day(loaded, chosen.tz)):
        # the data's end, not the selection's newest mention: a brand quiet from 22:51 read 'has data
        # until 22:51 only' where the data ran to 23:54 (a review). The cost: a brand whose own export
        # stopped mid-day, beside another's that ran on, is not told apart from a quiet one
        part = (f" The chosen dates' last day, {last.date()}, has data until {loaded:%H:%M} ({chosen.tz}) only: "
                "its changes weigh part of a day against a whole one.")
    return Comparison(previous, f"Changes compare with {previous.start} to {previous.end}, the "
                                f"{days} just before the chosen dates.{part}")


def _part_day(moment: pd.Timestamp, tz: str) -> bool:
    """Whether the data ending at `moment` leaves more than WHOLE_DAY_SLACK of its day unseen."""
    return day_start(moment.date() + timedelta(days=1), tz) - moment > WHOLE_DAY_SLACK


def _newest_loaded(tz: str) -> pd.Timestamp:
    """The newest mention of every brand, platform and page (in zone tz): where the data ends."""
    return local_time(options()["last_at"].max(), tz)


def day_start(day: date, tz: str) -> pd.Timestamp:
    """The first instant of `day` in zone tz. Where the clocks skip midnight (America/Santiago,
    Asia/Beirut on their spring-forward days) it is the instant they jump, as zoneinfo reads the
    missing 00:00; pandas' normalize() raises there. Days are not all 24 hours long: the end of
    a day is the next one's start, not its start plus 24 hours (a 25-hour day lost an hour)."""
    return pd.Timestamp(datetime.combine(day, time(), ZoneInfo(tz)))


def data_span(chosen: Filters) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and newest mention (in the chosen zone) of the selection's brands, platforms
    and pages."""
    rows = _scope(options(), chosen.brands, chosen.platforms)
    if chosen.pages:
        rows = rows[rows["page"].isin(chosen.pages)]
    first, last = rows["first_at"].min(), rows["last_at"].max()
    if pd.isna(first):
        return None
    return local_time(first, chosen.tz), local_time(last, chosen.tz)


@db.cached
def options(cur) -> pd.DataFrame:
    return cur.execute(db.sql_text("filter_options")).df()


def labelled_pages(pages) -> list:
    """Pages as a reader knows them (formatting.page_label: 'Facebook page 1047...', not a bare
    number), each page's platform from the filter options."""
    choices = options()
    platform_of = dict(zip(choices["page"], choices["platform"]))
    return [page_label(page, platform_of.get(page)) for page in pages]


@db.cached
def brand_timezones(cur) -> dict[str, str]:
    frame = cur.execute(db.sql_text("brand_timezones")).df()
    return dict(zip(frame["brand"], frame["timezone"]))


def _zones() -> list[str]:
    """The time zones offered: UTC, the common ones and the brands' first, then every other
    zone (a user in Kolkata found theirs neither offered nor kept from a link)."""
    known = zones.known_zones()  # read the zone database once, not once per zone
    first = sorted({z for z in (*COMMON_ZONES, *brand_timezones().values()) if z in known or z == "UTC"},
                   key=lambda z: (z != "UTC", z))
    return first + sorted(known - set(first))


def current() -> Filters:
    """The filters drawn in the sidebar on this run (all data if the sidebar has not run)."""
    return st.session_state.get(_CURRENT, Filters())


@dataclass(frozen=True)
class _Link:
    """The query string a session opened with (Streamlit rewrites the URL on every run), to
    read again against a newer database while its notes stand (_link_outdated)."""

    values: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, params) -> _Link:
        return cls(tuple((key, tuple(params.get_all(key))) for key in params.keys()))

    def get_all(self, key: str) -> list[str]:
        return next((list(values) for name, values in self.values if name == key), [])

    def get(self, key: str) -> str | None:
        """The key's last value, as st.query_params.get gives it."""
        return (self.get_all(key) or [None])[-1]


def _link_outdated() -> bool:
    """Whether the link's notes (what it asked for that the database lacked) stand, the user
    having changed no filter since, and a load has published another database since it was
    read: those notes may now be false, and what it asked for there."""
    kept = st.session_state.get(_LINK)
    return bool(st.session_state.get(_URL_NOTES)) and kept is not None and kept[1] != _generation_now()


def _generation_now():
    return db.generation(db.database_path())


def _seed_from_url(choices: pd.DataFrame, zones: list[str], params: _Link) -> None:
    """The filters a link asks for, as far as the database has them, and notes on the rest;
    the assumptions are seeded apart (_seed_assumptions), once."""
    asked_tz = params.get("tz")
    st.session_state["filter_tz"] = tz = asked_tz if asked_tz in zones else "UTC"
    first, last = _date_bounds(choices, tz)  # the link's dates are days in the link's zone
    allowed = {"brands": set(choices["brand"]), "platforms": set(choices["platform"]),
               "pages": set(choices["page"])}
    notes = []  # what of the link could not be shown as asked: said, not silently changed
    if asked_tz and tz != asked_tz:
        notes.append(f"The link's time zone {asked_tz!r} is not one this app knows (names are like "
                     "Asia/Kolkata); UTC is shown.")
    for key, url_key in _KEYS.items():
        asked = params.get_all(url_key)
        st.session_state[f"filter_{key}"] = [v for v in asked if v in allowed[key]]
        missing = [v for v in asked if v not in allowed[key]]
        if missing:
            notes.append(f"The link's {key} {', '.join(map(repr, missing))} are not in this "
                         "database; they are left out.")
    # in the database but not of the brands (pages: nor platforms) the link names: the sidebar
    # does not offer them, so it would drop them unsaid
    for key, column, of_what in (("platforms", "platform", "brands"), ("pages", "page", "brands and platforms")):
        scope = _scope(choices, st.session_state["filter_brands"],
                       st.session_state["filter_platforms"] if key == "pages" else [])
        offered = set(scope[column])
        chosen = st.session_state[f"filter_{key}"]
        st.session_state[f"filter_{key}"] = [v for v in chosen if v in offered]
        if unoffered := [v for v in chosen if v not in offered]:
            notes.append(f"The link's {key} {', '.join(map(repr, unoffered))} are not of the {of_what} "
                         "it names; they are left out.")
    start, end = _url_date(params.get("from"), first), _url_date(params.get("to"), last)
    shown = (max(first, min(start, last)), min(last, max(end, first)))
    shown = (min(shown), max(shown))
    unread = [t for t in (params.get("from"), params.get("to")) if t and _url_date(t, None) is None]
    if (start, end) != shown or unread:
        asked = f"{params.get('from') or first} to {params.get('to') or last}"
        notes.append(f"The link asked for the dates {asked}; the data runs from {first} to {last}"
                     + (" (dates are YYYY-MM-DD)" if unread else "") + f", so {shown[0]} to {shown[1]} is shown.")
    st.session_state["filter_dates"] = shown
    st.session_state[_URL_NOTES] = notes
    st.session_state[_LINK] = (params, _generation_now())
    st.session_state[_SEEDED] = True


def _seed_assumptions(params: _Link) -> None:
    for field in ASSUMPTION_FIELDS:
        st.session_state[field.key] = field.from_url(params.get(field.url_key))


def _forget_url_notes() -> None:
    st.session_state.pop(_URL_NOTES, None)


def _dates_picked() -> None:
    """The user's own dates, from the widget: no link's note to show again, and no preset's
    days to roll on with the data (choose_recent_days)."""
    _forget_url_notes()
    st.session_state.pop(_RECENT_DAYS, None)
    st.session_state.pop(_DATES_MOVED, None)


def _url_date(text: str | None, default: date | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


# Keys a page keeps in the link itself (the Weekly page's week and brand, the Trends page's
# buckets and view and its spike's resolution, sensitivity and label, the audited brand and
# page, a page's section, the Amplification page's cascade): the sidebar leaves them
# be. Streamlit empties the link when the user moves to another page, so one page's keys
# never reach another.
PAGE_URL_KEYS = ("week", "grain", "view", "section", "focus", "cascade", "audited", "audited_page", "res", "k",
                 "spike")


def from_link(url_key: str, state_key: str, options, fallback: str) -> str | None:
    """Open a page's picker on the link's choice (?view=Spikes): put in its state when the
    session has none for it yet, so a bookmark opens on what it was made on; a state not among
    the options (none yet, or the options changed) becomes `fallback`. Returns what the link
    asked for, offered or not."""
    asked = take_link(url_key, state_key, options)
    if st.session_state.get(state_key) not in options:
        st.session_state[state_key] = fallback
    return asked


def take_link(url_key: str, state_key: str, options, read=lambda value: value) -> str | None:
    """Put the link's choice (read: as the widget holds it) in the state when the session has
    none for it yet and it is among the options; returns what the link asked for."""
    asked = st.query_params.get(url_key)
    if state_key not in st.session_state and asked in options:
        st.session_state[state_key] = read(asked)
    return asked


def to_link(url_key: str, value: str, default: str) -> None:
    """Write a page's choice into the link, or take it out when it is the default (which the
    page opens on anyway: links stay short)."""
    if value != default:
        st.query_params[url_key] = value
    elif url_key in st.query_params:
        del st.query_params[url_key]


def _write_url(chosen: Filters, first: date, last: date) -> None:
    wanted = {url_key: list(getattr(chosen, key)) for key, url_key in _KEYS.items()}
    wanted |= {key: st.query_params.get(key) for key in PAGE_URL_KEYS if key in st.query_params}
    if chosen.start and chosen.start != first:
        wanted["from"] = chosen.start.isoformat()
    if chosen.end and chosen.end != last:
        wanted["to"] = chosen.end.isoformat()
    if chosen.tz != "UTC":
        wanted["tz"] = chosen.tz
    for field in ASSUMPTION_FIELDS:  # drawn after the filters, but their state is set by now
        value = st.session_state.get(field.key, field.default)
        if value is not None and value != field.default:
            wanted[field.url_key] = f"{value:g}"
    wanted = {k: v for k, v in wanted.items() if v}
    current_url = {k: (st.query_params.get_all(k) if k in _KEYS.values() else st.query_params.get(k))
                   for k in st.query_params.keys()}
    if current_url != wanted:
        st.query_params.from_dict(wanted)


def sidebar() -> Filters:
    """Draw the shared filters in the sidebar and return what they select."""
    choices = options()
    if choices.empty:
        chosen = Filters()
        st.session_state[_CURRENT] = chosen
        return chosen
    zones = _zones()
    _seed_state(choices, zones)
    # The zone is drawn below the dates, but the state holds the zone chosen: the dates offered
    # are the local days of the data in it.
    first, last = _date_bounds(choices, st.session_state.get("filter_tz", "UTC"))
    _follow_bounds(first, last)
    brands, platforms, pages, picked, tz = _filter_widgets(choices, zones, first, last)
    start, end = (picked + (picked[0],))[:2] if isinstance(picked, tuple) and picked else (first, last)
    chosen = Filters(tuple(brands), tuple(platforms), tuple(pages), start, end, tz)
    st.session_state[_CURRENT] = chosen
    _write_url(chosen, first, last)
    return chosen


def _seed_state(choices: pd.DataFrame, zones: list[str]) -> None:
    """The filters' state taken from the URL on a session's first run, and again where a link
    opened before a load now finds what it names."""
    if not st.session_state.get(_SEEDED):
        link = _Link.of(st.query_params)
        _seed_from_url(choices, zones, link)
        _seed_assumptions(link)
    elif _link_outdated():
        # a link opened before a load brought what it names: the old notes said the brand or
        # dates were missing after they came, and the dates followed the data past the link's end
        _seed_from_url(choices, zones, st.session_state[_LINK][0])
        st.session_state.pop(_BOUNDS, None)  # the link's dates, not the old bounds followed
        st.session_state.pop(_RECENT_DAYS, None)
        st.session_state.pop(_DATES_MOVED, None)


def _filter_widgets(choices: pd.DataFrame, zones: list[str], first: date, last: date) -> tuple:
    """The sidebar's filter widgets, drawn: the brands, platforms and pages chosen, the dates
    picked (one or two) and the zone."""
    with st.sidebar:
        st.header("Filters")
        for note in st.session_state.get(_URL_NOTES, []):  # until the user changes a filter
            st.warning(markdown_text(note), icon="🔗")
        brands = st.multiselect("Brands", brand_names(), key="filter_brands", format_func=visible,
                                on_change=_forget_url_notes, placeholder="All brands")
        # platforms narrow to the brands chosen, pages to both: a brand with a platform it is
        # not on selects nothing (user review)
        platforms = _narrowed_multiselect("Platforms", _named(_scope(choices, brands)["platform"]),
                                          "filter_platforms", placeholder="All platforms")
        pages_scope = _scope(choices, brands, platforms)
        pages = _narrowed_multiselect("Pages and handles", _named(pages_scope["page"]), "filter_pages",
                                      placeholder="All pages", format_func=_page_labeller(pages_scope))
        picked = st.date_input("Dates", key="filter_dates", on_change=_dates_picked,
                               min_value=first, max_value=last)
        if moved := st.session_state.get(_DATES_MOVED):
            st.caption(_moved_said(moved))
        tz = st.selectbox("Time zone", zones, key="filter_tz", on_change=_forget_url_notes,
                          help="Day boundaries of the date filter, of daily charts and of the Ghost Town's "
                               "weeks. Type to find a zone (Asia/Kolkata).")
    return brands, platforms, pages, picked, tz


def brand_on_platforms(brand: str, platforms) -> bool:
    """Whether brand has any mention on one of platforms."""
    choices = options()
    return bool(((choices["brand"] == brand) & choices["platform"].isin(list(platforms))).any())


def selected_brands(chosen: Filters) -> tuple[str, ...]:
    """The brands a selection covers: those chosen (none: every one), narrowed to the chosen
    platforms and pages (a page alone chosen is its brand's: a note about the brands in view
    named every brand in the data, a code review)."""
    scope = _scope(options(), list(chosen.brands), list(chosen.platforms))
    return tuple(_named(scope[scope["page"].isin(chosen.pages)]["brand"] if chosen.pages else scope["brand"]))


def brand_names() -> list[str]:
    """Every brand the filter offers, sorted (also the order brands' chart colours follow)."""
    return _named(options()["brand"])


def _scope(choices: pd.DataFrame, brands: list[str], platforms: list[str] = ()) -> pd.DataFrame:
    """The filter options of the chosen brands and platforms (none chosen: all): the platform
    filter offers those of the brands, the page filter those of both."""
    scope = choices[choices["brand"].isin(brands)] if brands else choices
    return scope[scope["platform"].isin(platforms)] if platforms else scope


def _narrowed_multiselect(label: str, offered: list[str], key: str, **options) -> list[str]:
    """A filter whose choices depend on another's: what is chosen and no longer offered is
    dropped before it is drawn (Streamlit refuses a default outside its options)."""
    st.session_state[key] = [value for value in st.session_state.get(key, []) if value in offered]
    return st.multiselect(label, offered, key=key, on_change=_forget_url_notes, **options)


def _page_labeller(in_scope: pd.DataFrame):
    """A page as the filter names it: a handle as it is, a page id after its brand and with
    its platform ('Tessaro Home · Facebook page 1047...'), since an id alone names no one; the
    brand first, as the sidebar cuts a long label's end."""
    platform_of = page_platforms(in_scope)  # the filter picks a page name on every platform in scope
    brands_of = in_scope.dropna(subset=["brand", "page"]).groupby("page")["brand"].agg(
        lambda brands: ", ".join(sorted(set(brands))))

    def label(page: str) -> str:
        named = page_label(page, platform_of.get(page))
        owner = brands_of.get(page)
        return visible(named if page.startswith("@") or not owner else f"{owner} · {named}")
    return label


def _named(values: pd.Series) -> list[str]:
    """The names a filter offers: mentions of no brand, or of a brand but no page (SPEC 3
    allows both), are in every unfiltered view but have no name to pick."""
    return sorted(values.dropna().unique())


def date_bounds(tz: str) -> tuple[date, date] | None:
    """The first and last day with mentions in zone tz (the date filter's range); None when
    there are none."""
    choices = options()
    return None if choices.empty else _date_bounds(choices, tz)


def _date_bounds(choices, tz: str) -> tuple[date, date]:
    """The first and last day with mentions in the time zone tz, the range the date filter
    offers: Filters.window() reads the chosen days in that zone, so days taken in UTC would
    leave out the local hours before the first UTC day or after the last one."""
    return local_date(choices["first_at"].min(), tz), local_date(choices["last_at"].max(), tz)


def _follow_bounds(first: date, last: date) -> None:
    """Keep the chosen dates within the bounds when they move (another time zone, new data):
    a range keeps its days, cut to the bounds, but an end on the data's first or last day moves
    with it (all dates stay all dates), as a link without from= or to= reads:
    a care agent's 'since Monday' stopped at the day the session opened, and a complaint loaded
    the next day never reached the queue (a review of a shift on Amplification Risk). A 'Last N
    days' choice (choose_recent_days) stays the last N days."""
    before = st.session_state.get(_BOUNDS)
    picked = st.session_state.get("filter_dates")
    picked = tuple(picked) if isinstance(picked, (tuple, list)) else picked
    if before is not None and before != (first, last) and isinstance(picked, tuple) and picked:
        kept = [max(first, min(day, last)) for day in picked]
        recent = st.session_state.get(_RECENT_DAYS)
        if len(picked) == 2 and recent is not None and picked[1] == before[1]:
            kept = [max(first, last - timedelta(days=recent - 1)), last]  # 'Last 7 days' stays seven
        elif len(picked) == 2:  # a range, not the first click of one
            kept = [first if picked[0] == before[0] else kept[0], last if picked[1] == before[1] else kept[1]]
        if recent is None and picked != before and tuple(kept) != picked:
            # the widget shows only the new dates: a range chosen as '1-30 Nov' that now reads
            # '1 Nov-1 Dec' says why, until the user picks dates again (all dates stay all dates)
            st.session_state[_DATES_MOVED] = st.session_state.get(_DATES_MOVED, picked)
        if st.session_state.get(_DATES_MOVED) == tuple(kept):  # moved back (the zone chosen before)
            st.session_state.pop(_DATES_MOVED)
        st.session_state["filter_dates"] = tuple(kept)
    st.session_state[_BOUNDS] = (first, last)


def _moved_said(chosen: tuple[date, ...]) -> str:
    """The note under dates _follow_bounds moved: what was chosen, and why it moved."""
    days = " to ".join(map(day_text, chosen))
    return (f"Chosen as {days}: an end on the data's first or last day moves with the data "
            "(a load, or another time zone).")


def choose_recent_days(days: int | None) -> None:
    """Set the sidebar dates to the `days` days ending on the newest mention's day in the chosen
    time zone (all dates with None). A button callback: it runs before the sidebar is drawn
    again."""
    choices = options()
    if choices.empty:
        return
    first, last = _date_bounds(choices, st.session_state.get("filter_tz", "UTC"))
    start = first if days is None else max(first, last - timedelta(days=days - 1))
    st.session_state["filter_dates"] = (start, last)
    st.session_state[_RECENT_DAYS] = days  # they roll on with new data (_follow_bounds)
    st.session_state.pop(_DATES_MOVED, None)
    _forget_url_notes()  # the user's dates now, as from the date widget: no link to read again


@dataclass(frozen=True)
class Assumptions:
    """The user-set inputs behind the numbers: shown wherever they are used."""

    horizon_hours: float = DEFAULT_HORIZON_HOURS
    sla_minutes: float = DEFAULT_SLA_MINUTES
    wom_multiplier: float = word_of_mouth.DEFAULT_MULTIPLIER
    customer_value: float | None = None


_ASSUMPTIONS = "assumptions_current"


@dataclass(frozen=True)
class AssumptionField:
    """One assumption input: its widget, its URL key (kept there when not the default, so a
    bookmarked view carries the assumptions its numbers rest on) and its bounds."""

    key: str
    url_key: str
    label: str
    low: float
    high: float | None
    default: float | None
    step: float
    help: str
    shown: str = "%g"  # 72 reads '72', not the box's default '72.00'; money keeps its cents
    # the box's value that means "not set" (the assumption None): a box with no value (None) was
    # cleared by Escape, which Streamlit gives such a box, as the sidebar's popover closed (a review)
    not_set: float | None = None

    def assumed(self, value: float | None) -> float | None:
        """The assumption a box's value sets: None for not_set (or no value)."""
        return None if value is None or value == self.not_set else float(value)

    def from_url(self, text: str | None) -> float | None:
        """The value a URL gives, or the default where it gives none or an invalid one."""
        try:
            value = float(text) if text is not None else None
        except ValueError:
            value = None
        # ('inf' is a float: a customer value of it made revenue at risk infinite)
        if value is None or not math.isfinite(value) or value < self.low or (
                self.high is not None and value > self.high):
            return self.default
        return value


ASSUMPTION_FIELDS = (
    AssumptionField("assume_horizon", "horizon", "Horizon H (hours)", 1.0, 24.0 * 60,
                    Assumptions.horizon_hours, 12.0, "A request with no brand response within H is ignored."),
    AssumptionField("assume_sla", "sla", "SLA (minutes)", 1.0, 24.0 * 60, Assumptions.sla_minutes, 15.0,
                    "Answered within this counts towards the SLA rate."),
    AssumptionField("assume_wom", "wom", "Word-of-mouth multiplier", 0.0, word_of_mouth.MAX_MULTIPLIER,
                    Assumptions.wom_multiplier,
                    0.5, "Assumption: customers turned away per unresolved negative experience, "
                         f"the default {word_of_mouth.DEFAULT_MULTIPLIER:g} after {word_of_mouth.SOURCE}."),
    # 0 is not set (no customer is worth nothing): an old link with value=0, a revenue at risk of 0, now sets none
    AssumptionField("assume_value", "value", "Customer value (optional)", 0.0, None, 0.0, 10.0,
                    "Assumption: your revenue per customer, in your currency; sets revenue at risk. "
                    "0: not set, no revenue figure.", "%.2f", not_set=0.0),
)


def assumptions() -> Assumptions:
    return st.session_state.get(_ASSUMPTIONS, Assumptions())


def assumption_inputs() -> Assumptions:
    """The assumption inputs, in a collapsed sidebar section under the filters; their values
    come from the URL on a session's first run (see _seed_from_url), as the filters' do."""
    values = []
    with st.sidebar.expander("Assumptions", icon=":material/tune:"):
        for field in ASSUMPTION_FIELDS:
            st.session_state.setdefault(field.key, field.default)  # a database with no mentions seeds nothing
            value = st.number_input(field.label, field.low, field.high, step=field.step, key=field.key,
                                    help=field.help, format=field.shown)
            values.append(field.assumed(value))
    chosen = _sla_within_horizon(Assumptions(*values))
    st.session_state[_ASSUMPTIONS] = chosen
    return chosen


def _sla_within_horizon(chosen: Assumptions) -> Assumptions:
    """A response later than H makes its request ignored, not answered, so no SLA longer
    than H can count one: the SLA rate is then of responses within H, and says so (its
    labels read the SLA from here)."""
    horizon_minutes = chosen.horizon_hours * 60.0
    if chosen.sla_minutes <= horizon_minutes:
        return chosen
    st.sidebar.warning(f"The SLA ({chosen.sla_minutes:g} min) is longer than the horizon H "
                       f"({horizon_minutes:g} min): a response after H leaves its request ignored, "
                       f"so the SLA rate counts responses within {horizon_minutes:g} min.")
    return replace(chosen, sla_minutes=horizon_minutes)
