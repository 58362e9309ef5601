"""Pure chart builders for the Trends page: frames in, Vega-Lite (Altair) charts out.

Vega-Lite rather than Plotly here: these charts are the page's first view, and Streamlit's
Vega-Lite element loads in a fraction of the time Plotly's 4.7 MB library takes on every new
visit (bench/dashboard_bench.py measures both beside the app). Plotly stays where a figure is
exported through kaleido or drawn as a network.

Names are data, not markup: Vega-Lite draws labels as SVG text and its tooltips escape HTML,
so names are not escaped (that would show entities); legends and tooltips show `label`, the
name through safe.visible, so bidi and zero-width characters are shown, not obeyed (as on
the rates chart). Each point carries `bucket_key` (the bucket's ISO text) and its raw series
name, which a click returns as the chart's `pick` selection.
Times are wall-clock times of the chosen zone, drawn on a UTC scale so the browser's own
zone never shifts them.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from etl import spikes as spike_rule, text_rules

from . import brand_colours, safe
from .figures import bucket_tick_dates
from .trends import ISO_WEEK, bucket_length, missing_buckets

PICK = "pick"  # the selection a click makes; its value comes back in the chart's event
_HEIGHT = 320


def bucket_key(value) -> str:
    """The ISO text that identifies a bucket in selections and selectboxes."""
    return pd.Timestamp(value).isoformat()


def _bucket_keys(buckets: pd.DatetimeIndex) -> np.ndarray:
    """bucket_key of each bucket: at once (numpy's ISO text, the same to the letter) for
    wall-clock times of whole seconds, as every bucket is; one by one otherwise. One by one, the
    5,136 hourly buckets of the demo's seven months took 0.15 s of each Spikes render, two
    years' 0.31 s (session 52)."""
    if buckets.tz is None and (buckets == buckets.floor("s")).all():
        return np.datetime_as_string(buckets.to_numpy(), unit="s").astype(object)
    return np.array([bucket_key(b) for b in buckets], dtype=object)


def _wall_clock_ms(values) -> pd.Series:
    """Milliseconds since 1970 of each wall-clock time, as if it were UTC (see the module note)."""
    times = pd.to_datetime(pd.Series(values))
    if times.dt.tz is not None:
        times = times.dt.tz_localize(None)
    return (times - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1)


# Each grain's bucket, and how its axis labels it: a time of day only where buckets are hours
# (days labelled by date had ticks every 6 hours, each day's date four times: a review).
BUCKETS = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}
TICK_FORMATS = {"hour": "%Y-%m-%d %H:%M", "day": "%Y-%m-%d", "week": ISO_WEEK}
# a week's tick: its ISO week over its Monday ('2020-W53' over '28 Dec'), as Ghost Town, Weekly and the CLI
# name weeks where the Monday alone read 2020-12-28 (a review); two short lines, no wider than a date
WEEK_TICK = "[datum.label, utcFormat(datum.value, '%-d %b')]"
_HOUR_STEPS = (1, 2, 3, 6, 12)  # hours that divide a day, so each day's ticks fall on the same hours
MOST_HOUR_TICKS = 5  # a time's label is half as long again as a date's: Vega hid every other one of 8


def _time_axis(data: pd.DataFrame | None = None, grain: str = "day") -> alt.X:
    """The buckets' axis, from the first bucket (no 'nice' widening to the Sunday or month
    before it) to the last, its ticks on buckets' starts (tick_dates), where Vega's own fell
    between them (every 6 hours on days) or before them (on the Sunday before an ISO week)."""
    axis = {"format": TICK_FORMATS[grain], "labelAngle": 0, **({"labelExpr": WEEK_TICK} if grain == "week" else {})}
    if data is not None and len(data):
        ticks = tick_dates(pd.Timestamp(int(data["at"].min()), unit="ms"),
                           pd.Timestamp(int(data["at"].max()), unit="ms"), grain)
        axis["values"] = [_date_time(tick) for tick in ticks]
    return alt.X("at:T", title=None, scale=alt.Scale(type="utc", nice=False), axis=alt.Axis(**axis))


def tick_dates(first: pd.Timestamp, last: pd.Timestamp, grain: str) -> pd.DatetimeIndex:
    """The bucket starts to label: days and weeks from the first bucket, every one or every
    few (at most figures.MOST_WEEK_TICKS); hours on round hours of the clock (00:00, 06:00, ...) or,
    over more days, on midnights (at most MOST_HOUR_TICKS)."""
    if grain != "hour":
        return bucket_tick_dates(first, last, BUCKETS[grain])
    hours = (last - first) // BUCKETS["hour"] + 1
    step = next((h for h in _HOUR_STEPS if -(-hours // h) <= MOST_HOUR_TICKS), None)
    if step is None:  # beyond a few days of hours: midnights, every day or every few
        return bucket_tick_dates(first.ceil("D"), last, BUCKETS["day"], MOST_HOUR_TICKS)
    return pd.date_range(first.ceil(f"{step}h"), last, freq=f"{step}h")


def _date_time(at: pd.Timestamp) -> dict:
    """A Vega-Lite DateTime of a wall-clock time (an axis's explicit tick)."""
    return {"year": at.year, "month": at.month, "date": at.day, "hours": at.hour, "utc": True}


WEEK_WHEN = f"{ISO_WEEK} (week of %Y-%m-%d)"


def _points(frame: pd.DataFrame, series: str, value: str, when: str = "%Y-%m-%d",
            extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The chart's rows: at (for the axis), when (the bucket as text, for tooltips), the
    bucket_key and series a click returns, the series' label (what is shown), the value, and
    any `extra` columns (for tooltips)."""
    if not len(frame):
        return pd.DataFrame(columns=["at", "when", "bucket_key", series, "label", value, *extra])
    # each bucket's texts and each name's label made once, not once a row: hourly negative
    # counts of every brand over seven months are 31,000 rows, whose row-by-row texts took
    # 1 s of each rerun of the Spikes view (bench/page_timings.py, session 48)
    bucket_codes, buckets = pd.factorize(pd.to_datetime(frame["bucket"]))
    names = frame[series].astype(str)
    name_codes, distinct = pd.factorize(names)
    return pd.DataFrame({"at": _wall_clock_ms(buckets).to_numpy()[bucket_codes],
                         "when": buckets.strftime(when).to_numpy()[bucket_codes],
                         "bucket_key": _bucket_keys(buckets)[bucket_codes],
                         series: names.to_numpy(),
                         "label": np.array([safe.visible(n) for n in distinct], dtype=object)[name_codes],
                         value: frame[value].to_numpy(),
                         **{column: frame[column].to_numpy() for column in extra}})


def _title(text: str, scope: str | None):
    """A chart's title, with what it is of (dates, zone, filters) under it when given: the
    chart's own PNG (its toolbar's 'Download as PNG', for a slide) kept only the title, and a
    share of voice came without its dates, zone or comparison set (session 48)."""
    return alt.TitleParams(text, subtitle=scope) if scope else text


def _height(names) -> int:
    """A chart's height with its legend of `names` under it (brand_colours.legend_height)."""
    return _HEIGHT + brand_colours.legend_height(len(names))


def _legend(names, every: list[str] | None = None) -> alt.Color:
    """Colour by the shown label, legend in the order of `names`; with `every` (all brands,
    sorted: filters.brand_names()), each name's colour is that of its place there, so it
    does not change with the names shown beside it."""
    labels = [safe.visible(n) for n in names]
    scale = alt.Undefined
    if every is not None:
        scale = alt.Scale(domain=labels, range=brand_colours.colours(names, every))
    return alt.Color("label:N", sort=labels, scale=scale, title=None, legend=brand_colours.legend())


# Vega makes a count axis's domain nice for 10 ticks but labels one tick per 40 px, fewer on
# a short chart: a day of 35 rose above the top label, 30, unlabelled (a review). The domain
# made nice for the ticks labelled ends on one of them, at or above the highest value.
_Y_TICKS = alt.ExprRef("ceil(height / 40)")  # Vega-Lite's own y tick count, stated to be shared


def _count_y() -> tuple[alt.Scale, alt.Axis]:
    """A count axis's scale and axis, made nice for the ticks it labels."""
    return alt.Scale(nice=_Y_TICKS), alt.Axis(tickCount=_Y_TICKS)


def _value_y(y_scale: alt.Scale | None, y_format: str | None) -> tuple:
    """The value axis's scale and axis: a fixed domain (net sentiment's, share's) ends on a
    tick already; a count's is made to (_count_y)."""
    if y_scale is None:
        return _count_y()
    return y_scale, alt.Axis(format=y_format) if y_format else alt.Undefined


# A tooltip's counts (_series_chart's counts), headed in words
COUNT_TITLES = {"positive": "positive", "negative": "negative", "mentions": "mentions",
                "set_mentions": "comparison set's mentions"}


def _series_chart(frame: pd.DataFrame, series: str, value: str, title: str, y_title: str,
                  kind: str = "line", value_format: str = ",d", y_scale: alt.Scale | None = None,
                  y_format: str | None = None, every: list[str] | None = None,
                  grain: str = "day", counts: tuple[str, ...] = (), scope: str | None = None) -> alt.Chart:
    """every: all the series there are (brands, reasons), whose order gives each its colour
    (see _legend); counts: more columns of the frame (counts) in the tooltip, after the value;
    scope: what the chart is of, under its title (_title)."""
    title = _title(title, scope)
    order = series_names(frame, series)
    if kind == "line":
        frame = _with_breaks(frame, series, grain)
    # a week's tooltip names its ISO week too, as Ghost Town and the Weekly page label weeks
    data = _points(frame, series, value, WEEK_WHEN if grain == "week" else "%Y-%m-%d", extra=counts)
    pick = alt.selection_point(name=PICK, fields=["bucket_key", series], on="click")
    scale, axis = _value_y(y_scale, y_format)
    y = alt.Y(f"{value}:Q", title=y_title, stack="zero" if kind == "bar" else None, scale=scale, axis=axis)
    # each value headed in words, as the axis heads it ('net_sentiment' read as a code name)
    tooltip = [alt.Tooltip("label:N", title=series), alt.Tooltip("when:N", title="bucket"),
               alt.Tooltip(f"{value}:Q", format=value_format, title=y_title),
               *(alt.Tooltip(f"{column}:Q", format=",d", title=COUNT_TITLES.get(column, column))
                 for column in counts)]
    if kind == "bar":
        return alt.Chart(data, title=title, height=_height(order)).mark_bar().encode(
            x=_time_axis(data, grain), y=y, color=_legend(order, every), tooltip=tooltip).add_params(pick)
    return _lines_and_points(data, title, tooltip, pick, order, every).encode(
        x=_time_axis(data, grain), y=y, color=_legend(order, every))


def _with_breaks(frame: pd.DataFrame, series: str, grain: str) -> pd.DataFrame:
    """The frame with a row of no value at each bucket a series has no row in between its
    first and last (missing_buckets): its line breaks there. Drawn straight over them, a
    brand's line said a week of no mentions (an export not loaded) held as many as the days
    around it, where the spike chart of the same mentions fell to 0 (session 48)."""
    missing = missing_buckets(frame, series, grain)
    if not missing:
        return frame
    buckets = pd.DatetimeIndex([b for gone in missing.values() for b in gone])
    zone = pd.to_datetime(frame["bucket"]).dt.tz
    if zone is not None:
        # the frame's own zone, each at its day's first instant (as its rows): a midnight the zone
        # skips is 01:00, a repeated one its first; left out, the line ran on over that day
        buckets = buckets.tz_localize(zone, ambiguous=np.ones(len(buckets), bool), nonexistent="shift_forward")
    names = [name for name, gone in missing.items() for _ in gone]
    breaks = pd.DataFrame({"bucket": buckets, series: names})
    return pd.concat([frame, breaks], ignore_index=True)


def _lines_and_points(data: pd.DataFrame, title, tooltip: list, pick, order: list[str],
                      every: list[str] | None) -> alt.LayerChart:
    """A line per series under its points, the click and the tooltip on the points alone: a
    line is one mark per series, and a click on it (or on a point drawn with it, mark_line's
    point=) returned the series' first datum, so a click on a brand's peak day listed the
    mentions of its first day (a review, in Chromium)."""
    # a line's points also by shape: colour alone lost brands (brand_colours.SHAPES)
    shape = brand_colours.shape("label:N", [safe.visible(n) for n in order], order, every)
    points = alt.Chart().mark_point(filled=True, opacity=1, size=brand_colours.POINT_SIZE).encode(
        shape=shape, tooltip=tooltip).add_params(pick)
    return alt.layer(alt.Chart().mark_line(), points, data=data, title=title, height=_height(order))


def series_names(frame: pd.DataFrame, series: str) -> list[str]:
    """The series in the order the charts list them."""
    return list(dict.fromkeys(frame[series].astype(str))) if len(frame) else []


def volume_figure(frame: pd.DataFrame, brands: list[str] | None = None, grain: str = "day",
                  scope: str | None = None) -> alt.Chart:
    """brands: every brand, the order colours are given by (see _legend)."""
    return _series_chart(frame, "brand", "mentions", "Customer mentions", "mentions", every=brands,
                         grain=grain, scope=scope)


def sentiment_figure(frame: pd.DataFrame, brands: list[str] | None = None, grain: str = "day",
                     scope: str | None = None) -> alt.Chart:
    """The tooltip says how many positive and negative mentions a point is of: a day of ten
    swings from -1 to +1."""
    return _series_chart(frame, "brand", "net_sentiment", "Net sentiment", "net sentiment",
                         value_format="+.2f", y_scale=alt.Scale(domain=[-1, 1]), every=brands, grain=grain,
                         counts=("positive", "negative"), scope=scope)


# Every complaint reason the scorer gives, and the two it falls back on: each keeps its colour
# whatever the filter shows beside it ('delay' took the 2nd colour for one brand, the 3rd for
# all, a review), as brands keep theirs.
REASONS = [*(name for name, _ in text_rules.REASON_CUES), "other", "unclassified"]


def reasons_figure(frame: pd.DataFrame, grain: str = "day", scope: str | None = None) -> alt.Chart:
    return _series_chart(frame, "reason", "complaints", "Complaint mentions by reason", "complaint mentions",
                         kind="bar", grain=grain, every=REASONS, scope=scope)


def share_figure(frame: pd.DataFrame, brands: list[str] | None = None, grain: str = "day",
                 scope: str | None = None) -> alt.Chart:
    """frame: one comparison set's rows (one industry's, or the selected brands'). The tooltip
    says how many mentions a share is of, the brand's and its set's: 100% of a bucket of two
    mentions is no dominance (as net sentiment gives its counts)."""
    counts = ()
    if len(frame) and "mentions" in frame:
        frame = with_set_mentions(frame)
        counts = ("mentions", "set_mentions")
    return _series_chart(frame, "brand", "share", "Share of voice", "share of the comparison set",
                         value_format=".1%", y_scale=alt.Scale(domain=[0, 1]), y_format="%",
                         every=brands, grain=grain, counts=counts, scope=scope)


def with_set_mentions(frame: pd.DataFrame) -> pd.DataFrame:
    """Share-of-voice rows with each bucket's mentions of the whole comparison set beside them
    (kept where already there: a chart of the busiest brands still says a share is of the set,
    not of the brands it draws)."""
    if "set_mentions" in frame:
        return frame
    return frame.assign(set_mentions=frame.groupby("bucket")["mentions"].transform("sum"))


SPIKE_COLOUR = "black"  # no brand's: brand_colours.PALETTE has no black


def negative_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """trends.spike_alerts' bucket x brand counts as rows of bucket, brand and negative: the
    spikes chart's lines, and the table of its numbers."""
    if not len(counts.columns):
        return pd.DataFrame(columns=["bucket", "brand", "negative"])
    return counts.rename_axis("bucket").reset_index().melt(id_vars="bucket", var_name="brand", value_name="negative")


FREQS = {"hour": "h", "day": "D"}  # a spikes chart's grain as etl.spikes' frequency
_LENGTH_TOOLTIP = alt.Tooltip("length:N", title="bucket length")


def _bucket_hours(long: pd.DataFrame, buckets: pd.Index, grain: str, tz: str | None) -> np.ndarray:
    """Each row's bucket's real hours in zone tz (etl.spikes.bucket_hours); none (empty) where
    every bucket is its nominal length."""
    hours = spike_rule.bucket_hours(pd.DatetimeIndex(buckets), FREQS[grain], tz) if len(long) else None
    return np.array([]) if hours is None else long["bucket"].map(pd.Series(hours, index=buckets)).to_numpy()


def _with_length(frame: pd.DataFrame, hours, grain: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """frame with each row's bucket length said ('2 h: clocks went back'; '' where nominal) and
    the extra column for its tooltip; unchanged, no extra, where every bucket is nominal."""
    lengths = [bucket_length(h, FREQS[grain]) for h in hours]
    if not any(lengths):
        return frame, ()
    return frame.assign(length=[length or "" for length in lengths]), ("length",)


def spikes_figure(counts: pd.DataFrame, alerts: pd.DataFrame, brands: list[str] | None = None,
                  grain: str = "hour", scope: str | None = None, tz: str | None = None) -> alt.LayerChart:
    """Negative customer mentions per bucket (grain: hour or day) and brand (lines), spikes as
    black diamonds outlined in white that a click picks (bucket_key, brand): a red one read as
    a point of the brand drawn in the palette's red (a review). A bucket a clock change made
    longer or shorter in zone tz (the buckets' clock) says so on hover ('2 h: clocks went back'),
    beside its count: a spike by its alert's hours, a line's bucket by the zone's."""
    when = TICK_FORMATS[grain]  # a day's tooltip without a time of 00:00
    tooltip = [alt.Tooltip("label:N", title="brand"), alt.Tooltip("when:N", title="bucket"),
               alt.Tooltip("negative:Q", title="negative mentions")]
    # the diamonds' lengths are their alerts' hours; the lines', the zone's (they said '48' bare
    # through a diamond saying '2 h': a review)
    long = negative_counts(counts)
    long, line_extra = _with_length(long, _bucket_hours(long, counts.index, grain, tz), grain)
    spikes = alerts.rename(columns={"window_start": "bucket", "count": "negative"})
    spikes, extra = _with_length(spikes, spikes.get("hours", []), grain)
    line_tooltip = [*tooltip, _LENGTH_TOOLTIP] if line_extra else tooltip
    marked = [*tooltip, _LENGTH_TOOLTIP] if extra else tooltip
    points = _points(long, "brand", "negative", when, line_extra)
    x = _time_axis(points, grain)  # the lines' buckets, every one; the diamonds' are some of them
    scale, axis = _count_y()
    # a line through one bucket draws nothing (one day of data showed bare axes): then a point
    lone = points["bucket_key"].nunique() == 1
    lines = alt.Chart(points, title=_title("Negative volume and spikes", scope),
                      height=_height(list(counts.columns))).mark_line(
        point=alt.OverlayMarkDef(size=brand_colours.POINT_SIZE) if lone else False).encode(
        x=x, y=alt.Y("negative:Q", title="negative mentions", scale=scale, axis=axis), tooltip=line_tooltip,
        color=_legend([str(c) for c in counts.columns], brands))
    pick = alt.selection_point(name=PICK, fields=["bucket_key", "brand"], on="click")
    marks = alt.Chart(_points(spikes, "brand", "negative", when, extra)).mark_point(
        shape="diamond", size=130, filled=True, color=SPIKE_COLOUR, stroke="white", strokeWidth=1.5,
        opacity=1).encode(
        x=x, y="negative:Q", tooltip=marked).add_params(pick)
    return alt.layer(lines, marks)
