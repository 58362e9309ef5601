"""Numbers as the KPI cards show them, one way on every page (Overview, Trends, Weekly).

A kind says how a number reads: count (whole number), share (percent; its changes in
percentage points), score (signed, two decimals), minutes, amount (an estimate rounded to a
whole number, e.g. customers lost). A missing value shows as '–'; a missing change as
nothing (None, so st.metric draws no delta); a Kaplan–Meier median that is undefined
because fewer than half were answered as 'not reached' (it is not missing data).

Names show the same way everywhere too: a column's header in words (column_header), a page
as a reader knows it (page_label: 'Facebook page 1047...', not a bare id).
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from etl import cascade_definitions, spikes


def _points(points: float) -> str:
    """A change of rate in percentage points (a 40% to 39.2% fall is -0.8 pts, not -0.8%)."""
    return signed(points, CHANGE_PLACES["share"], " pts")


def signed(number: float, places: int, suffix: str = "") -> str:
    """A signed number to `places` decimals; one that rounds to zero reads +0.00, never
    -0.00 (an f-string keeps the sign of -0.004)."""
    shown = f"{number:+,.{places}f}"
    if shown.startswith("-") and not any(digit in shown for digit in "123456789"):
        shown = "+" + shown[1:]
    return shown + suffix


def as_shown(number: float, places: int) -> float:
    """number as a data grid shows it at `places` decimals (its '%.2f' rounds as round_half_up),
    never -0.0, so its '%+.2f' prints +0.00 for -0.004, not -0.00. A screen reader reads a grid
    cell's number, not its format: unrounded, '+1.9 pts' was read out as 1.9349845201238391."""
    return round_half_up(number, places) + 0.0  # + 0.0: -0.0 becomes 0.0


# The decimals a change of each kind shows, on a card and in a grid (a share's in points).
CHANGE_PLACES = {"count": 0, "share": 1, "score": 2, "minutes": 0, "amount": 0}

# kind: (how a value shows, how a change of it shows)
_SHOWN = {
    "count": (lambda value: f"{int(value):,}", lambda change: f"{int(change):+,}"),
    "share": (lambda value: f"{value:.1%}", lambda change: _points(change * 100)),
    "score": (lambda value: signed(value, 2), lambda change: signed(change, CHANGE_PLACES["score"])),
    "minutes": (lambda value: format_duration(value), lambda change: format_duration(change, sign=True)),
    "amount": (lambda value: f"{value:,.0f}", lambda change: signed(change, CHANGE_PLACES["amount"])),
}


# The headers a reader sees for the care metrics' columns (the frames and CSVs keep the
# SPEC 5 names; the definitions under each page explain them).
CARE_HEADERS = {
    "brand": "brand", "page": "page or handle", "platform": "platform", "week": "week",
    "requests": "requests", "answered": "answered", "ignored": "ignored", "pending": "pending",
    "ghost_town_rate": "ghost-town rate", "ghost_town_ci_low": "95% CI from", "ghost_town_ci_high": "95% CI to",
    "ghost_town_rate_shrunk": "shrunk rate", "ghost_town_shrunk_low": "ranked on: shrunk rate's lower bound",
    "ghost_town_rank": "rank", "sla_rate": "SLA rate",
    "km_median_minutes": "KM median response (min)", "p_answered_1h": "answered within 1 h",
    "deflection_rate": "deflection rate", "response_rate": "response rate",
    "response_rate_ci_low": "95% CI from", "response_rate_ci_high": "95% CI to",
    "median_response_minutes": "median response, answered (min)",
    "mean_response_minutes": "mean response, answered (min)",
    "vendor_answered_mean_minutes": "vendor: mean, late ones too (min)",
    "vendor_median_comment_minutes": "vendor: median per comment (min)",
    "vendor_fastest90_mean_minutes": "vendor: mean of fastest 90% (min)",
}

# Beyond the care metrics, the columns a grid of mentions or loads shows whose code name
# would read badly; any other column is its name with spaces (column_header).
_OTHER_HEADERS = {
    "author_handle": "author", "author_followers": "followers", "created_at": "posted at",
    "request_id": "request (mention id)", "root_id": "root (mention id)",
    "response_id": "response (mention id)", "complaint_id": "complaint (mention id)",
    "answered_id": "answered (mention id)", "quoted_id": "quoted (mention id)", "answered_text": "customer's message",
    "request_text": "request's first message",
    "answered_link": "message link",
    "complaint_reason": "reason", "message_count": "messages",
    "passed_on": "passed on (others' posts)", "passed_on_reach": "their followers",
    "age_hours": "age (h)", "horizon_hours": "horizon (h)", "late_response_hours": "late response (h)",
    "own_follow_ups": "customer's follow-ups", "other_open_by_author": "author's other open complaints",
    "response_minutes": "response (min)", "baseline_sd": "baseline SD",
    "predicted_final_size_low": "predicted size from (80%)", "predicted_final_size_high": "predicted size to (80%)",
    "impressions_low": "est. impressions from", "impressions_high": "est. impressions to",
    "is_negative": "negative",
    # the quarantine's two places (a review: 'position' 2 beside 'line 4' read as a contradiction)
    "position": "record no.", "locator": "where in the file", "raw_characters": "raw length (characters)",
    "loaded_in": "mention loaded by load",
    # in followers: the risk and reaches are counts of accounts' followers, not of people or posts
    "amplification_risk": "amplification risk (followers)",
    "expected_additional_reach": "expected added reach (followers)",
    "potential_reach": "potential reach (followers)", "reach_basis": "reach", "high_risk": "high risk",
    "mean_potential_reach": "mean potential reach (followers)",
    "predicted_final_reach": "predicted final reach (followers)",
    "predicted_final_reach_low": "predicted reach from (followers)",
    "predicted_final_reach_high": "predicted reach to (followers)",
    # a deleted comment's time is the load's that found it missing, not the deletion's
    "noticed_at": "noticed missing (load time)", "first_noticed_at": "first noticed missing (load time)",
    "last_noticed_at": "last noticed missing (load time)",
}

# What a column means where its header cannot say it all (a grid shows it on hovering the header).
_NOTICED = ("when the load that found {} missing from a later complete export of its page "
            "finished (etl/models/marts/deleted_mentions.sql): it was deleted before that, after "
            "the last load that saw it, not at this time.")
_INTERVAL_END = ("The {} end of the forecast's 80% interval for the cascade's final size: the median "
                 "forecast's, so it can show no growth where the risk (a mean) is positive.")
_REACH_END = ("The final size interval's {} end carried through the cascade's followers per reshare: "
              "not an 80% interval of reach itself (who will reshare is left out).")
_ENDS = (("low", "lower"), ("high", "upper"))
COLUMN_HELP = {
    **{f"predicted_final_size_{end}": _INTERVAL_END.format(word) for end, word in _ENDS},
    **{f"predicted_final_reach_{end}": _REACH_END.format(word) for end, word in _ENDS},
    # in the table itself: a Facebook row with every follower count '–' still carries a reach and a risk
    "expected_additional_reach": cascade_definitions.REACH_DEFINITION,
    "amplification_risk": cascade_definitions.RISK_SUMMARY,
    "reach_basis": ("measured: from the follower counts of the cascade's accounts; assumed: none is known "
                    "(Facebook and Instagram comments, Reddit posts and reviews usually carry none), so the "
                    "history's mean per reshare (other platforms' counts) stands in, or 1 per reshare where "
                    "the history has no count at all, and the risk rests on that assumption."),
    "own_follow_ups": ("The complainer's own later messages below the complaint ('any update?'), unanswered "
                       "like it: the link opens the complaint, the thread is on its platform."),
    "other_open_by_author": ("Other open complaints the same account posted about the same brand, on any page "
                             "and at any time loaded, whatever the filters: each is a row of its own, and "
                             "one answer can take them together. Its own follow-ups below this complaint "
                             "are in the customer's follow-ups, not here."),
    "passed_on": ("Other accounts' shares, quotes and replies in the cascade the complaint starts (a follow-up "
                  "of the customer's own: its request's), posted by the as-of time; blank where it starts none "
                  "(it replies to, quotes or shares another customer's post)."),
    "passed_on_reach": "The followers of those accounts, each once, where their counts are known.",
    "age_hours": "Hours from the post (a request's: its first message) to the moment the list is as of, "
                 "which the page states.",
    "high_risk": f"Risk at or above the bar of the {cascade_definitions.HIGH_RISK_SHARE} of the complaint "
                 "cascades still able to spread (the caption gives it).",
    # the Cascades grid's own measures, on hover as the queue's are (a review found none there)
    "inferred_edges": cascade_definitions.DEFINITIONS["inferred_edges"],
    "structural_virality": cascade_definitions.DEFINITIONS["structural_virality"],
    "impressions_low": cascade_definitions.DEFINITIONS["impressions_low, impressions_high"],
    "impressions_high": cascade_definitions.DEFINITIONS["impressions_low, impressions_high"],
    "spread": f"{spikes.SPREAD}, of the baseline's SD and mean: the week-to-week spread plus the "
              "bucket's own count noise. Threshold = baseline mean + k x spread.",
    "baseline_days_with_data": (f"Of the {spikes.BASELINE_WEEKS} baseline days (the same weekday of the weeks "
                                "before), how many hold any customer mention of the brand. A day with none is "
                                "one the data may not cover, so its 0 is no measured quiet: under "
                                f"{spikes.BASELINE_WEEKS}, the baseline may be too low and the spike a gap "
                                "in the data's coverage rather than an incident."),
    "position": "The record's number in its file, counting from 1: the header line, blank lines and a "
                "JSON file's wrapping are not records, and a quoted text may span lines, so it can "
                "differ from the line number.",
    "locator": "Where to find the record in the file: the line it starts on (the header is line 1), "
               "or in a JSON file its document and item.",
    "noticed_at": "The comment was noticed missing " + _NOTICED.format("it"),
    "first_noticed_at": "The earliest of the brand's deleted comments' times noticed missing: "
                        + _NOTICED.format("one"),
    "last_noticed_at": "The latest of the brand's deleted comments' times noticed missing: "
                       + _NOTICED.format("one"),
}


def version_number(version: str) -> int:
    """The number a version name ends in (care-metrics/4 -> 4, text-10 -> 10), to order them
    (as text, text-10 sorts before text-9); -1 for one without (older than any)."""
    found = re.search(r"(\d+)$", version)
    return int(found.group(1)) if found else -1


def local_time(moment, tz: str) -> pd.Timestamp:
    """A moment on zone tz's clock; a naive moment is UTC, as the warehouse stores it."""
    stamp = pd.Timestamp(moment)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).tz_convert(tz)


def utc_minute(moment) -> str:
    """A moment as every caption and report prints one in UTC: '2026-10-28 22:17 UTC'."""
    return zoned_minute(moment, "UTC")


def zoned_minute(moment, tz: str) -> str:
    """A moment on zone tz's clock to the minute, with the abbreviation in force then: '2026-03-02
    00:00 PST', '2026-07-01 09:00 PDT' (UTC's: '... UTC'), so a time either side of a clock change
    says which; a zone without letters for its time gives its offset ('2026-03-02 04:00 UTC+04:00')."""
    return f"{local_time(moment, tz):%Y-%m-%d %H:%M} {zone_abbreviation(moment, tz)}"


def zone_abbreviation(moment, tz: str) -> str:
    """The name zone tz's clock goes by at a moment ('PST', 'BST', 'UTC'), or its offset from UTC
    where the zone has none ('UTC+04:00': Asia/Dubai's '+04' read as a number)."""
    stamp = local_time(moment, tz)
    if is_utc(str(stamp.tzinfo)):
        return "UTC"
    letters = stamp.tzname() or ""
    return letters if letters.isalpha() else f"UTC{utc_offset(stamp)}"


def utc_offset(stamp: pd.Timestamp) -> str:
    """A zoned moment's offset from UTC as ISO 8601 writes it: '+04:00', '-07:00', '+05:45'."""
    written = f"{stamp:%z}"
    return f"{written[:3]}:{written[3:]}"


def zone_clocks(tz: str, moments) -> str:
    """What the abbreviations of zone tz at the given moments stand for, the earliest first: 'PDT =
    UTC-07:00, PST = UTC-08:00' (a period across a clock change has both); 'UTC' for UTC."""
    stamps = sorted(local_time(moment, tz) for moment in moments if moment is not None and not pd.isna(moment))
    return ", ".join(dict.fromkeys(map(_clock_said, stamps))) or ("UTC" if is_utc(tz) else tz)


def _clock_said(stamp: pd.Timestamp) -> str:
    """'PST = UTC-08:00'; an abbreviation that is an offset ('UTC+04:00') or UTC as it is."""
    abbreviation = zone_abbreviation(stamp, str(stamp.tzinfo))
    return abbreviation if abbreviation.startswith("UTC") else f"{abbreviation} = UTC{utc_offset(stamp)}"


def local_date(moment, tz: str) -> date:
    """The day a moment falls on in zone tz (local_time's)."""
    return local_time(moment, tz).date()


def day_text(day) -> str:
    """A day as the notes write one: '7 Sep 2026' (the sidebar's moved dates, the Weekly page's
    weeks and the Trends notes on gaps, part buckets and absent brands; a zero-padded '07 Sep 2026'
    beside it read as another format). The spike notes write a bucket as the spike list does,
    '2026-09-07'."""
    return f"{day.day} {day:%b %Y}"


GRID_TIME = "YYYY-MM-DD HH:mm"  # a time in a data grid, to the minute, as the captions print times


def column_header(column: str) -> str:
    """A column's header in a grid: its words, not its code name (the frame keeps the name)."""
    return CARE_HEADERS.get(column) or _OTHER_HEADERS.get(column) or column.replace("_", " ")


def page_label(page: str | None, platform: str | None) -> str | None:
    """A page as a reader knows it: a handle as it is, a page id with its platform
    ('Facebook page 104729384756006', not a bare number; 'Facebook and Twitter page Help' on
    both); a missing page stays missing, and a page already so named stays as it is (a grid
    labels what a list may have labelled)."""
    if not isinstance(page, str) or page.startswith("@") or not platform:
        return page
    named = PLATFORMS_JOINED.join(word.capitalize() for word in sorted(platforms_named(platform))) + " page "
    return page if page.startswith(named) else named + page


# A page name on several platforms is all of them, 'facebook and twitter' (as
# app/sql/audit_brand_pages.sql joins them): page_platforms writes it, platforms_named reads it.
PLATFORMS_JOINED = " and "


def page_platforms(frame: pd.DataFrame) -> dict:
    """{page: its platform(s)} of a frame of page and platform rows, as page_label takes them: a
    page name on several platforms names them all, where the last row's platform named one."""
    rows = frame.dropna(subset=["page", "platform"])
    return rows.groupby("page")["platform"].agg(lambda on: PLATFORMS_JOINED.join(sorted(set(on)))).to_dict()


def platforms_named(platform) -> set[str]:
    """The platforms a page's platform names (one, or several joined: PLATFORMS_JOINED), which
    no platform filter holds joined; none for a missing one."""
    return set(platform.split(PLATFORMS_JOINED)) if isinstance(platform, str) else set()


def with_page_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each page as page_label names it, by its row's platform (as the report's
    tables show them): a bare Facebook page id reads as a number, not a page."""
    if "page" not in frame or "platform" not in frame:
        return frame
    return frame.assign(page=[page_label(p, pl) for p, pl in zip(frame["page"], frame["platform"])])


_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Etc/Universal", "Universal"}


def is_utc(zone: str) -> bool:
    """Whether a zone name is one of UTC's (DuckDB's UTC is 'Etc/UTC')."""
    return zone in _UTC_NAMES


def same_clock(zone: str, other: str) -> bool:
    """Whether two zone names are one clock (UTC under any of its names, or the same name)."""
    return zone == other or (is_utc(zone) and is_utc(other))


def with_zone(header: str, zone: str | None) -> str:
    """A time column's header naming its zone: 'posted at (UTC)', 'noticed missing (load
    time, UTC)'; the header as it is without a zone."""
    if not zone:
        return header
    zone = "UTC" if is_utc(zone) else zone
    return f"{header[:-1]}, {zone})" if header.endswith(")") else f"{header} ({zone})"


MISSING = "–"  # a missing value, on the cards and in the data grids (not Streamlit's "None")


# Up to 90 minutes a time reads in minutes, up to 48 hours in hours, beyond in days: '818 min'
# or '2,347 min' made an executive divide by 60 (a review); '13.6 h' and '1.6 days' do not.
HOURS_FROM_MINUTES = 90.0
DAYS_FROM_MINUTES = 48 * 60.0


def format_duration(minutes: float, sign: bool = False) -> str:
    """A time given in minutes as a reader takes it in: '12 min' (whole minutes), '13.6 h',
    '2.5 days' (one decimal); a time above zero that rounds to no minute 'under 1 min': a median
    of 25 s read '0 min', an answer with no wait at all (tested on the digits: the format rounds
    a half to even, so 30 s read '0 min' too). The one way a time shows: cards, notes, scorecards.
    sign: a change ('+48 min', '-2.5 h'), sized by its magnitude, never '-0 min'."""
    size = abs(minutes) if sign else minutes
    if size >= DAYS_FROM_MINUTES:
        number, places, unit = minutes / (24 * 60), 1, " days"
    elif size >= HOURS_FROM_MINUTES:
        number, places, unit = minutes / 60, 1, " h"
    else:
        number, places, unit = minutes, 0, " min"
    if sign:
        return signed(number, places, unit)
    shown = f"{number:,.{places}f}"
    return "under 1 min" if minutes > 0 and shown == "0" else shown + unit


def format_value(value, kind: str) -> str:
    if value is None or pd.isna(value):
        return MISSING
    return _SHOWN[kind][0](value)


def format_followers(count) -> str:
    """A follower count as the tables show it: '1,250,000', or MISSING when the platform
    gave none (unknown, which is not zero)."""
    return MISSING if count is None or pd.isna(count) else f"{int(count):,}"


def round_half_up(value: float, places: int = 1) -> float:
    """value to `places` decimals with a half rounded away from zero, as the data grid's
    '%.1f' (JavaScript's toFixed, on the float's exact value) rounds it: 17.25 -> 17.3, where
    an f-string rounds the half to even, 17.2, and a caption disagreed with its grid."""
    return float(Decimal(float(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def format_decimal(value, places: int = 1) -> str:
    """A number with `places` decimals as round_half_up rounds it (and the grid shows it)."""
    if value is None or pd.isna(value):
        return MISSING
    return f"{round_half_up(value, places):.{places}f}"


def listed(words: list[str], last: str = "and") -> str:
    """'platform', 'platform and page', 'brands, platforms or pages'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def in_zone(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """frame with its times (the warehouse's instants) on the chosen zone's clock, as Trends
    and the Weekly page show theirs: the Amplification and Ghost Town lists gave UTC times
    beside the zone's weeks and the sidebar's dates. The CSVs keep the offset."""
    times = [column for column in frame.columns if isinstance(frame[column].dtype, pd.DatetimeTZDtype)]
    return frame.assign(**{column: frame[column].dt.tz_convert(tz) for column in times})


def counted(count: int, noun: str) -> str:
    """'1 request', '1,250 requests': a count with its noun in the number it needs."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def all_of(count: int, noun: str) -> str:
    """'all 3 requests', or 'the one request': 'all 1 requests' read as a slip."""
    return f"the one {noun}" if count == 1 else f"all {counted(count, noun)}"


def format_significant(value, digits: int = 3) -> str:
    """'6,840', '69.4', '0.0312': `digits` significant figures written out, where '%.3g' wrote
    a risk of 6,840 as '6.84e+03'."""
    if value is None or pd.isna(value) or not math.isfinite(value):
        return MISSING
    rounded = float(f"{float(value):.{digits}g}")
    if rounded == 0:
        return "0"
    places = max(0, digits - 1 - math.floor(math.log10(abs(rounded))))
    written = f"{rounded:,.{places}f}"
    return written.rstrip("0").rstrip(".") if places else written  # '2.5', as '%.3g' wrote it


def file_slug(parts, limit: int | None = 60) -> str:
    """Names for a file name: letters and digits kept, the rest one '-', lower case, at most
    `limit` characters ('Aldermoor Air', '@AldermoorAir' -> 'aldermoor-air-aldermoorair')."""
    return re.sub(r"[^A-Za-z0-9]+", "-", "-".join(p for p in parts if p)).strip("-").lower()[:limit].strip("-")


def distinct_slug(parts) -> str:
    """file_slug of the names, with a short digest of them where the slug is cut or loses them
    (a name in another script slugs to nothing), so such names still give different file names.
    Names whose whole slugs are equal share one (case and punctuation apart: 'Acme!' and 'ACME')."""
    named = [part for part in parts if part]
    slug = file_slug(named)
    if slug and slug == file_slug(named, limit=None):
        return slug
    digest = hashlib.sha256("\n".join(named).encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


def dated_stem(what: str, names, since, as_of, tz: str) -> str:
    """A download's file name stem: what-<names>-[<first day>-]<as-of day>, the days in zone tz,
    names slugged by distinct_slug (left out when there are none): two exports of other brands,
    pages or dates get different names."""
    slug = distinct_slug(names) if any(names) else ""  # no names: no digest of nothing
    parts = [what, slug] + [f"{local_date(moment, tz):%Y%m%d}" for moment in (since, as_of) if moment is not None]
    return "-".join(part for part in parts if part)


def format_delta(change, kind: str) -> str | None:
    """A change (this value minus the one before) as shown; a share's in points."""
    if change is None or pd.isna(change):
        return None
    return _SHOWN[kind][1](change)


def format_change(now, before, kind: str) -> str | None:
    """The change from `before` to `now` as format_delta shows it; None when either is missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    if kind == "share":
        # the difference of the percentages a reader sees (40.0% to 39.2%: -0.8 pts), which
        # may round differently from the difference of the shares at an exact half point
        return _points(now * 100 - before * 100)
    return format_delta(now - before, kind)


KM_NOT_REACHED = "not reached"


def km_not_reached(minutes, requests) -> bool:
    """There were requests but fewer than half were answered: the Kaplan–Meier median is
    undefined (longer than any wait seen), which is not missing data. Requests unknown (None,
    or <NA>: a stored week's brand absent from the week before) count as none."""
    known = requests is not None and not pd.isna(requests)
    return bool((minutes is None or pd.isna(minutes)) and known and requests > 0)


def km_not_reached_said(whose: str, by_when: str, requests: int) -> str:
    """Why a KM median is 'not reached', in words: of `whose` requests ('the 12 requests'),
    fewer than half were answered by `by_when` (Overview's caption, Weekly's note); of one
    request, that it was not ('fewer than half of the 1 request were answered' read as a slip)."""
    answered = f"{whose} was not answered" if requests == 1 else f"fewer than half of {whose} were answered"
    return f"KM median response {KM_NOT_REACHED}: {answered} by {by_when}, so the median wait is longer than any seen."


def format_km_median(minutes, requests) -> str:
    """A KM median as shown: 'not reached' (see km_not_reached), else format_value."""
    return KM_NOT_REACHED if km_not_reached(minutes, requests) else format_value(minutes, "minutes")


def with_km_median_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table of groups (with requests and km_median_minutes) whose KM median is
    the text format_km_median gives: a data grid has no way to say 'not reached' for a
    missing number (it would print 'None'), so the column becomes text, as on the cards."""
    shown = frame.copy()
    shown["km_median_minutes"] = [format_km_median(minutes, requests) for minutes, requests
                                  in zip(frame["km_median_minutes"], frame["requests"])]
    return shown


def delta_style(shown: str | None, color: str, chance: bool = False) -> dict:
    """st.metric's delta_color and delta_arrow for a shown change: no colour and no arrow
    when it shows zero ('+0', '+0.0 pts'), else `color` ('normal', 'inverse', or 'off' for a
    volume, which is neither good nor bad). A coloured change also says in a word whether it
    is better or worse (delta_description): the arrow gives only the direction, and red and
    green alone are lost on a colour-blind reader, a grey print or a screen reader (WCAG 1.4.1).
    chance: a rate's change that chance may explain (care_stats.may_be_chance) is grey and
    says so, neither better nor worse."""
    if shown is None or not any(digit in shown for digit in "123456789"):
        return {"delta_color": "off", "delta_arrow": "off"}
    if chance and color != "off":
        return {"delta_color": "off", "delta_arrow": "auto", "delta_description": MAY_BE_CHANCE}
    style = {"delta_color": color, "delta_arrow": "auto"}
    if color != "off":
        style["delta_description"] = verdict(worse=shown.startswith("-") == (color == "normal"))
    return style


MAY_BE_CHANCE = "may be chance"


def chance_help(counts: str) -> str:
    """A rate card's help: what its grey 'may be chance' change means, at the counts (of
    decided requests, say) the rate is a share of."""
    return (f" A change shown grey as '{MAY_BE_CHANCE}' is one a two-proportion test at 95% cannot tell "
            f"from chance at these counts of {counts}.")


# The counts each rate is a share of, whose change a two-proportion test weighs at them (net
# sentiment, (positive - negative) / (positive + negative), as the share positive of the two),
# and what they count, in the cards' help
RATE_TRIALS = {"ghost_town_rate": (("answered", "ignored"), "decided requests"),
               "sla_rate": (("answered", "ignored"), "decided requests"),
               "complaint_share": (("scored",), "scored mentions"),
               "net_sentiment": (("positive", "negative"), "positive and negative mentions"),
               "deflection_rate": (("scored_responses",), "requests with a scored response")}


# A median's change is not weighed: no test of it stands on the counts a week's row keeps (it
# needs the response times themselves), and a bootstrap of the demo's Aldermoor Air weeks gave
# 95% intervals of 589-1,318 and 679-1,232 min, over which '+48 min' read 'worse' in red (a review)
NOT_WEIGHED = "not weighed against chance"


def km_delta_style(shown: str | None) -> dict:
    """st.metric's style of a KM median's change as shown (a delta, or weekly_cards.km_change's 'was ...'):
    grey with neither 'better' nor 'worse' but NOT_WEIGHED, as rates' changes are weighed and it
    is not; no arrow where it has no size ('was not reached'), none at all where it shows zero."""
    if not shown or not any(digit in shown for digit in "123456789") and KM_NOT_REACHED not in shown:
        return {"delta_color": "off", "delta_arrow": "off"}
    return {"delta_color": "off", "delta_arrow": "auto" if shown[0] in "+-" else "off",
            "delta_description": NOT_WEIGHED}


def verdict(worse: bool) -> str:
    """A coloured change's meaning in a word, beside its red or green (delta_style)."""
    return "worse" if worse else "better"
