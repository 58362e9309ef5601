"""Ghost-town rate charts with their 95% intervals and reference line, as Vega-Lite (Altair).

Vega-Lite rather than Plotly for the same reason as app.trend_figures: the rates are the
Ghost Town page's first view, and Plotly's library costs about a second on every new visit.

Names are data, not markup: Vega-Lite draws them as SVG text and its tooltips escape HTML.
safe.visible still shows bidi and zero-width characters instead of letting them act.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from etl import snapshot
from etl.usage import UsageError

from . import brand_colours, safe
from .figures import GHOST_COLOUR, REFERENCE_COLOUR, REFERENCE_TEXT_COLOUR

_PERCENT = alt.Axis(format="%")
_UNIT = alt.Scale(domain=[0, 1])
NAME_JOIN = " · "
# A row's name in full, one line a part: Vega-Lite cuts an axis label at 180 px with an
# ellipsis, which took 'Facebook page 1047293847…' down to a number no reader can place.
# labelOverlap off: Vega hides a label that touches its neighbour, and a two-line name
# (a page under its brand) touched one in rows of 30 px, so every other row went unnamed
_NAME_AXIS = alt.Axis(labelLimit=0, labelOverlap=False, labelExpr=f"split(datum.label, '{NAME_JOIN}')")


def empty_chart(message: str) -> alt.Chart:
    """A blank chart that says why it is blank."""
    return alt.Chart(pd.DataFrame({"message": [message]}), height=80).mark_text(size=14).encode(
        text="message:N")


def _names(values: pd.Series, context: pd.Series | None = None) -> pd.Series:
    """Group names as shown: invisible characters made visible, a missing one '(none)'; with
    context (e.g. each page's brand), 'context · name', so a bare page id says whose it is."""
    names = values.map(lambda v: safe.visible(v) or "(none)")
    return names if context is None else _names(context) + NAME_JOIN + names


def _intervals(frame: pd.DataFrame, names: pd.Series, rate: str, low: str, high: str) -> pd.DataFrame:
    """The rows drawn; with the frame's ignored and answered counts, the counts the rate is of
    ('1 of 2'): the requests alone count the pending ones too, and 50% of 'requests 3' read as
    one of 3 where it was 1 of 2 decided."""
    rows = pd.DataFrame({"name": names.to_numpy(), "rate": frame[rate].to_numpy(float),
                         "low": frame[low].to_numpy(float), "high": frame[high].to_numpy(float),
                         "requests": frame["requests"].to_numpy(int)})
    if {"ignored", "answered"} <= set(frame.columns):
        ignored, answered = frame["ignored"].to_numpy(int), frame["answered"].to_numpy(int)
        rows["of_decided"] = [f"{i:,} of {i + a:,}" for i, a in zip(ignored, answered)]
    return rows


def _tooltip(rows: pd.DataFrame, *extra: alt.Tooltip) -> list[alt.Tooltip]:
    decided = [alt.Tooltip("of_decided:N", title="ignored of decided")] if "of_decided" in rows else []
    return [alt.Tooltip("name:N", title=""), *extra,
            alt.Tooltip("rate:Q", title="rate", format=".1%"), *decided,
            alt.Tooltip("low:Q", title="95% CI from", format=".1%"),
            alt.Tooltip("high:Q", title="to", format=".1%"),
            alt.Tooltip("requests:Q", format=",d")]


def _reference(value: float, label: str, axis: str) -> alt.LayerChart:
    """A dashed reference line at `value` on the rate axis (x or y), labelled."""
    line = pd.DataFrame({"value": [value], "label": [label]})
    rule = alt.Chart(line).mark_rule(strokeDash=[6, 4], color=REFERENCE_COLOUR)
    right_half = axis == "x" and value > 0.5  # label on the line's inner side, inside the plot

    def text(**style) -> alt.Chart:
        return alt.Chart(line).mark_text(align="right" if right_half else "left",
                                         dx=-4 if right_half else 4, dy=-6 if axis == "y" else 0,
                                         baseline="bottom" if axis == "y" else "top", **style)
    if axis == "x":  # the label above the plot area, clear of the first row
        at = {"x": "value:Q", "y": alt.value(-14), "text": "label:N"}
    else:  # inside the plot, where a series' line may cross it ('86% ghost town' sat on a brand's line, a review)
        at = {"y": "value:Q", "x": alt.value(0), "text": "label:N"}
    # on a white halo, readable over a line, and on white in the dark theme too: its dark grey
    # read at 3.2:1 on the dark page (no grey reads at 4.5:1 on both white and that)
    halo = text(color="white", stroke="white", strokeWidth=4, strokeJoin="round").encode(**at)
    return rule.encode(**{axis: "value:Q"}) + halo + text(color=REFERENCE_TEXT_COLOUR).encode(**at)


def rate_with_intervals(frame: pd.DataFrame, group: str, rate: str = "ghost_town_rate",
                        low: str = "ghost_town_ci_low", high: str = "ghost_town_ci_high",
                        shrunk: str | None = "ghost_town_rate_shrunk",
                        reference: float | None = None, reference_label: str = "",
                        title: str = "Ghost-town rate", context: str | None = None,
                        scope: str | None = None) -> alt.Chart | alt.LayerChart:
    """One row per group (in the frame's order, first on top): the rate as a dot with its 95%
    interval as a line, the shrunk (empirical-Bayes) estimate as a hollow diamond, and an
    optional reference line. Each row is named `group`, or 'context · group' with a context
    column (a page's brand); the axis shows a name whole, a line per part.

    frame: one row per group with `group`, `rate`, `low`, `high`, `requests` and optionally
    `shrunk` and `context`. scope: what the rates are of (dates, zone, platforms), under the title."""
    data = frame.dropna(subset=[rate])
    if data.empty:
        return empty_chart("No decided requests in this selection")
    rows = _intervals(data, _names(data[group], data[context] if context else None), rate, low, high)
    y = alt.Y("name:N", sort=list(rows["name"]), title=None, axis=_NAME_AXIS)
    x = alt.X("low:Q", scale=_UNIT, axis=_PERCENT, title="share of decided requests ignored")
    base = alt.Chart(rows)
    layers = [base.mark_rule(color=GHOST_COLOUR, strokeWidth=2).encode(x=x, x2="high:Q", y=y,
                                                                         tooltip=_tooltip(rows)),
              base.mark_circle(size=90, color=GHOST_COLOUR, opacity=1).encode(
                  x="rate:Q", y=y, tooltip=_tooltip(rows))]
    if shrunk and shrunk in data:
        rows["shrunk"] = data[shrunk].to_numpy(float)
        layers.append(alt.Chart(rows).mark_point(shape="diamond", size=110, color="black").encode(
            x="shrunk:Q", y=y, tooltip=_tooltip(rows, alt.Tooltip("shrunk:Q", title="shrunk rate",
                                                            format=".1%"))))
    if reference is not None:
        layers.append(_reference(reference, reference_label, "x"))
    return alt.layer(*layers, title=alt.TitleParams(title, subtitle=scope) if scope else title,
                     height=alt.Step(40 if context else 30))  # a line per part


def rate_over_time(frame: pd.DataFrame, x: str = "week", series: str | None = "brand",
                   rate: str = "ghost_town_rate", low: str = "ghost_town_ci_low",
                   high: str = "ghost_town_ci_high", reference: float | None = None,
                   reference_label: str = "", title: str = "Ghost-town rate by week",
                   brands: list[str] | None = None, unjoined_share: float | None = None,
                   scope: str | None = None) -> alt.Chart | alt.LayerChart:
    """One line per series over x (e.g. ISO week) with each point's 95% interval, and an
    optional horizontal reference line. brands (every brand, sorted): series of brands keep
    their colour on every page (app.brand_colours). A period with unjoined_share or more of its
    requests pending stands apart from its line: joined, the latest week's rate of its few
    decided requests read as a fall (a review: 85% to 0%, 3 of 33 requests decided). scope: what
    the rates are of (dates, zone, platforms), the subtitle's first line."""
    data = frame.dropna(subset=[rate])
    if data.empty:
        return empty_chart("No decided requests in this selection")
    names = _names(data[series]) if series else pd.Series("all", index=data.index)
    rows = _with_week_gaps(_rows_over_time(data, names, x, rate, low, high, unjoined_share))
    pending = "pending" in data
    colour = _series_colour(data[series] if series else None, names, brands)
    shape = _series_shape(data[series] if series else None, names, brands)
    tooltip = _tooltip(rows, alt.Tooltip("at:N", title=x),
                       *([alt.Tooltip("pending:Q", title="still pending", format=",d")] if pending else []))
    order = sorted(rows["at"].unique())
    base = alt.Chart(rows).encode(x=alt.X("at:O", sort=order, title=x, axis=alt.Axis(labelAngle=-45)),
                                  color=colour)
    points = alt.OverlayMarkDef(size=brand_colours.POINT_SIZE)
    layers = [base.mark_rule(opacity=0.5).encode(y=alt.Y("low:Q", scale=_UNIT, axis=_PERCENT,
                                                         title="ghost-town rate"),
                                                  y2="high:Q", tooltip=tooltip),
              # broken at a missing rate (_with_week_gaps), its week kept on the axis
              base.transform_filter("!datum.unjoined").mark_line(
                  point=points, invalid="break-paths-show-domains").encode(y="rate:Q", tooltip=tooltip, shape=shape)]
    if reference is not None:
        layers.append(_reference(reference, reference_label, "y"))
    pending_layers, pending_notes = _pending_marks(base, rows, tooltip, shape, unjoined_share)
    layers += pending_layers
    subtitle = ([scope] if scope else []) + pending_notes
    if subtitle:
        title = alt.TitleParams(title, subtitle=subtitle)
    # the height holds title, axes and legend too (Streamlit fits the chart to its width)
    return alt.layer(*layers, title=title, height=480)


def _rows_over_time(data: pd.DataFrame, names: pd.Series, x: str, rate: str, low: str, high: str,
                    unjoined_share: float | None) -> pd.DataFrame:
    """rate_over_time's rows: each point's interval at its period (`at`, as text), with its
    pending requests where the frame counts them, and whether it stands apart from its line
    (unjoined: unjoined_share or more of its requests pending)."""
    rows = _intervals(data, names, rate, low, high).assign(at=data[x].astype(str).to_numpy())
    pending = "pending" in data
    if pending:
        rows["pending"] = data["pending"].to_numpy(int)
    unjoined = pending and unjoined_share is not None
    rows["unjoined"] = (data["pending"] >= unjoined_share * data["requests"]).to_numpy() if unjoined else False
    return rows


def _with_week_gaps(rows: pd.DataFrame) -> pd.DataFrame:
    """rows (of _rows_over_time) with a row of no rate after each run of a series' weeks that the
    next week of data does not follow, at the first week missing: Vega-Lite breaks a line at a
    missing value. The axis lists only weeks with data, so Delta's 100% in 2015-W09 was joined to
    its 0% in 2016-W31 as if a week apart (a review on real data). Periods other than ISO weeks:
    unchanged."""
    try:
        gaps = [(name, first_missing) for name, weeks in rows["at"].groupby(rows["name"], sort=False)
                for first_missing, _ in snapshot.week_gaps(weeks)]
    except UsageError:  # a period that is no ISO week ('2024-03', a date)
        return rows
    if not gaps:
        return rows
    filler = {"requests": 0, "unjoined": False, "of_decided": "", "pending": 0}
    missing = pd.DataFrame(gaps, columns=["name", "at"]).assign(
        **{column: value for column, value in filler.items() if column in rows})
    return pd.concat([rows, missing], ignore_index=True)  # rate, low, high: missing


def _pending_marks(base: alt.Chart, rows: pd.DataFrame, tooltip: list, shape: alt.Shape,
                   unjoined_share: float | None) -> tuple[list, list[str]]:
    """The layers marking periods with requests still pending, and the subtitle lines saying so
    (none when no period has any)."""
    if "pending" not in rows or not (rows["pending"] > 0).any():
        return [], []
    # A period with requests still pending (the latest, mostly) counts only those already
    # decided: its rate may yet rise, and its dip is no improvement. Ringed, and said.
    layers = [base.transform_filter("datum.pending > 0").mark_point(
        size=260, filled=False, strokeWidth=1.5, color=REFERENCE_COLOUR).encode(y="rate:Q", tooltip=tooltip)]
    # a line each: as one, the rule's last word ('pending') was cut at 1024 px (a review)
    notes = ["Ringed: requests still pending, so the rate may yet rise."]
    if rows["unjoined"].any():
        layers.append(base.transform_filter("datum.unjoined").mark_point(filled=True).encode(
            y="rate:Q", tooltip=tooltip, shape=shape))
        notes.append(f"Not joined to its line: {unjoined_share:.0%} or more of its requests pending.")
    return layers, notes


def _series_colour(series: pd.Series | None, names: pd.Series, brands: list[str] | None) -> alt.Color:
    """Each series' colour, a brand's its own on every page (brand_colours) when `brands` is
    given; the legend under the chart."""
    scale = alt.Undefined
    if series is not None and brands is not None:
        shown = list(dict.fromkeys(series))
        scale = alt.Scale(domain=list(dict.fromkeys(names)), range=brand_colours.colours(shown, brands))
    return alt.Color("name:N", title=None, scale=scale, legend=brand_colours.legend())


def _series_shape(series: pd.Series | None, names: pd.Series, brands: list[str] | None) -> alt.Shape:
    """Each series' point shape beside its colour (brand_colours.SHAPES: hue alone lost brands
    to a colour-blind reader), a brand's by its place as its colour is."""
    labels = list(dict.fromkeys(names))
    return brand_colours.shape("name:N", labels, labels if series is None else list(dict.fromkeys(series)), brands)
