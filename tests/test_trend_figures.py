"""Trends chart builders (Vega-Lite), tested on their data: wall-clock times that no browser
zone can shift, and the fields a click returns."""

from __future__ import annotations

import pandas as pd
import pytest

from app import figures, rate_charts, trend_figures, trends


def _rows(chart) -> list[dict]:
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _points_encoding(chart) -> dict:
    """The encoding of a line chart's points (the chart's shared one, with the points layer's
    shape and tooltip): what a reader hovers and clicks."""
    spec = chart.to_dict()
    [points] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "point"]
    return {**spec["encoding"], **points["encoding"]}


@pytest.mark.parametrize("zone", [None, "Asia/Singapore", "America/Los_Angeles"])
def test_a_bucket_is_drawn_at_its_wall_clock_time_in_any_zone(zone):
    bucket = pd.Timestamp("2025-03-04 00:00", tz=zone)
    frame = pd.DataFrame({"bucket": [bucket], "brand": ["<b>Quill</b>"], "mentions": [7]})
    [row] = _rows(trend_figures.volume_figure(frame))
    assert row["at"] == pd.Timestamp("2025-03-04", tz="UTC").value // 1_000_000
    assert row["when"] == "2025-03-04"
    assert (row["bucket_key"], row["brand"], row["mentions"]) == (bucket.isoformat(), "<b>Quill</b>", 7)


@pytest.mark.parametrize(("builder", "series", "value"), [
    (trend_figures.volume_figure, "brand", "mentions"),
    (trend_figures.sentiment_figure, "brand", "net_sentiment"),
    (trend_figures.reasons_figure, "reason", "complaints"),
    (trend_figures.share_figure, "brand", "share"),
])
def test_every_series_chart_offers_a_click_on_bucket_and_series(builder, series, value):
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-03", "2025-03-04"]), series: ["x", "y"],
                          value: [0.2, 0.3], "positive": [3, 1], "negative": [2, 1]})
    spec = builder(frame).to_dict()
    [pick] = [p for p in spec["params"] if p["name"] == trend_figures.PICK]
    assert pick["select"]["fields"] == ["bucket_key", series]


@pytest.mark.parametrize("builder", [trend_figures.volume_figure, trend_figures.sentiment_figure,
                                     trend_figures.share_figure])
def test_a_line_charts_click_and_tooltip_are_on_its_points_not_its_lines(builder):
    """A line is one mark per series: a click on it returned the series' first datum, so a
    click on a brand's peak day (on the line drawn with it, or the point mark_line drew over
    it) listed the mentions of its first day, and its tooltip named that day (a review, in
    Chromium). The pick and the tooltip belong to the points, a layer of their own."""
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-03", "2025-03-04"]), "brand": ["A", "A"],
                          "mentions": [3, 900], "net_sentiment": [0.1, -0.9], "share": [0.4, 0.9],
                          "positive": [2, 1], "negative": [1, 8]})
    spec = builder(frame).to_dict()
    marks = {layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]: layer
             for layer in spec.get("layer", [])}
    assert set(marks) == {"line", "point"}, spec.get("mark")
    [pick] = [p for p in spec["params"] if p["name"] == trend_figures.PICK]
    assert pick["views"] == [marks["point"]["name"]]
    assert "point" not in marks["line"]["mark"] and "tooltip" not in marks["line"].get("encoding", {})
    assert "tooltip" not in spec["encoding"] and "tooltip" in marks["point"]["encoding"]


def test_spikes_are_pickable_and_an_empty_history_still_draws():
    counts = pd.DataFrame({"A": [1, 9]}, index=pd.to_datetime(["2025-03-03 10:00", "2025-03-03 11:00"]))
    alerts = pd.DataFrame({"brand": ["A"], "window_start": [counts.index[1]], "count": [9]})
    chart = trend_figures.spikes_figure(counts, alerts)
    assert {(r["when"], r["negative"]) for r in _rows(chart)} >= {("2025-03-03 11:00", 9), ("2025-03-03 10:00", 1)}
    spec = chart.to_dict()
    [pick] = [p for p in spec["params"] if p["name"] == trend_figures.PICK]
    assert pick["select"]["fields"] == ["bucket_key", "brand"]
    assert pick["views"] == [spec["layer"][1]["name"]]  # on the diamonds, not the lines
    # in no brand's colour: crimson diamonds read as points of the brand drawn in red (a review)
    from app.brand_colours import PALETTE
    mark = spec["layer"][1]["mark"]
    assert mark["color"] == trend_figures.SPIKE_COLOUR not in PALETTE and mark["stroke"] == "white"
    empty = trend_figures.spikes_figure(counts.iloc[:0], alerts.iloc[:0])
    assert len(empty.to_dict()["layer"]) == 2 and _rows(empty) == []


def test_legends_and_tooltips_show_invisible_characters_but_a_click_returns_the_name():
    name = "Quill\u202efeather"  # a right-to-left override would reverse what follows it
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-04"]), "brand": [name], "mentions": [3]})
    chart = trend_figures.volume_figure(frame)
    [row] = _rows(chart)
    assert row["label"] == "Quill<U+202E>feather" and row["brand"] == name
    encoding = _points_encoding(chart)
    assert encoding["color"]["field"] == "label" and encoding["color"]["sort"] == ["Quill<U+202E>feather"]
    assert "brand" not in {t["field"] for t in encoding["tooltip"]}
    counts = pd.DataFrame({name: [3]}, index=pd.to_datetime(["2025-03-04"]))
    lines = trend_figures.spikes_figure(counts, pd.DataFrame(columns=["brand", "window_start", "count"])).to_dict()
    assert lines["layer"][0]["encoding"]["color"]["field"] == "label"


@pytest.mark.parametrize("builder", [trend_figures.volume_figure, trend_figures.reasons_figure,
                                     trend_figures.sentiment_figure, trend_figures.share_figure])
def test_weekly_buckets_tick_on_their_mondays_and_the_axis_starts_at_the_first(builder):
    """ISO weeks start on Monday: Vega's own week ticks fell on Sundays (2026-04-05 under the
    week of 2026-03-30) and its 'nice' domain began on the Sunday before the first bucket."""
    mondays = pd.date_range("2026-03-30", periods=30, freq="7D")  # 30 ISO weeks
    frame = pd.DataFrame({"bucket": mondays, "brand": "A", "reason": "delay", "mentions": 3,
                          "complaints": 3, "net_sentiment": 0.1, "share": 0.5, "positive": 2, "negative": 1})
    x = builder(frame, grain="week").to_dict()["encoding"]["x"]
    assert x["scale"]["nice"] is False
    ticks = [pd.Timestamp(year=t["year"], month=t["month"], day=t["date"], hour=t["hours"])
             for t in x["axis"]["values"]]
    assert ticks[0] == mondays[0] and all(t.day_of_week == 0 for t in ticks)
    assert set(ticks) <= set(mondays) and len(ticks) <= figures.MOST_WEEK_TICKS
    assert all(t["utc"] for t in x["axis"]["values"])  # wall-clock times, as the points are drawn
    # each tick its ISO week over its Monday, as Ghost Town and Weekly name weeks (ux58b B9)
    # its ISO week over its Monday, two lines: compared with the constant itself, a tick without
    # the Monday passed
    assert _labels(x)[0] == "2026-W14"
    assert x["axis"]["labelExpr"] == "[datum.label, utcFormat(datum.value, '%-d %b')]"
    # no axis widens before the first bucket
    daily = builder(frame.assign(bucket=pd.date_range("2026-04-01", periods=30)), grain="day").to_dict()
    assert daily["encoding"]["x"]["scale"]["nice"] is False


def _ticks(x: dict) -> list[pd.Timestamp]:
    return [pd.Timestamp(year=t["year"], month=t["month"], day=t["date"], hour=t["hours"]) for t in x["axis"]["values"]]


def _labels(x: dict) -> list[str]:
    """The tick labels the axis shows (its d3 format, as strftime reads it)."""
    return [tick.strftime(x["axis"]["format"]) for tick in _ticks(x)]


@pytest.mark.parametrize("builder", [trend_figures.volume_figure, trend_figures.reasons_figure,
                                     trend_figures.sentiment_figure, trend_figures.share_figure])
@pytest.mark.parametrize("days", [3, 61])
def test_daily_buckets_tick_on_their_starts_and_no_date_repeats(builder, days):
    """Vega ticked three days every 6 hours, each labelled by its date only: '2026-10-20' four
    times, then '2026-10-21' four times (a review)."""
    days_shown = pd.date_range("2026-10-20", periods=days)
    frame = pd.DataFrame({"bucket": days_shown, "brand": "A", "reason": "delay", "mentions": 3,
                          "complaints": 3, "net_sentiment": 0.1, "share": 0.5, "positive": 2, "negative": 1})
    x = builder(frame, grain="day").to_dict()["encoding"]["x"]
    ticks = _ticks(x)
    assert ticks[0] == days_shown[0] and set(ticks) <= set(days_shown) and len(ticks) <= figures.MOST_WEEK_TICKS
    if days <= figures.MOST_WEEK_TICKS:
        assert ticks == list(days_shown)  # a few days: every one labelled
    assert _labels(x) == [f"{t:%Y-%m-%d}" for t in ticks] and len(set(_labels(x))) == len(ticks)


def _spikes_x(index: pd.DatetimeIndex, grain: str) -> dict:
    counts = pd.DataFrame({"A": range(len(index))}, index=index)
    alerts = pd.DataFrame(columns=["brand", "window_start", "count"])
    return trend_figures.spikes_figure(counts, alerts, grain=grain).to_dict()["layer"][0]["encoding"]["x"]


def test_hourly_buckets_are_labelled_with_their_times_on_round_hours():
    hours = pd.date_range("2026-10-20 00:00", periods=24, freq="h")
    x = _spikes_x(hours, "hour")
    assert _labels(x) == ["2026-10-20 00:00", "2026-10-20 06:00", "2026-10-20 12:00", "2026-10-20 18:00"]
    # over weeks of hours, midnights, at most MOST_HOUR_TICKS of them, and never a label twice
    weeks = _spikes_x(pd.date_range("2026-10-20 07:00", periods=24 * 40, freq="h"), "hour")
    assert all(t.hour == 0 for t in _ticks(weeks)) and len(_ticks(weeks)) <= trend_figures.MOST_HOUR_TICKS
    assert len(set(_labels(weeks))) == len(_ticks(weeks))
    # daily spike buckets are dated, as the other charts' days, on the axis and in the tooltips
    days = _spikes_x(pd.date_range("2026-10-20", periods=3), "day")
    assert _labels(days) == ["2026-10-20", "2026-10-21", "2026-10-22"]
    counts = pd.DataFrame({"A": [1, 2, 3]}, index=pd.date_range("2026-10-20", periods=3))
    spec = trend_figures.spikes_figure(counts, pd.DataFrame(columns=["brand", "window_start", "count"]),
                                       grain="day").to_dict()
    [lines] = [rows for rows in spec["datasets"].values() if rows]
    assert [row["when"] for row in lines] == ["2026-10-20", "2026-10-21", "2026-10-22"]


@pytest.mark.parametrize("build", [
    lambda frame: trend_figures.volume_figure(frame).to_dict()["encoding"]["y"],
    lambda frame: trend_figures.reasons_figure(frame).to_dict()["encoding"]["y"],
    lambda frame: trend_figures.spikes_figure(frame.set_index("bucket")[["mentions"]],
                                              pd.DataFrame(columns=["brand", "window_start", "count"])
                                              ).to_dict()["layer"][0]["encoding"]["y"]])
def test_a_count_axis_is_made_nice_for_the_ticks_it_labels(build):
    """Vega made the domain nice for 10 ticks but labelled fewer: a day of 35 rose above the top
    label, 30 (a review). Made nice for the count of ticks it labels, the domain ends on one
    (seen in Chromium when this was written; here, the spec that makes it so)."""
    frame = pd.DataFrame({"bucket": pd.date_range("2026-10-20", periods=3), "brand": "A", "reason": "delay",
                          "mentions": [35, 30, 29], "complaints": [35, 30, 29]})
    y = build(frame)
    assert y["scale"]["nice"] == y["axis"]["tickCount"] == {"expr": "ceil(height / 40)"}


def test_a_fixed_value_axis_keeps_its_domain():
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2026-10-20"]), "brand": "A", "net_sentiment": 0.5, "share": 0.5,
                          "positive": 1, "negative": 0})
    assert trend_figures.sentiment_figure(frame).to_dict()["encoding"]["y"]["scale"] == {"domain": [-1, 1]}
    share = trend_figures.share_figure(frame).to_dict()["encoding"]["y"]
    assert share["scale"] == {"domain": [0, 1]} and share["axis"] == {"format": "%"}


def test_net_sentiment_says_how_many_mentions_a_point_is_of():
    # a day of ten mentions swings from -1 to +1: the tooltip gives its positive and negative counts
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-04"]), "brand": ["A"], "net_sentiment": [-1.0],
                          "positive": [0], "negative": [4], "mentions": [9]})
    chart = trend_figures.sentiment_figure(frame)
    [row] = _rows(chart)
    assert (row["positive"], row["negative"]) == (0, 4)
    shown = [t["field"] for t in _points_encoding(chart)["tooltip"]]
    assert shown == ["label", "when", "net_sentiment", "positive", "negative"]


@pytest.mark.parametrize("build", [
    lambda frame: trend_figures.volume_figure(frame).to_dict()["encoding"]["color"],
    lambda frame: next(layer["encoding"]["color"] for layer in rate_charts.rate_over_time(
        frame.assign(week=frame["bucket"].dt.strftime("%G-W%V"), ghost_town_rate=0.5, ghost_town_ci_low=0.4,
                     ghost_town_ci_high=0.6, requests=10), "week", "brand").to_dict()["layer"])])
def test_a_legend_of_many_brands_wraps_under_the_chart(build):
    # one row of six brands ran past the right edge at 1280 px ('Zephyrine Airw', user review)
    brands = [f"Brand number {i}" for i in range(6)]
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-04"] * 6), "brand": brands, "mentions": 3})
    legend = build(frame)["legend"]
    # under the chart, two a row: rows of four ran past a phone's 390 px and cut one at 1024 px
    assert legend["orient"] == "bottom" and legend["columns"] == 2 < len(brands)
    assert legend["symbolOpacity"] == 1  # the rate chart's half-transparent rules left a yellow swatch unseen


def test_a_complaint_reason_keeps_its_colour_whatever_is_shown_beside_it():
    # 'delay' took the 2nd colour for one brand (no cancellations), the 3rd for all (a review)
    def colour_of_delay(reasons):
        frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-03"] * len(reasons)), "reason": reasons,
                              "complaints": [4] * len(reasons)})
        scale = trend_figures.reasons_figure(frame).to_dict()["encoding"]["color"]["scale"]
        return dict(zip(scale["domain"], scale["range"]))["delay"]
    assert "delay" in trend_figures.REASONS
    assert colour_of_delay(["delay"]) == colour_of_delay(["cancellation", "lost or damaged item", "delay"])


def test_a_weeks_tooltip_names_its_monday_and_its_iso_week():
    # Trends said '2026-03-30' where Ghost Town says '2026-W14' of the same week (a review)
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2026-03-30"]), "brand": ["Quill"], "mentions": [7]})
    assert [row["when"] for row in _rows(trend_figures.volume_figure(frame, grain="week"))] == [
        "2026-W14 (week of 2026-03-30)"]
    assert [row["when"] for row in _rows(trend_figures.volume_figure(frame))] == ["2026-03-30"]


def _colour_and_shape(encoding) -> dict:
    colour, shape = encoding["color"]["scale"], encoding["shape"]["scale"]
    assert encoding["shape"]["field"] == encoding["color"]["field"] and colour["domain"] == shape["domain"]
    return dict(zip(colour["domain"], zip(colour["range"], shape["range"])))


@pytest.mark.parametrize("build", [
    lambda frame, every: _points_encoding(trend_figures.volume_figure(frame, every)),
    lambda frame, every: _points_encoding(trend_figures.sentiment_figure(
        frame.assign(net_sentiment=0.1, positive=2, negative=1), every)),
    lambda frame, every: _points_encoding(trend_figures.share_figure(frame.assign(share=0.5), every)),
    lambda frame, every: next(layer["encoding"] for layer in rate_charts.rate_over_time(
        frame.assign(week="2025-W10", ghost_town_rate=0.5, ghost_town_ci_low=0.4, ghost_town_ci_high=0.6,
                     requests=10), "week", "brand", brands=every).to_dict()["layer"] if "shape" in layer["encoding"])])
def test_brands_the_palette_confuses_under_colour_blindness_differ_in_shape(build):
    # under deuteranopia the palette's red (3rd brand) and green (5th) are one colour, its
    # orange (2nd) and yellow (6th) nearly: a line's points, and the legend, differ in shape too
    from app.brand_colours import PALETTE
    every = ["Aldermoor Air", "Marrowby Market", "Nimbalo Mobile", "Quillnet Broadband", "Tessaro Home",
             "Zephyrine Airways"]
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-04"] * 6), "brand": every, "mentions": 3})
    marks = _colour_and_shape(build(frame, every))
    assert [colour for colour, _ in marks.values()] == list(PALETTE[:6])
    assert len({shape for _, shape in marks.values()}) == 6 and "diamond" not in {s for _, s in marks.values()}
    # a brand keeps its shape, as its colour, whatever is shown beside it
    assert _colour_and_shape(build(frame[frame["brand"] == "Tessaro Home"], every)) == {
        "Tessaro Home": marks["Tessaro Home"]}


def test_negative_volume_of_a_single_bucket_is_drawn_as_a_point():
    """One day of data: a line through one bucket draws nothing, and the spike chart showed
    bare axes. Over several buckets the line stays a plain line."""
    one = pd.DataFrame({"A": [1]}, index=pd.to_datetime(["2026-03-04"]))
    no_alerts = pd.DataFrame(columns=["brand", "window_start", "count"])
    mark = trend_figures.spikes_figure(one, no_alerts, grain="day").to_dict()["layer"][0]["mark"]
    assert mark["type"] == "line" and mark["point"]["size"] > 0
    two = pd.DataFrame({"A": [1, 2]}, index=pd.to_datetime(["2026-03-04", "2026-03-05"]))
    mark = trend_figures.spikes_figure(two, no_alerts, grain="day").to_dict()["layer"][0]["mark"]
    assert mark["type"] == "line" and not mark.get("point")


@pytest.mark.parametrize("builder", [trend_figures.volume_figure, trend_figures.sentiment_figure,
                                     trend_figures.share_figure])
def test_a_line_breaks_over_the_days_its_brand_has_no_mentions(builder):
    """Five days without a brand's mentions (an export not loaded, session 48): its line ran
    straight over them at the height of the days around, as if they held as many mentions,
    where the spike chart of the same mentions fell to 0. Each such day is a row of no value,
    which breaks a Vega-Lite line; the brand beside it, with mentions every day, has none."""
    days = pd.to_datetime(["2026-09-07", "2026-09-13", "2026-09-14"])
    frame = pd.DataFrame({"bucket": [*days, *pd.date_range("2026-09-07", "2026-09-14")],
                          "brand": ["Kestrel"] * 3 + ["Zephyr"] * 8, "mentions": 20, "net_sentiment": -0.2,
                          "share": 0.5, "positive": 4, "negative": 6})
    rows = _rows(builder(frame))
    value = {trend_figures.volume_figure: "mentions", trend_figures.sentiment_figure: "net_sentiment",
             trend_figures.share_figure: "share"}[builder]
    empty = sorted(row["when"] for row in rows if row[value] is None)
    assert empty == [f"2026-09-{day:02d}" for day in range(8, 13)]
    assert {row["brand"] for row in rows if row[value] is None} == {"Kestrel"}
    assert trends.missing_buckets(frame, "brand", "day").keys() == {"Kestrel"}


def test_weeks_without_mentions_are_found_on_the_wall_clock():
    # weeks from Monday, across the night the clocks go back, in an aware frame's own zone
    weeks = pd.to_datetime(["2026-10-12", "2026-11-02"]).tz_localize("Europe/London")
    frame = pd.DataFrame({"bucket": weeks, "brand": "A", "mentions": 3})
    [missing] = trends.missing_buckets(frame, "brand", "week").values()
    assert list(missing) == list(pd.to_datetime(["2026-10-19", "2026-10-26"]))
    assert trends.missing_buckets(frame.iloc[:1], "brand", "week") == {}


def test_a_value_is_headed_in_words_on_hover():
    # 'net_sentiment' on hover read as a code name beside the axis's 'net sentiment' (session 48)
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2025-03-04"]), "brand": ["A"], "net_sentiment": [-1.0],
                          "positive": [0], "negative": [4], "mentions": [9], "share": [1.0]})
    for builder, field in ((trend_figures.sentiment_figure, "net_sentiment"), (trend_figures.volume_figure, "mentions"),
                           (trend_figures.share_figure, "share")):
        titles = {t["field"]: t.get("title") for t in _points_encoding(builder(frame))["tooltip"]}
        assert titles[field] and "_" not in titles[field], (field, titles)


def test_a_share_says_on_hover_how_many_mentions_it_is_of():
    # 100% of a day of two mentions is no dominance: the brand's mentions and its set's, as
    # net sentiment gives its counts
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2026-09-18"] * 2 + ["2026-09-19"]), "brand": ["A", "B", "A"],
                          "mentions": [41, 52, 2], "share": [41 / 93, 52 / 93, 1.0]})
    chart = trend_figures.share_figure(frame)
    shown = {(row["brand"], row["when"]): (row["mentions"], row["set_mentions"]) for row in _rows(chart)}
    assert shown == {("A", "2026-09-18"): (41, 93), ("B", "2026-09-18"): (52, 93), ("A", "2026-09-19"): (2, 2)}
    assert [t["field"] for t in _points_encoding(chart)["tooltip"]][-2:] == ["mentions", "set_mentions"]


def test_each_bucket_and_name_is_written_out_once_not_once_a_row(monkeypatch):
    """Hourly negative counts of six brands over seven months are 31,000 rows: the bucket's
    key made row by row took 1 s of every rerun of the Spikes view (bench/page_timings.py,
    session 48). Made once a bucket, the rows are the same; and at once, not by bucket_key
    bucket by bucket (the 5,136 hours' 0.15 s of each render, session 52), the same text."""
    hours = pd.date_range("2026-10-01", periods=48, freq="h")
    counts = pd.DataFrame({brand: range(48) for brand in ("A", "B", "C")}, index=hours)
    made = []
    real = trend_figures.bucket_key
    monkeypatch.setattr(trend_figures, "bucket_key", lambda value: made.append(value) or real(value))
    rows = _rows(trend_figures.spikes_figure(counts, pd.DataFrame(columns=["brand", "window_start", "count"])))
    assert len(rows) == 3 * 48 and not made
    assert {(r["brand"], r["bucket_key"], r["when"], r["negative"]) for r in rows} == {
        (brand, real(hour), f"{hour:%Y-%m-%d %H:%M}", i) for brand in "ABC" for i, hour in enumerate(hours)}


@pytest.mark.parametrize("buckets", [pd.date_range("2026-03-28", periods=60, freq="h"),
                                     pd.date_range("2026-01-05", periods=9, freq="7D"),
                                     pd.date_range("2026-03-28", periods=3, freq="D", tz="Europe/Paris"),
                                     pd.DatetimeIndex(["2026-03-29 02:30:00.5", "NaT"])])
def test_the_keys_made_at_once_are_bucket_keys_text(buckets):
    # naive wall-clock buckets (hours, weeks) at once; a zoned or part-second one by bucket_key
    assert list(trend_figures._bucket_keys(buckets)) == [trend_figures.bucket_key(b) for b in buckets]


def test_a_chart_says_what_it_is_of_under_its_title():
    """A chart's own PNG (its toolbar's 'Download as PNG', for a slide) kept only the title:
    'Share of voice', without its dates, zone or comparison set (session 48)."""
    frame = pd.DataFrame({"bucket": pd.to_datetime(["2026-09-18"]), "brand": ["A"], "mentions": [4], "share": [1.0],
                          "net_sentiment": [0.5], "positive": [3], "negative": [1], "reason": ["delay"],
                          "complaints": [2]})
    scope = "1 Aug 2026 to 31 Oct 2026 (Europe/London) · twitter · within airline"
    for chart in (trend_figures.volume_figure(frame, scope=scope), trend_figures.sentiment_figure(frame, scope=scope),
                  trend_figures.share_figure(frame, scope=scope), trend_figures.reasons_figure(frame, scope=scope),
                  trend_figures.spikes_figure(pd.DataFrame({"A": [3]}, index=frame["bucket"]),
                                              pd.DataFrame(columns=["brand", "window_start", "count"]), scope=scope)):
        spec = chart.to_dict()
        title = spec.get("title") or spec["layer"][0]["title"]
        assert title["subtitle"] == scope, title


def test_a_day_whose_midnight_the_zone_skips_is_a_day_like_any_other():
    """Santiago skips 00:00 on 6 Sep 2026: in an aware frame that day's bucket starts at 01:00.
    It was read as a day without mentions (named in the note, the day holding 5), and a day
    without mentions there got no break: its row was left out as a time the zone skips."""
    zone = "America/Santiago"
    held = pd.DatetimeIndex([pd.Timestamp("2026-09-05", tz=zone), pd.Timestamp("2026-09-06 01:00", tz=zone),
                             pd.Timestamp("2026-09-08", tz=zone)])
    frame = pd.DataFrame({"bucket": held, "brand": "A", "mentions": 5})
    [missing] = trends.missing_buckets(frame, "brand", "day").values()
    assert list(missing) == [pd.Timestamp("2026-09-07")]
    around = frame.iloc[[0, 2]].assign(bucket=pd.to_datetime(["2026-09-05", "2026-09-07"]).tz_localize(zone))
    empty = [row["when"] for row in _rows(trend_figures.volume_figure(around)) if row["mentions"] is None]
    assert empty == ["2026-09-06"]


def test_a_spike_in_the_repeated_hour_says_on_hover_that_it_covers_two_hours():
    """The spikes chart draws a fall-back hour's true count (48, two real hours) and its diamond's
    tooltip says the bucket's length; a chart of nominal buckets has no such field."""
    counts = pd.DataFrame({"A": [12, 48]}, index=pd.to_datetime(["2020-10-25 00:00", "2020-10-25 01:00"]))
    alerts = pd.DataFrame({"brand": ["A"], "window_start": [counts.index[1]], "count": [48], "hours": [2.0]})
    spec = trend_figures.spikes_figure(counts, alerts).to_dict()
    assert {"field": "length", "title": "bucket length", "type": "nominal"} in spec["layer"][1]["encoding"]["tooltip"]
    assert {(r["when"], r["negative"], r["length"]) for r in _rows(trend_figures.spikes_figure(counts, alerts))
            if "length" in r} == {("2020-10-25 01:00", 48, "2 h: clocks went back")}
    plain = trend_figures.spikes_figure(counts, alerts.assign(hours=1.0)).to_dict()
    assert "length" not in {t["field"] for t in plain["layer"][1]["encoding"]["tooltip"]}


@pytest.mark.parametrize("zone, lengths", [("Europe/London", ["", "2 h: clocks went back"]), ("UTC", None),
                                           ("America/New_York", None)])
def test_the_line_through_the_repeated_hour_says_its_length_too(zone, lengths):
    """The line's hover said '48' bare where the diamond on it said '2 h': the line's buckets have
    their length from the zone, a zone without a change that night none."""
    counts = pd.DataFrame({"A": [12, 48]}, index=pd.to_datetime(["2020-10-25 00:00", "2020-10-25 01:00"]))
    chart = trend_figures.spikes_figure(counts, pd.DataFrame(columns=["brand", "window_start", "count"]), tz=zone)
    line = chart.to_dict()["layer"][0]
    rows = [r for r in _rows(chart) if "negative" in r]
    if lengths is None:
        assert "length" not in {t["field"] for t in line["encoding"]["tooltip"]}
        assert not any("length" in r for r in rows)
    else:
        assert {"field": "length", "title": "bucket length", "type": "nominal"} in line["encoding"]["tooltip"]
        assert [r["length"] for r in sorted(rows, key=lambda r: r["when"])] == lengths
