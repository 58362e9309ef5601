"""Read side of the Trends page: volume, sentiment, complaint reasons, spikes and share of
voice over time, each bucketed in the chosen time zone, and the mentions behind any point.

Every query is cached per published database generation (db.cached); the plain functions
shape their results. SQL lives in app/sql/trends_*.sql with its parameters bound.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd

from etl import spikes, text
from etl.spread import COMPLETION_AGE

from . import busiest, db, risk, safe, slots
from .demo_links import made_up_ids
from .filters import WHOLE_DAY_SLACK, Filters
from .formatting import counted, day_text, distinct_slug, format_decimal, listed, local_time, round_half_up

GRAINS = {"Daily": "day", "Weekly": "week"}
GRAIN_WORDS = {grain: label.lower() for label, grain in GRAINS.items()}  # day -> daily
ISO_WEEK = "%G-W%V"  # a week as Ghost Town, Weekly and the CLI name it: 2020-W53
LONG_RANGE_DAYS = 92  # longer ranges open in weeks (default_grain)
STEP = {"day": timedelta(days=1), "week": timedelta(days=7)}
SPIKE_FREQS = {"Daily": "D", "Hourly": "h"}
BASELINE_WEEKS = spikes.BASELINE_WEEKS
DRILL_LIMIT = 500

# Net sentiment, defined once for the Overview card, the Trends chart and the weekly snapshot
# (app/sql/overview_volume.sql, trends_volume.sql and etl/snapshot.py compute it so).
NET_SENTIMENT_FORMULA = "(positive - negative) / (positive + negative)"
NET_SENTIMENT = (f"{NET_SENTIMENT_FORMULA} customer mentions, by the text scores' sentiment label; "
                 "neutral and unscored left out; shares included (a share carries the text it "
                 "shares, so passing on a complaint counts). -1 all negative, +1 all positive.")

# What the Trends card, the reasons chart and the Weekly complaint share count as complaints.
COMPLAINT_MENTIONS = ("Customer mentions the text scorer flags as a complaint, shares included (a share "
                      "carries the text it shares): so more than the customers complaining, and more than "
                      "the care requests that are complaints.")

DEFINITIONS = pd.DataFrame([
    ("volume", "Customer mentions: posts, comments, replies, shares and quotes not written by a "
               "brand account, attributed to a brand, in the filters."),
    ("net sentiment", NET_SENTIMENT),
    ("complaint mentions", COMPLAINT_MENTIONS + " The reason is the scorer's complaint_reason ('other' "
                           "when the text has no reason's cue, as the complaint definition says; "
                           "'unclassified' only where a score carries no reason)."),
    ("sentiment label", text.DEFINITIONS["sentiment label"]),
    ("complaint", text.DEFINITIONS["complaint"]),
    ("spike", spikes.DEFINITION),
    ("share of voice", "A brand's customer mentions over those of its comparison set in the same "
                       "bucket: the selected brands, plus (by industry) every brand of the same "
                       "industry in the brands table."),
    ("bucket", "A day or an ISO week (from Monday 00:00) in the chosen time zone."),
], columns=["metric", "definition"])


def part_bucket_note(filters: Filters, grain: str, span=None, of_rates: bool = False) -> str | None:
    """Say when the first or last bucket of the chosen dates holds only part of its time:
    the dates may cut a week, and the data's first and newest mentions (span, in the chosen
    zone; filters.data_span) cut a day or a week (in Los Angeles the demo starts at 17:32, so
    its first day held 15 mentions and its first week 5.3 days). Those buckets' counts dip
    for less time, not for fewer mentions a day. None when both end buckets are whole. of_rates:
    said of a chart of rates (Ghost Town's weekly rates), whose part buckets do not dip but are of
    fewer requests."""
    cut = _part_buckets(filters, grain, span)
    if cut is None:
        return None
    ends, parts = cut
    unit, whole = _BUCKET_UNITS[grain]
    named = [(which, _bucket_name(bucket, grain), _amount(held, unit)) for which, bucket, held in parts]
    if len(ends) == 1:
        return (f"Not a whole {grain}: the {named[0][1]} has only {named[0][2]} of its {whole} {unit} in the "
                f"chosen dates and the data, so {_part_effect(of_rates, 'its', grain)}.")
    cut = f"the {named[0][0]} ({named[0][1]}) has only {named[0][2]} of its {whole} {unit}"
    if len(named) == 2:
        cut += f" and the {named[1][0]} ({named[1][1]}) only {named[1][2]}"
    return (f"Not whole {grain}s: {cut} in the chosen dates and the data, so "
            f"{_part_effect(of_rates, 'their' if len(named) == 2 else 'its', grain, all_of_it=False)}.")


def _part_effect(of_rates: bool, whose: str, grain: str, all_of_it: bool = True) -> str:
    """What a part bucket does to what the chart draws: counts of less time, or rates of fewer requests."""
    if of_rates:
        unit = _BUCKET_UNITS[grain][0]
        return (f"{whose} rate{'s are' if whose == 'their' else ' is'} of the requests of those {unit} alone and "
                f"can differ from a whole {grain}'s with no change in care")
    if all_of_it:
        return "its counts are of less time"
    return f"{whose} counts dip for less time, not for fewer mentions a day"


_BUCKET_UNITS = {"week": ("days", 7), "day": ("hours", 24)}  # a bucket's time: its unit, how many


def _bucket_name(bucket: datetime, grain: str) -> str:
    return f"week of {day_text(bucket)}" if grain == "week" else day_text(bucket)


def _part_buckets(filters: Filters, grain: str, span=None) -> tuple[dict, list] | None:
    """(ends, parts) of part_bucket_note: the one or two end buckets the chart draws, and those
    of them holding less than their whole time less WHOLE_DAY_SLACK, as (which, bucket, held
    in the unit of _BUCKET_UNITS); None when the dates are open, there is no data in them, or
    no end bucket is cut."""
    if not (filters.start and filters.end):
        return None
    length, whole = STEP[grain], _BUCKET_UNITS[grain][1]
    lo = datetime.combine(filters.start, time())
    hi = datetime.combine(filters.end, time()) + timedelta(days=1)
    if span is not None:
        lo, hi = max(lo, span[0].tz_localize(None)), min(hi, span[1].tz_localize(None))
    if lo > hi:  # no data in the dates (data of one moment, lo == hi, is in them)
        return None
    # the first and last buckets the chart draws: those of the data's ends inside the dates, not
    # of the dates (a brand first heard at 00:08 on 1 Apr left 31 Mar with "-0.1 of its 24 hours")
    ends = dict.fromkeys([_bucket_start(lo.date(), grain),
                          _bucket_start(max(lo, hi - timedelta(microseconds=1)).date(), grain)])  # one, or two
    parts = [(which, bucket, held / (length / whole)) for which, bucket in zip(("first", "last"), ends)
             if (held := min(hi, bucket + length) - max(lo, bucket)) < length - WHOLE_DAY_SLACK]
    return (ends, parts) if parts else None


MOST_BRANDS_NAMED = 3  # brands whose data starts or ends inside a bucket, named one by one
# A brand's end bucket holding less than this share of its time is named: one line's dip of an
# hour or two (a brand's last mention at 22:51, the others' at 23:54) is lost in the day-to-day
# variation of its counts, and named for every brand of the demo it was noise (session 48)
BRAND_PART_SHARE = 0.75


def brand_part_buckets_note(filters: Filters, grain: str, brands, spans: pd.DataFrame, span=None) -> str | None:
    """Say which brands' lines start or end on a bucket that holds only part of their data's
    time where the selection's does not (part_bucket_note, of span, says the selection's): a
    brand whose export stops at noon, or at 00:59 on the chosen zone's clock, drew its last day
    as a fall to a twentieth of the days before, the other brands' data running on (session 48).
    brands: those the chart draws; spans: the filter options (first_at and last_at by brand,
    platform and page). None when every brand's end buckets hold BRAND_PART_SHARE of their time
    or more (of the selection's data's, in a bucket the selection's note names)."""
    cut = _brands_cut(filters, grain, brands, spans, span)
    if not cut:
        return None
    if len(cut) > MOST_BRANDS_NAMED:
        names = listed([safe.markdown_text(brand) for brand in list(cut)[:MOST_BRANDS_NAMED]]
                       + [f"{len(cut) - MOST_BRANDS_NAMED:,} more"])
        return (f"The data of {len(cut):,} brands ({names}) starts or ends inside a {grain} shown: their first or "
                f"last {grain}'s counts dip for less time, not for fewer mentions a {grain}.")
    unit, whole = _BUCKET_UNITS[grain]
    said = []
    for brand, parts in cut.items():
        ends = " and ".join(f"its {which} {grain}, {_bucket_name(bucket, grain).removeprefix('week ')}, has only "
                            f"{_amount(held, unit)} of its {whole} {unit}" for which, bucket, held in parts)
        said.append(f"{safe.markdown_text(brand)}'s data {'starts' if parts[0][0] == 'first' else 'ends'}"
                    f"{' and ends' if len(parts) == 2 else ''} inside a {grain}: {ends}")
    whose = f"Those {grain}s'" if sum(map(len, cut.values())) > 1 else f"That {grain}'s"
    return (f"{'; '.join(said)}. {whose} counts dip for less time, not for fewer mentions a {grain}: the other "
            f"brands' data covers more of {'them' if whose.startswith('Those') else 'it'}.")


def _brands_cut(filters: Filters, grain: str, brands, spans: pd.DataFrame, span) -> dict[str, list]:
    """{brand: its end buckets (as _part_buckets' parts) holding less than BRAND_PART_SHARE of
    the time the selection's data holds of them} for brand_part_buckets_note."""
    selection = _part_buckets(filters, grain, span)
    # the selection's cut buckets, and how much of each its data holds: a brand's are named where
    # they hold BRAND_PART_SHARE less (the selection's last week of 3 days, a brand's of 7 minutes)
    said_already = {(which, bucket): held for which, bucket, held in (selection[1] if selection else [])}
    whole = _BUCKET_UNITS[grain][1]
    own_spans = _brand_spans(filters, spans)
    cut = {}
    for brand in brands:
        if brand not in own_spans:
            continue
        parts = _part_buckets(filters, grain, own_spans[brand])
        if parts and (new := [part for part in parts[1]
                              if part[2] < BRAND_PART_SHARE * said_already.get(part[:2], whole)]):
            cut[brand] = new
    return cut


GRAIN_STEPS = {"day": "D", "week": "7D"}  # a grain's buckets, one after another (wall clock)


def missing_buckets(frame: pd.DataFrame, series: str, grain: str) -> dict[str, pd.DatetimeIndex]:
    """Each series' buckets (grain: day or week) that hold no row between its first and its
    last: buckets without its mentions, where its line breaks (trend_figures._with_breaks). Wall-clock
    times, as the frame's (an aware frame's in its zone, its zone left off)."""
    if not len(frame) or grain not in GRAIN_STEPS:
        return {}
    buckets = pd.to_datetime(frame["bucket"])
    if buckets.dt.tz is not None:
        # a bucket starts at its day's first instant: 01:00 where the zone skips midnight
        # (Santiago's first Sunday of September), whose day read as one without mentions
        buckets = buckets.dt.tz_localize(None).dt.normalize()
    missing = {}
    for name, held in buckets.groupby(frame[series].astype(str).to_numpy(), sort=False):
        every = pd.date_range(held.min(), held.max(), freq=GRAIN_STEPS[grain])
        if len(gone := every.difference(pd.DatetimeIndex(held.unique()))):
            missing[name] = gone
    return missing


MOST_GAPS_NAMED = 3  # stretches without mentions named in gaps_note (of one brand), or brands


def gaps_note(frame: pd.DataFrame, grain: str, series: str = "brand") -> str | None:
    """Name the buckets a series' line breaks over (missing_buckets: none of its
    mentions there, between buckets with some): a gap drawn as a line over it read as a steady
    volume, drawn as 0 as a fall in mentions, where the data may only not have been loaded.
    One series: its stretches, the first MOST_GAPS_NAMED by date; several: each one's count of
    such buckets and its longest stretch, the most first, MOST_GAPS_NAMED of them (on a sparse
    history, twcs' 5,000 tweets, every stretch of 45 brands ran to 3,000 characters). None
    when no line breaks."""
    missing = missing_buckets(frame, series, grain)
    if not missing:
        return None
    runs = {name: _runs(gone, STEP[grain]) for name, gone in missing.items()}
    said = _one_series_gaps(runs, grain) if len(runs) == 1 else _series_gaps(runs, grain, series)
    return (f"{said}: the lines break there rather than run on as if the {grain}s held mentions. A {grain} "
            "without mentions, or one whose data was not loaded (the Data page lists what each load brought).")


def _one_series_gaps(runs: dict[str, list], grain: str) -> str:
    """gaps_note's words of one series' runs: its first MOST_GAPS_NAMED, by date."""
    [(name, stretches)] = runs.items()
    named = [_run_text(first, last, grain) for first, last in stretches[:MOST_GAPS_NAMED]]
    if rest := sum(_run_length(run, grain) for run in stretches[MOST_GAPS_NAMED:]):
        named.append(f"{counted(rest, grain)} more")
    return f"No customer mentions of {safe.markdown_text(name)} on {listed(named)}"


def _series_gaps(runs: dict[str, list], grain: str, series: str) -> str:
    """gaps_note's words of several series' runs: each one's count of buckets and its longest
    run, the most buckets first, MOST_GAPS_NAMED of them."""
    held = {name: sum(_run_length(run, grain) for run in stretches) for name, stretches in runs.items()}
    most = sorted(runs, key=lambda name: (-held[name], name))
    named = []
    for name in most[:MOST_GAPS_NAMED]:
        longest = max(runs[name], key=lambda run: _run_length(run, grain))  # the first of equals
        where = _run_text(*longest, grain, count=False)
        named.append(f"{safe.markdown_text(name)} on {counted(held[name], grain)} "
                     f"({where if len(runs[name]) == 1 else 'the longest stretch: ' + where})")
    if len(most) > MOST_GAPS_NAMED:
        more = len(most) - MOST_GAPS_NAMED
        named.append(f"{more:,} more {series}{'' if more == 1 else 's'}")
    return f"No customer mentions of {listed(named)}, between their first {grain} shown and their last"


def _run_length(run: tuple[pd.Timestamp, pd.Timestamp], grain: str) -> int:
    """How many buckets a (first, last) run holds."""
    return int((run[1] - run[0]) / STEP[grain]) + 1


def _runs(buckets: pd.DatetimeIndex, step: timedelta) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Consecutive buckets as (first, last) runs."""
    runs: list[list[pd.Timestamp]] = []
    for bucket in buckets.sort_values():
        if runs and bucket - runs[-1][1] == step:
            runs[-1][1] = bucket
        else:
            runs.append([bucket, bucket])
    return [(first, last) for first, last in runs]


def _run_text(first: pd.Timestamp, last: pd.Timestamp, grain: str, count: bool = True) -> str:
    """'8 Sep 2026', '8 to 12 Sep 2026 (5 days)', 'the week of 7 Sep 2026', 'the weeks of 7 to
    14 Sep 2026 (2 weeks)'; without count, no '(5 days)'."""
    if first == last:
        return f"the week of {day_text(first)}" if grain == "week" else day_text(first)
    length = _run_length((first, last), grain)
    start = str(first.day) if (first.year, first.month) == (last.year, last.month) else (
        f"{first.day} {first:%b}" if first.year == last.year else day_text(first))
    span = f"{start} to {day_text(last)}"
    said = f"the weeks of {span}" if grain == "week" else span
    return f"{said} ({counted(length, grain)})" if count else said


def chart_scope(filters: Filters, pages: list[str] | None = None, *parts: str) -> str:
    """What a chart is of, under its title (trend_figures' scope): the chosen dates and zone,
    the platforms, the pages (pages: as the filters name them; None where the chart takes no
    page filter), then `parts` (the brands, a comparison set, a sensitivity), for a chart
    downloaded as a picture, away from the page's filters and captions."""
    when = (f"{day_text(filters.start)} to {day_text(filters.end)}" if filters.start and filters.end else "all dates")
    said = [f"{when} ({filters.tz})", ", ".join(filters.platforms) if filters.platforms else "all platforms"]
    if pages:
        said.append(f"pages: {', '.join(pages)}" if len(pages) <= 2 else f"{len(pages)} pages")
    return " · ".join(safe.visible(part) for part in [*said, *parts])


MOST_BRANDS_IN_BRIEF = 3  # chosen brands a chart's subtitle names; more are counted


def brands_in_brief(brands) -> str:
    """The chosen brands under a chart's title (chart_scope): a few by name, more counted, none
    chosen all brands."""
    if not brands:
        return "all brands"
    return ", ".join(brands) if len(brands) <= MOST_BRANDS_IN_BRIEF else f"{len(brands):,} brands"


def compared_within(industry: str | None, brands) -> str:
    """A share of voice's comparison set under its title (chart_scope): one industry (None: by
    brands), a brand without one alone (NO_INDUSTRY's label), or the selected or all brands."""
    if industry is None:
        return "among the selected brands" if brands else "among all brands"
    if industry.startswith(NO_INDUSTRY):
        return f"{industry.removeprefix(NO_INDUSTRY)} alone (no industry)"
    return f"within {industry}"


def absent_brands_note(filters: Filters, frame: pd.DataFrame, spans: pd.DataFrame) -> str | None:
    """Name the chosen brands a chart has no line of: none of their customer mentions is in
    the chosen dates (or on the chosen platforms and pages at all), each with the days its
    data runs over (spans: the filter options, first_at and last_at by brand, platform and
    page), so a brand without a line is not taken for one drawn under another. None when every
    chosen brand has a line (or none is chosen: the chart then has every brand with data)."""
    shown = set(frame["brand"].astype(str)) if len(frame) else set()
    absent = [brand for brand in filters.brands if brand not in shown]
    if not absent:
        return None
    own_spans = _brand_spans(filters, spans[spans["brand"].isin(absent)])
    said = []
    for brand in absent:
        if brand not in own_spans:
            said.append(f"{safe.markdown_text(brand)} (none on the chosen platforms and pages at any date)")
            continue
        first, last = own_spans[brand]
        # a brand of one day's data ran 'from 3 Aug 2026 to 3 Aug 2026'
        days = (f"is all of {day_text(first)}" if first.date() == last.date()
                else f"runs from {day_text(first)} to {day_text(last)}")
        said.append(f"{safe.markdown_text(brand)} (its data {days})")
    return (f"No customer mentions of {listed(said)} in the chosen dates, so "
            f"{'it has' if len(absent) == 1 else 'they have'} no line here.")


def _brand_spans(filters: Filters, spans: pd.DataFrame) -> dict[str, tuple]:
    """{brand: (its first, its newest mention) in the chosen zone} on the chosen platforms and
    pages (none chosen: all), of spans (the filter options): filters.data_span, brand by brand.
    A brand with no row there is left out."""
    if filters.platforms:
        spans = spans[spans["platform"].isin(filters.platforms)]
    if filters.pages:
        spans = spans[spans["page"].isin(filters.pages)]
    ends = spans.groupby("brand").agg(first_at=("first_at", "min"), last_at=("last_at", "max"))
    return {brand: (local_time(row.first_at, filters.tz), local_time(row.last_at, filters.tz))
            for brand, row in ends.iterrows()}


def _bucket_start(day: date, grain: str) -> datetime:
    """The start of the day's bucket: its Monday for a week, itself for a day."""
    return datetime.combine(day - timedelta(days=day.weekday() if grain == "week" else 0), time())


def _amount(count: float, unit: str) -> str:
    """A count of days or hours (unit) to one decimal, without '.0' (5, 5.3); under a tenth,
    in minutes. Data of one moment (one mention, or all at once) holds none of its bucket's
    time: 'only 0 of its 24 hours' read as a bucket without data beside the mentions it holds,
    as did 2 minutes rounded to 0.0 (a code review)."""
    if count >= 0.05:
        return f"{count:.1f}".removesuffix(".0")
    minutes = round(count * (60 if unit == "hours" else 24 * 60))
    return f"{minutes} min" if minutes else "a single moment"


def drill_advice(filters: Filters, grain: str, series: str, picked: str | None) -> str | None:
    """How to narrow a drill-down its limit cuts (a narrower list may still be cut): the
    narrowings not made yet (one brand or reason, daily buckets, a platform), never one already
    made (a brand chosen in the sidebar is one brand, as one picked in the drill-down is). None
    when none is left."""
    steps = []  # each says where it is: the drill's box and the buckets are on the page
    if picked is None and not (series == "Brand" and len(filters.brands) == 1):
        steps.append(f"a {series.lower()} in the box above")
    if grain == "week":
        steps.append("daily buckets at the top of the page")
    if not filters.platforms:
        steps.append("a platform in the sidebar")
    if not steps:
        return None
    return "choose " + (steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " or " + steps[-1])


def brand_scope(brands) -> str:
    """The brands a drill-down counts, as its labels say them: all brands when none is chosen,
    else the chosen ones by name."""
    if not brands:
        return "all brands"
    return brands[0] if len(brands) == 1 else f"{len(brands)} brands: {', '.join(brands)}"


def default_grain(chosen: Filters) -> str:
    """Daily buckets up to about a quarter; beyond, daily lines of several brands are noise
    (and hundreds of points per brand to draw), so weeks."""
    if chosen.start and chosen.end and (chosen.end - chosen.start).days + 1 > LONG_RANGE_DAYS:
        return "Weekly"
    return "Daily"


def bucket_label(grain: str):
    """The bucket box's label of a bucket key: its day and weekday, or the first day of its week."""
    def label(key: str) -> str:
        day = pd.Timestamp(key)
        return f"{day:{ISO_WEEK}} (week of {day:%Y-%m-%d})" if grain == "week" else f"{day:%Y-%m-%d (%a)}"
    return label


def drill_caption(chosen: Filters, grain: str, series: str, value: str | None, bucket: str, listed_count: int,
                  matching: int) -> str:
    """What the drill-down lists: how many of how many, of whom, when, and how to list fewer."""
    scope = brand_scope(chosen.brands)
    shown = (value or scope) if series == "Brand" else f"{value or 'all ' + series.lower() + 's'}, {scope}"
    capped = matching > listed_count
    count = f"The newest {listed_count:,} of {matching:,} mentions" if capped else counted(matching, "mention")
    # the advice names only what is not narrowed yet: a brand already chosen is not asked for
    advice = drill_advice(chosen, grain, series, value) if capped else None
    return (f"{count} ({safe.markdown_text(shown)}, {bucket_label(grain)(bucket)}, times in {chosen.tz}), "
            "newest first" + (f"; to list fewer at a time, {advice}." if advice else
                              "; the others are not listed." if capped else "."))


def drill_file(view: str, chosen: Filters, grain: str, bucket: str, value: str | None) -> str:
    """The drill's file name: its view, what it is of (the brand or reason picked, and the sidebar's
    brands) and its bucket (daily or weekly, by its first day), so two points' exports are not both
    mentions-<view>.csv."""
    named = list(dict.fromkeys([*([value] if value else []), *sorted(chosen.brands)]))
    whose = f"-{distinct_slug(named)}" if named else ""
    return f"mentions-{view}{whose}-{GRAIN_WORDS[grain]}-{pd.Timestamp(bucket):%Y%m%d}.csv"


def _params(filters: Filters, grain: str) -> dict:
    return {**filters.params(), "grain": grain, "tz": filters.tz}


@db.cached
def volume(cur, filters: Filters, grain: str = "day") -> pd.DataFrame:
    """bucket (local), brand, mentions, positive, negative, complaints, net_sentiment."""
    query = "trends_volume_slots" if slots.fit(cur, filters) else "trends_volume"
    return cur.execute(db.sql_text(query), _params(filters, grain)).df()


@db.cached
def reasons(cur, filters: Filters, grain: str = "day") -> pd.DataFrame:
    """bucket (local), reason, complaints."""
    query = "trends_reasons_slots" if slots.fit(cur, filters) else "trends_reasons"
    return cur.execute(db.sql_text(query), _params(filters, grain)).df()


@db.cached
def share_of_voice(cur, filters: Filters, grain: str = "day", by_industry: bool = True) -> pd.DataFrame:
    """bucket, brand, industry, selected, mentions, share (0..1) within the comparison set."""
    params = _params(filters, grain)
    params.pop("pages")
    params["by_industry"] = bool(by_industry)
    query = "trends_share_of_voice_slots" if slots.fit(cur, filters) else "trends_share_of_voice"
    return cur.execute(db.sql_text(query), params).df()


NO_INDUSTRY = "no industry: "  # trends_share_of_voice.sql's label of a brand without one


def industries(frame: pd.DataFrame) -> list[str]:
    """The industries of a share_of_voice() frame by name, brands without one last."""
    names = frame["industry"].unique() if len(frame) else []
    return sorted(names, key=lambda name: (name.startswith(NO_INDUSTRY), name))


COMPARISONS = ("Same industry", "Selected brands only")  # Share of voice's comparison sets


def default_comparison(by_industry: pd.DataFrame) -> str:
    """Share of voice's comparison until the user picks one: by industry, unless no brand of the
    share_of_voice(..., by_industry=True) frame has an industry, where it drew each brand alone at
    100% ('ATVIAssist alone (no industry)', 81 one-brand charts to pick from: a review)."""
    labels = by_industry["industry"].unique() if len(by_industry) else []
    if len(labels) and all(str(label).startswith(NO_INDUSTRY) for label in labels):
        return COMPARISONS[1]
    return COMPARISONS[0]


def of_industry(frame: pd.DataFrame, industry: str | None) -> pd.DataFrame:
    """The rows of one industry (all rows for None)."""
    return frame if industry is None else frame[frame["industry"] == industry]


def lone_brand_note(frame: pd.DataFrame, by_industry: bool) -> str | None:
    """Why a share-of-voice chart is a flat line at 100%: its comparison set holds one brand
    (None otherwise). A lone selected brand drew it with nothing said."""
    brands = frame["brand"].unique() if len(frame) else []
    if len(brands) != 1:
        return None
    brand = safe.markdown_text(brands[0])
    if not by_industry:
        return f"{brand} is the only brand compared, so its share is 100% throughout: select its competitors too."
    # trends_share_of_voice.sql sets a brand with no industry apart under a label of its own: it
    # was said to be 'the only brand of its industry', of an industry the brands table never gave it
    if str(frame["industry"].iloc[0]).startswith(NO_INDUSTRY):
        return (f"{brand} has no industry in the brands table, so it is compared with no other brand and its share "
                "is 100% throughout: compare with the selected brands only, its competitors selected too, or give "
                "it an industry (the Data page's Brand industry, or `python -m etl load --industry`).")
    return (f"{brand} is the only brand of its industry in the data (the brands table), so its share is 100% "
            "throughout: compare with the selected brands only, its competitors selected too.")


def period_share_of_voice(frame: pd.DataFrame, by_industry: bool = True) -> pd.DataFrame:
    """industry, brand, mentions, share: a share_of_voice() frame summed over its buckets,
    each brand's share of its industry's mentions (by_industry) or of all shown."""
    summary = frame.groupby(["industry", "brand"], as_index=False)["mentions"].sum()
    total = (summary.groupby("industry")["mentions"].transform("sum") if by_industry
             else summary["mentions"].sum())
    return summary.assign(share=summary["mentions"] / total)


def with_iso_week(frame: pd.DataFrame, shown: list[str], grain: str) -> tuple[pd.DataFrame, list[str]]:
    """A chart's table and its columns shown, a weekly one with each bucket's ISO week beside it
    (week: '2020-W53'): its Monday alone (2020-12-28) named the week Ghost Town, Weekly and the CLI
    call 2020-W53 (ux58b B9). Other grains unchanged."""
    if grain != "week":
        return frame, shown
    at = shown.index("bucket") + 1
    weeks = pd.to_datetime(frame["bucket"]).dt.strftime(ISO_WEEK) if len(frame) else pd.Series(dtype=str)
    return frame.assign(week=weeks), [*shown[:at], "week", *shown[at:]]


def numbers_file(frame: pd.DataFrame, tz: str, columns: list[str]) -> pd.DataFrame:
    """A chart's numbers as its CSV gives them (for a slide or a spreadsheet: the grids' own
    export is off, app/widgets.py): bucket_start, the bucket's first instant with the chosen
    zone's offset (a bare wall-clock time could not be placed; the README's rule for every
    time in a CSV), then `columns` as the chart's table shows them."""
    starts = pd.to_datetime(frame["bucket"])
    first = {bucket: pd.Timestamp(to_utc(bucket, tz)).tz_convert(tz) for bucket in starts.unique()}
    out = frame[columns].copy()
    out.insert(0, "bucket_start", pd.to_datetime(starts.map(first)) if len(frame) else
               pd.Series(dtype=f"datetime64[ns, {tz}]"))
    return out.reset_index(drop=True)


def totals(frame: pd.DataFrame) -> dict:
    """Headline numbers of a volume() frame (sums of the buckets)."""
    positive, negative = int(frame["positive"].sum()), int(frame["negative"].sum())
    return {"mentions": int(frame["mentions"].sum()),
            "complaints": int(frame["complaints"].sum()),
            "polar_mentions": positive + negative,  # what net sentiment is of, and its change weighed at
            "net_sentiment": (positive - negative) / (positive + negative)
            if positive + negative else None}


def no_brand_note(every_mention: int, of_brands: int) -> str | None:
    """Say that the trends leave out the customer mentions of no brand (every_mention: the
    selection's customer mentions, overview.mention_volume's, as Overview counts them; of_brands: those of a
    brand, totals()'s): with every brand chosen the two pages' 'Customer mentions' read 2,778 and
    2,640 on the twcs export, unexplained. None when there are none."""
    if every_mention <= of_brands:
        return None
    return (f"Left out, as the trends are per brand: {counted(every_mention - of_brands, 'customer mention')} of "
            "no brand (in no brand's thread, naming no brand account the data knows), which Overview's Customer "
            f"mentions counts ({every_mention:,} in all).")


def _numbers(values) -> str:
    """'2, 3 and 4' of (2.0, 3.0, 4.0)."""
    return listed([f"{value:g}" for value in values])


# What the spike back-test measured, in its own terms (etl.spikes BACKTEST_*, which
# bench/backtest_spikes.py runs with): the page showed alerts with no word of how well they work
BACKTEST_NOTE = (
    "The back-test (bench/backtest_spikes.py, figures in bench/README.md) ran this rule, with this baseline "
    f"(the same weekday and hour of the previous {BASELINE_WEEKS} weeks) and spread, at k = "
    f"{_numbers(spikes.BACKTEST_K)}, on UTC days and hours of the fictional demo history (`python -m etl "
    "demo`): not on this data, which holds no list of past incidents to test against. A past incident is "
    f"one the demo generator scripts, from its start to {spikes.BACKTEST_TAIL_HOURS} h after it ends; it is "
    "caught when an alert of its brand falls in that span, and how soon is when the alert's bucket crossed "
    f"its threshold. Every other alert is a false alarm, unless {spikes.BACKTEST_ONE_CASCADE_SHARE:.0%} or "
    "more of its bucket's negative mentions are one cascade (a complaint spreading, worth an alert): those "
    "are counted apart. A few scripted incidents give no catch rate, so it also injects incidents one at a "
    f"time into random buckets away from them, at {_numbers(spikes.BACKTEST_RATIOS)} times the bucket's "
    "baseline mean, and counts how many the rule catches.")


# A spike frequency's bucket: the SQL date_trunc unit, and the bucket's name on the page and
# as its grid's column (spike_table).
UNITS = {"D": "day", "h": "hour"}


class SpikeCounts(NamedTuple):
    """What the spike rule judges (spike_counts): the negative counts (buckets x brands, local
    wall-clock buckets, from the baseline weeks before the chosen start), the days each brand
    has any customer mention (etl.spikes.days_with_data), each brand's first bucket
    (brand_starts), and the chosen start (local; None: all dates)."""
    counts: pd.DataFrame
    covered: pd.DataFrame
    starts: pd.Series
    local_start: pd.Timestamp | None


class SpikeAlerts(NamedTuple):
    """spike_alerts' answer.

    alerts: brand, window_start, window_end (local, naive), count, baseline_mean, baseline_sd,
    threshold, baseline_days_with_data; only windows inside the chosen dates (their mentions:
    spike_mentions), the largest rise first. counts: bucket x brand negative counts inside the
    chosen dates (what the chart shows), buckets the zone's clock skips left out. unjudged: how
    many of those windows' buckets of at least spikes.MIN_COUNT had no baseline to judge them
    by, and the largest as (brand, window_start, count) (unjudged_note); None when none had."""
    alerts: pd.DataFrame
    counts: pd.DataFrame
    unjudged: tuple[int, tuple] | None


@db.cached_reading
def spike_alerts(read, filters: Filters, freq: str = "D", k: float = spikes.DEFAULT_K) -> SpikeAlerts:
    """The rule of etl.spikes.detect_spikes on the negative customer mentions of the filters,
    buckets in the chosen time zone, the BASELINE_WEEKS before the start used as baseline, each
    brand's history from its first mention (brand_starts). The counts are aggregated in SQL
    (never the mentions in pandas; spike_counts) and the rule applied by etl.spikes.judge,
    detect_spikes' own (judge_spikes). The counts are cached apart, by filters and freq: a
    change of k judges them again without reading the database."""
    return judge_spikes(read(spike_counts, filters, freq), freq, k, filters.tz)


@db.cached
def spike_counts(cur, filters: Filters, freq: str = "D") -> SpikeCounts:
    """The counts spike_alerts judges, read once per filters and freq (the page's k changes
    judge them again; bench/backtest_spikes.py judges them at several k, and with incidents
    injected)."""
    params = {**filters.params(), "tz": filters.tz, "unit": UNITS[freq]}
    start_at = params.pop("start_at")
    lead = timedelta(weeks=BASELINE_WEEKS)
    params["history_at"] = start_at - lead if start_at else None
    # Buckets of the local wall-clock time (naive), so days and the weekday-aware baseline
    # are the chosen zone's, as detect_spikes on local times read as UTC.
    query = "trends_negative_counts_slots" if slots.fit(cur, filters, lead) else "trends_negative_counts"
    frame = cur.execute(db.sql_text(query), params).df()
    frame["bucket"] = pd.to_datetime(frame["bucket"])
    starts = brand_starts(cur, filters, freq)
    local_start = pd.Timestamp(filters.start) if filters.start else None
    # the table from the history's first bucket, where a quiet start left no row to begin it
    first = local_start - lead if local_start is not None else (starts.min() if len(starts) else None)
    counts = spikes.count_table(frame[frame["count"] > 0], freq, first=first)
    # the days each brand has any customer mention: a baseline of days without is no baseline
    covered = spikes.days_with_data(spikes.count_table(frame, freq, first=first, values="mentions"))
    return SpikeCounts(counts, covered, starts, local_start)


def judge_spikes(read: SpikeCounts, freq: str, k: float, tz: str) -> SpikeAlerts:
    """spike_alerts of counts read (spike_counts) in zone tz at sensitivity k."""
    counts, local_start = read.counts, read.local_start
    # judged on the whole table: cut to the chosen dates first, its first weeks read as each brand's first
    judged = spikes.judge(counts, freq, k, BASELINE_WEEKS, starts=read.starts, covered=read.covered, tz=tz)
    alerts, unjudged = judged.alerts, judged.unjudged
    if judged.on_the_clock is not None:
        counts = counts[judged.on_the_clock]  # a skipped hour drawn as 0 read as a quiet hour
    if local_start is not None and not counts.empty:
        counts = counts[counts.index >= local_start]
    for column in ("window_start", "window_end"):
        alerts[column] = pd.to_datetime(alerts[column])
    if local_start is not None and len(alerts):
        alerts = alerts[alerts["window_start"] >= local_start]
    if local_start is not None:
        unjudged = unjudged[unjudged["window_start"] >= local_start]
    # The count and the largest only, not the frame: the Spikes view needs no more, and the
    # cache keeps every answer (all 5,376 unjudged hours of a 1M warehouse).
    largest = next(unjudged.itertuples(index=False, name=None), None)
    return SpikeAlerts(_largest_first(alerts), counts, (len(unjudged), largest) if largest else None)


def unjudged_note(unjudged: tuple[int, tuple] | None, freq: str = "D", chart: str = "the chart") -> str | None:
    """Say which buckets of at least spikes.MIN_COUNT negative mentions had no baseline
    (spike_alerts' unjudged): on the twcs sample 89 brand-days of 3 or more, AmazonHelp's
    87 on 2017-10-31 the largest, raised no alert and no word, as if judged and found ordinary.
    chart: where to read them (the Overview has none of its own)."""
    if not unjudged:
        return None
    buckets, (brand, start, count) = unjudged
    when = f"{start:%Y-%m-%d}" if freq == "D" else f"{start:%Y-%m-%d %H:%M}"
    return (f"Not judged, for want of a baseline: {counted(buckets, UNITS[freq])} of a brand with at least "
            f"{spikes.MIN_COUNT} negative mentions, the largest {safe.markdown_text(brand)}'s {count:,} on {when} "
            f"(in a brand's first {BASELINE_WEEKS} weeks, or with no customer mention on any of its baseline "
            f"days). The rule cannot say whether these are spikes: read them on {chart}.")


def spikes_drawn(counts: pd.DataFrame, alerts: pd.DataFrame, drawn: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counts' columns and the alerts' rows of the brands the spikes chart draws
    (busiest.spike_chart_brands' first list), a brand matched by its name as text."""
    return counts[[c for c in counts.columns if str(c) in drawn]], busiest.drawn_rows(alerts, drawn)


def baseline_slot(freq: str) -> str:
    """The buckets a spike's baseline is of, in the weeks before it."""
    return "same weekday and hour" if freq == "h" else "same weekday"


def spike_rule_caption(spikes_found: int, k: float, freq: str) -> str:
    """Under the spikes chart: how many spikes, and the rule that raised them (baseline,
    threshold, spread) at sensitivity k, with how a threshold shown to one decimal reads."""
    same = baseline_slot(freq)
    return (f"{counted(spikes_found, 'spike')}, largest rise above the threshold first. Baseline: the {same} in "
            f"the {BASELINE_WEEKS} weeks before (data before the chosen start is used for it; "
            f"the first {BASELINE_WEEKS} weeks after a brand's first mention have none and raise no alert, "
            "nor does a bucket none of whose baseline days holds a customer mention of the brand: days the "
            "data does not cover are no baseline; 'baseline days with data' under "
            f"{BASELINE_WEEKS} means some of its zeros may be missing data, not quiet). "
            "Threshold "
            f"= baseline mean + {k:g} x spread; the spread is {spikes.SPREAD_MEANS}: {spikes.SPREAD}. "
            "Shown to one decimal: a count equal to its shown threshold exceeds the exact one (a threshold "
            "of 21.997 shows as 22.0).")


# brands spiking in one bucket from which the page asks for a shared cause before an incident each
SHARED_SPIKE_BRANDS = 3


def shared_spikes_note(alerts: pd.DataFrame, freq: str = "D") -> str | None:
    """Name the buckets where SHARED_SPIKE_BRANDS or more brands spike at once: on the twcs sample
    4 of the 7 daily alerts fell on 2017-11-26, when every brand's customer mentions numbered 242
    against 42 on the four Sundays before together (the sample's second cluster of tweets), and
    each read as its brand's own incident."""
    brands = alerts.groupby("window_start")["brand"].agg(list)
    shared = brands[brands.map(len) >= SHARED_SPIKE_BRANDS].sort_index()
    if shared.empty:
        return None
    form = "%Y-%m-%d" if freq == "D" else "%Y-%m-%d %H:%M"
    named = listed([f"{start:{form}} ({listed([safe.markdown_text(b) for b in names])})"
                    for start, names in shared.items()])
    return (f"Several brands spike in the same {UNITS[freq]}: {named}. Look for a cause they share (a "
            "platform outage, news, or more data loaded for that time: compare every brand's customer mentions "
            "on the Volume and sentiment view) before reading each as its brand's own incident.")


def brand_starts(cur, filters: Filters, freq: str) -> pd.Series:
    """Each brand's first mention on the filters' platforms and pages, at any date, as a
    local bucket of freq (app/sql/trends_brand_starts.sql): where its spike history starts."""
    chosen = filters.params()
    params = {key: chosen[key] for key in ("brands", "platforms", "pages")}
    frame = cur.execute(db.sql_text("trends_brand_starts"), {**params, "tz": filters.tz, "unit": UNITS[freq]}).df()
    return pd.Series(pd.to_datetime(frame["bucket"]).to_numpy(), index=frame["brand"], name="bucket")


SPIKE_DECIMALS = 1
SPIKE_ROUNDED = ["baseline_mean", "baseline_sd", "spread", "threshold"]  # to SPIKE_DECIMALS
# the count beside the threshold it rose above: last, at 1024 px the threshold was off the
# grid's edge (a review at narrow widths)
SPIKE_COLUMNS = ["negative", "threshold", *(c for c in SPIKE_ROUNDED if c != "threshold"),
                 "baseline_days_with_data"]


def spike_table(alerts: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """The spike alerts as a grid lists them (Trends, and Overview's alerts): brand, the
    bucket as a day (a date) or an hour (its start, local), negative (the count), the
    threshold, and the baseline, its SD and the rule's spread (so threshold = mean + k x
    spread reads off the row), those four rounded by formatting.round_half_up, the rounding
    of the captions that quote them (formatting.format_decimal), so a spike reads the same
    in both; last, how many of the baseline's days hold any customer mention of the brand.
    Where a spike's bucket is not its nominal length (a clock change), two columns after the
    bucket say its length ('2 h: clocks went back') and the count per hour (per 24 h) the
    threshold is of: the repeated hour's 24 stood beside a threshold of 22.4 an hour."""
    table = alerts.rename(columns={"count": "negative"})
    starts = pd.to_datetime(table["window_start"])
    bucket = UNITS[freq]
    table[bucket] = starts.dt.date if freq == "D" else starts.dt.floor("h")
    table["spread"] = spikes.spread(table["baseline_mean"], table["baseline_sd"])
    clock = []
    if "hours" in table and (table["hours"] != NOMINAL_HOURS[freq]).any():
        table["length"] = [bucket_length(hours, freq) or "" for hours in table["hours"]]
        table[RATE_COLUMNS[freq]] = table["rate"]
        clock = ["length", RATE_COLUMNS[freq]]
    table = table[["brand", bucket, *clock, *SPIKE_COLUMNS]].copy()
    for column in [*SPIKE_ROUNDED, *clock[1:]]:
        table[column] = [round_half_up(v, SPIKE_DECIMALS) for v in table[column]]
    return table


def spike_numbers(numbers: pd.DataFrame, alerts: pd.DataFrame, freq: str) -> pd.DataFrame:
    """The spikes chart's numbers (numbers: bucket, brand, negative, trend_figures.negative_counts)
    with each spike's row marked and given the figures its caption quotes, as spike_table has them
    (threshold, baseline mean, SD, spread, baseline days with data; a clock-changed bucket's length
    and rate): the table gave the counts alone, and no CSV as the other views do (ux58b B6)."""
    quoted = spike_table(alerts, freq).drop(columns=["negative", UNITS[freq]])
    quoted.insert(0, "bucket", alerts["window_start"])  # spike_table keeps the alerts' index
    table = numbers.merge(quoted.assign(spike=True), on=["bucket", "brand"], how="left", validate="one_to_one")
    table["spike"] = table["spike"].eq(True)
    # a count, blank off the spikes: not '4.0' days in the CSV
    table["baseline_days_with_data"] = table["baseline_days_with_data"].astype("Int64")
    return table[["bucket", "brand", "negative", "spike", *(c for c in quoted.columns if c not in ("bucket", "brand"))]]


SPIKE_WORDS = {freq: label.lower() for label, freq in SPIKE_FREQS.items()}  # D -> daily, as GRAIN_WORDS


NOMINAL_HOURS = {"D": 24.0, "h": 1.0}
# the count the rule judged, where a clock change made a bucket longer or shorter (spike_table)
RATE_COLUMNS = {"D": "negative_per_24_h", "h": "negative_per_hour"}
RATE_WORDS = {"D": "per 24 h", "h": "an hour"}


def bucket_length(hours: float, freq: str) -> str | None:
    """'2 h: clocks went back' for a bucket a clock change made longer ('23 h: clocks went
    forward' shorter) than its nominal hour or day; None for one of nominal length."""
    if hours == NOMINAL_HOURS[freq]:
        return None
    return f"{hours:g} h: clocks went {'back' if hours > NOMINAL_HOURS[freq] else 'forward'}"


def spike_label(row, freq: str) -> str:
    """A spike in the page's list (row: an alerts row): 'brand · 2020-10-25 01:00 · 24 negative',
    its bucket's length said where a clock change made it other than an hour (a day): '01:00
    (2 h: clocks went back)'. The label is the link's ?spike=, so a nominal one is unchanged."""
    when = f"{pd.Timestamp(row.window_start):%Y-%m-%d %H:%M}"
    if length := bucket_length(getattr(row, "hours", NOMINAL_HOURS[freq]), freq):
        when += f" ({length})"
    return f"{row.brand} · {when} · {row.count} negative"


def spike_figures(row, freq: str) -> str:
    """The baseline and threshold a spike (an alerts row) rose above, to one decimal: '(baseline
    12.0, threshold 22.4)'; where its bucket's length is not nominal, first its count per hour
    (per 24 h), the figure they are of: '(30 in 2 h: 15.0 an hour; baseline ..., threshold ...)'."""
    figures = (f"baseline {format_decimal(row['baseline_mean'], SPIKE_DECIMALS)}, "
               f"threshold {format_decimal(row['threshold'], SPIKE_DECIMALS)}")
    hours = row.get("hours", NOMINAL_HOURS[freq])
    if hours == NOMINAL_HOURS[freq]:
        return f"({figures})"
    return (f"({row['count']:,} in {hours:g} h: {format_decimal(row['rate'], SPIKE_DECIMALS)} "
            f"{RATE_WORDS[freq]}; {figures} {RATE_WORDS[freq]})")


def _largest_first(alerts: pd.DataFrame) -> pd.DataFrame:
    """Spikes by how far they rose above their threshold, then newest first: a reader looks
    for the incident, not the latest blip."""
    # the rate, the count the rule judged: a repeated hour's 2 h count overstated its rise
    judged = alerts["rate"] if "rate" in alerts else alerts["count"]
    ranked = alerts.assign(excess=judged - alerts["threshold"]).sort_values(
        ["excess", "window_start", "brand"], ascending=[False, False, True])
    return ranked.drop(columns="excess").reset_index(drop=True)


def spike_labels(alerts, freq: str) -> list[str]:
    """The spike list's options: the labels themselves, not positions, as a position kept across a
    change of resolution or k showed the old list's label beside the new list's spike."""
    return [spike_label(row, freq) for row in alerts.itertuples()]


def to_utc(local: datetime | pd.Timestamp, tz: str) -> datetime:
    """A naive local wall-clock time in zone tz -> the aware instant."""
    moment = pd.Timestamp(local).to_pydatetime().replace(tzinfo=None)
    return moment.replace(tzinfo=ZoneInfo(tz))


@db.cached
def bucket_mentions(cur, filters: Filters, bucket: datetime, grain: str = "day",
                    brand: str | None = None, reason: str | None = None,
                    negative_only: bool = False, complaints_only: bool = False,
                    limit: int | None = DRILL_LIMIT) -> pd.DataFrame:
    """The customer mentions behind one chart point: the bucket starting at `bucket` (local
    wall-clock time of the chosen zone), optionally one brand / complaint reason / complaints
    only / negative only: the newest `limit` (None: all), and in attrs["matching"] how many
    there are."""
    params = filters.params()
    params.update({"from_at": to_utc(bucket, filters.tz),
                   "to_at": to_utc(pd.Timestamp(bucket) + STEP[grain], filters.tz),
                   "brand": brand, "reason": reason, "negative_only": bool(negative_only),
                   "complaints_only": bool(complaints_only),
                   "limit": None if limit is None else int(limit)})
    frame = _local_times(cur.execute(db.sql_text("trends_mentions"), params).df(), filters.tz)
    matching = frame.pop("matching")
    frame = safe.with_links(frame, "mention_id", beside_id=True, made_up=made_up_ids(cur, frame["mention_id"]))
    frame.attrs["matching"] = int(matching.iloc[0]) if len(matching) else 0
    return frame


@db.cached
def spike_mentions(cur, filters: Filters, brand: str, window_start: datetime,
                   freq: str = "D") -> pd.DataFrame:
    """The negative mentions behind one spike: `brand`'s in the bucket starting at
    window_start (local wall-clock time of the chosen zone), in the filters."""
    begin = pd.Timestamp(window_start).to_pydatetime().replace(tzinfo=None)
    end = begin + (STEP["day"] if freq == "D" else timedelta(hours=1))
    params = filters.params()
    for unused in ("brands", "start_at", "end_at"):
        params.pop(unused)
    params.update({"tz": filters.tz, "brand": brand, "from_local": begin, "to_local": end,
                   "near_from": to_utc(begin, filters.tz) - timedelta(days=1),
                   "near_to": to_utc(end, filters.tz) + timedelta(days=1)})
    # the bucket's ids first: the scores and cascade nodes are then read for them alone
    ids = [mention_id for (mention_id,) in cur.execute(db.sql_text("trends_spike_candidates"), params).fetchall()]
    read = {"ids": ids, "near_from": params["near_from"], "near_to": params["near_to"]}
    frame = _local_times(cur.execute(db.sql_text("trends_spike_mentions"), read).df(), filters.tz)
    return safe.with_links(frame, "mention_id", beside_id=True, made_up=made_up_ids(cur, frame["mention_id"]))


def _local_times(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """created_at as local_time, the instant in the chosen zone: shown as that zone's wall
    clock, and written to the CSV with its offset (a bare wall-clock time could not be traced
    back to the data)."""
    local = frame.pop("created_at").dt.tz_convert(tz)
    frame.insert(1, "local_time", local)
    return frame


def spike_reading(posts: pd.DataFrame) -> str | None:
    """What a spike's posts (spike_mentions) say of its cause, and where to start: whether one
    cascade holds spikes.BACKTEST_ONE_CASCADE_SHARE or more of them (a post spreading: answer
    its root), else whether one complaint reason other than 'other' does (many customers, one
    cause), else neither; short of half, a cascade holding a quarter is still named. The page
    gave the rule's numbers and the posts, and left the reader to count: 36 posts in 35
    cascades, 14 of them 'other', on the twcs sample's largest."""
    if posts.empty:
        return None
    total = len(posts)
    held = posts["cascade_root"].value_counts()
    # 'other' set aside before the most cited is picked: level with a reason, it was picked and hid it
    reasons = posts["complaint_reason"].dropna()
    reasons = reasons[reasons != "other"].value_counts()
    reason, cited = (reasons.index[0], reasons.iloc[0]) if len(reasons) else (None, 0)
    if held.iloc[0] / total >= spikes.BACKTEST_ONE_CASCADE_SHARE:
        return (f"Reading the spike: one cascade holds {held.iloc[0]:,} of the {total:,} ({held.iloc[0] / total:.0%}), "
                "a post spreading: start with its root, the first row of the cascades below, and its reach on "
                "the Amplification page.")
    spread_over = f"the {total:,} are spread over {counted(len(held), 'cascade')}" + _largest_cascade(held, total)
    if reason is not None and cited / total >= spikes.BACKTEST_ONE_CASCADE_SHARE:
        return (f"Reading the spike: {spread_over}, {cited:,} of them ({cited / total:.0%}) giving the reason "
                f"{safe.markdown_text(reason)}: many customers, one cause. Find it, and say so once in public as "
                "well as answering each.")
    return (f"Reading the spike: {spread_over}, and no one complaint reason (besides 'other') holds half of them: "
            "many customers' own complaints with nothing in common that the scores see. Read the posts before "
            "treating it as one incident, and compare every brand's volume at that time: more data loaded for it "
            "raises every brand's count.")


# A cascade this big a part of a spike is named even short of the one-cascade reading's half: 337
# of 709 posts (48%) in one viral post's cascade read as 'spread over 299 cascades' (a review).
LARGEST_CASCADE_NAMED = 0.25


def _largest_cascade(held: pd.Series, total: int) -> str:
    """' (the largest holding 337 of them, 48%: start with its root too)', where the largest of a
    spike's cascades (`held`: posts per cascade, most first) holds LARGEST_CASCADE_NAMED or more."""
    if len(held) < 2 or held.iloc[0] / total < LARGEST_CASCADE_NAMED:
        return ""
    return f" (the largest holding {held.iloc[0]:,} of them, {held.iloc[0] / total:.0%}: start with its root too)"


def spike_cascades(posts: pd.DataFrame) -> pd.DataFrame:
    """The cascades a spike's mentions (spike_mentions) belong to, the most of them first:
    how many of the spike's mentions each holds, its size, answer and risk as stored, its
    root's author, text and link. A spike that is one complaint going viral is one row."""
    held = posts.groupby("cascade_root").size()
    frame = _stored_cascades(tuple(sorted(held.index)))
    frame.insert(2, "spike_mentions", frame["root_id"].map(held))  # first after the root's id and link
    frame = frame.sort_values(["spike_mentions", "size", "root_id"], ascending=[False, False, True])
    return frame.reset_index(drop=True)


def with_network_links(cascades: pd.DataFrame, tz: str) -> pd.DataFrame:
    """spike_cascades' rows with network_link, after the root's link: the Amplification page's One
    cascade view of each cascade that spread (size > 1; a post alone has no network), made from
    its root's id (risk.cascade_link), in zone tz. The spike's cascades had no way to their network,
    and most of them are too small for that page's list of 1,000 (review ux60c)."""
    links = [risk.cascade_link(root_id, tz) if size > 1 else None
             for root_id, size in zip(cascades["root_id"], cascades["size"])]
    out = cascades.copy()
    out.insert(out.columns.get_loc("link") + 1, "network_link", pd.Series(links, index=out.index, dtype=object))
    return out


def no_risk_left_note(cascades: pd.DataFrame) -> str | None:
    """Why a spike's cascades (spike_cascades) all show a risk of 0, when they do: a column of
    zeros under an old spike read as a fault."""
    risks = cascades["amplification_risk"].dropna() if "amplification_risk" in cascades else pd.Series()
    if risks.empty or (risks > 0).any():
        return None
    return (f"Every risk is 0 as of the newest load: a cascade older than {COMPLETION_AGE / 86400:g} days "
            "is complete and spreads no further, and one whose root is not negative weighs nothing. "
            "Risk ranks what to answer now: an old spike's cascades have none left.")


@db.cached
def _stored_cascades(cur, root_ids: tuple[str, ...]) -> pd.DataFrame:
    """The stored cascades rooted at root_ids, with their roots' author, text and link."""
    frame = cur.execute(db.sql_text("trends_spike_cascades"), {"ids": list(root_ids)}).df()
    frame = db.read_for_rows(cur, frame, "root_id", "mention_details", "mention_id", ["author_handle", "text"])
    return safe.with_links(frame, "root_id", beside_id=True, made_up=made_up_ids(cur, root_ids))
