"""Pure plotly figure builders: each takes DataFrames (and plain values) and returns a
go.Figure, with no Streamlit and no database, so pages and reports share them. (The charts
of a page's first view are Vega-Lite instead: app.rate_charts and app.trend_figures.)

Every string that comes from data (brand, page, author, mention text) goes into the figure
through safe.plot_text, which escapes markup: plotly renders labels and hover text as
HTML-like markup, and a mention must never act there.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from etl.care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES
from etl.metrics import DAYS

from . import brand_colours, safe
from .audit_rules import COLOURED_MIN_DECIDED, SHARE_COLOURS
from .formatting import MISSING, counted, format_followers, format_km_median, round_half_up

GHOST_COLOUR, ANSWERED_COLOUR, REFERENCE_COLOUR = "#c0392b", "#2e86c1", "#7f8c8d"
# A reference line's label in words: the line's grey read at 3.5:1 on white, under the 4.5:1
# small text needs (WCAG 1.4.3, accessibility review); the same grey darkened reads at 5.6:1.
REFERENCE_TEXT_COLOUR = "#5f6a6a"
# A heatmap cell with no decided requests has no colour of the scale: it shows the plot's
# background, grey, so that it reads as 'nothing to rate' and not as a pale rate.
NO_DATA_COLOUR = "#d5d8dc"
# The bad half of a pair of bars (ignored beside answered, negative beside other) hatched as well
# as red: told apart by colour alone, the pair was one grey to a reader without colour (their
# lightness 45 and 54 of 100) and a colour-blind one leaned on the legend (WCAG 1.4.1, a review).
BAD_PATTERN = dict(shape="/", fillmode="overlay", fgcolor="white", solidity=0.25)


def _labels(values) -> list[str]:
    return [safe.plot_text(v) for v in values]


# Legends of several series under the plot: on the right they took 40% of a 1024 px page's
# width and left a phone's plot 100 px (a review at narrow widths).
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.3, x=0)
# A brand's point, large enough that its shape reads (at plotly's 6 px a circle, square and
# triangle were one blob in the reach-ratio chart, a user review); as km_curves' markers.
BRAND_MARKER_SIZE = 8


def _layout(fig: go.Figure, title: str, x: str, y: str, **kwargs) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, margin=dict(l=10, r=10, t=50, b=10),
                      hoverlabel=dict(align="left"), **kwargs)
    return fig


TITLE_LINE = 24  # px: a title's second line, above what the top margin leaves for one


def with_subtitle(fig: go.Figure, subtitle: str | None) -> go.Figure:
    """A line under the figure's title (escaped): what it is of, kept in a picture of it."""
    if subtitle:
        fig.update_layout(title_subtitle_text=safe.plot_text(subtitle), margin_t=70)
    return fig


def log_ticks(values, per_decade: tuple[float, ...] = (1, 2, 5), most_decades: int = 5) -> dict:
    """A log axis's ticks, each labelled in full ('0.5', '20', '1,000'): plotly's own log
    ticks label the 2s and 5s between powers of ten by their first digit alone ('0.1 2 5 1'),
    so a '5' under 1 meant 0.5. 1-2-5 in every decade the positive `values` reach; powers of
    ten only past `most_decades` decades (more labels would crowd). For update_xaxes/yaxes."""
    shown = np.asarray(pd.to_numeric(pd.Series(list(values)), errors="coerce"), dtype=float)
    shown = shown[np.isfinite(shown) & (shown > 0)]
    if not len(shown):
        return {"type": "log"}
    low, high = int(np.floor(np.log10(shown.min()))), int(np.ceil(np.log10(shown.max())))
    steps = per_decade if high - low <= most_decades else (1,)
    ticks = [step * 10.0 ** power for power in range(low, high + 1) for step in steps]
    ticks = [float(f"{tick:.12g}") for tick in ticks if tick <= 10.0 ** high]
    return {"type": "log", "tickmode": "array", "tickvals": ticks, "ticktext": [_in_full(tick) for tick in ticks]}


def _in_full(number: float) -> str:
    """A tick's number written out: '0.005', '1', '1,000,000' (never '5e-03' or '1e+06')."""
    return f"{number:,.0f}" if number >= 1 else np.format_float_positional(number, trim="-")


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=safe.plot_text(message), showarrow=False, x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# A trace's (escaped) name in its hover template, by reference: a brand named "%{y}" written
# into the template would be expanded as a placeholder.
_TRACE_NAME = "%{fullData.name}"


CURVE_MARKERS = 12  # a step curve has a point per answer: its shape shown at a dozen of them


def km_curves(curves: pd.DataFrame, group: str = "brand", reference_minutes: float | None = 60.0,
              reference_share: float | None = None, reference_label: str = "",
              title: str = "Time to first response (Kaplan–Meier)",
              brands: list[str] | None = None, scope: str | None = None) -> go.Figure:
    """Kaplan–Meier step curves of P(answered by t) per group (unanswered censored), each to
    its last follow-up, with one hour as a vertical line and a reference share (labelled by
    the caller with what it is) as one star at that share and hour (_reference_point).
    brands (every brand, sorted): each brand's curve in its colour on every page.
    scope: what the curves are of (dates, zone, platforms), under the title.

    curves: rows of group, minutes, p_answered (see app.care.kaplan_meier_curve)."""
    if curves.empty:
        return empty_figure("No care requests in this selection")
    fig = go.Figure()
    groups = list(curves.groupby(group, sort=True))
    names = [name for name, _ in groups]
    for (name, part), colour, symbol in zip(groups, brand_colours.colours(names, brands),
                                            brand_colours.shapes(names, brands)):
        label = safe.plot_text(name)
        # a few markers of the brand's shape on its curve, as on the Vega-Lite charts: by colour
        # alone, red and green brands' curves were one to a colour-blind reader (brand_colours.SHAPES)
        fig.add_trace(go.Scatter(x=part["minutes"] / 60.0, y=part["p_answered"], mode="lines+markers",
                                 marker=dict(symbol=symbol, size=BRAND_MARKER_SIZE, maxdisplayed=CURVE_MARKERS),
                                 line_shape="hv", name=label, line_color=colour,
                                 hovertemplate=f"{_TRACE_NAME}<br>%{{x:.1f}} h: %{{y:.1%}} answered<extra></extra>"))
    if reference_minutes is not None:
        _hours_line(fig, reference_minutes / 60.0)
    if reference_share is not None:
        _reference_point(fig, (reference_minutes or 60.0) / 60.0, reference_share, reference_label)
    if not (curves["minutes"] > 0).any():
        # a log axis has no 0: the curves of requests made at the as-of moment drew nothing
        fig.add_annotation(text="No curve to draw yet: every request was made at the as-of moment, so no "
                                "time has passed since", xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    hours = [*(curves["minutes"] / 60.0), *([reference_minutes / 60.0] if reference_minutes else [])]
    fig.update_xaxes(**log_ticks(hours))
    # a legend for one curve too: plotly hides a lone trace's, and the chart then named no brand
    return with_subtitle(_layout(fig, title, "hours since the request (log scale)", "share answered",
                                 showlegend=True, legend=LEGEND_BELOW), scope)


def _hours_line(fig: go.Figure, hours: float) -> None:
    """A dotted vertical line at `hours` on km_curves' log axis, labelled with them."""
    fig.add_vline(x=hours, line_dash="dot", line_color=REFERENCE_COLOUR)
    # an annotation on a log axis is placed by the log of x (add_vline's own label put
    # x = 1 h at 10 h: the chart's corner when the curves end sooner)
    fig.add_annotation(x=np.log10(hours), xref="x", y=1, yref="paper", text=_in_full(hours) + " h",
                       showarrow=False, xanchor="left", yanchor="top")


REFERENCE_SYMBOL = "star"  # no brand's shape (brand_colours.SHAPES): the survey's point is no curve's


def _reference_point(fig: go.Figure, hours: float, share: float, label: str) -> None:
    """One star at (`hours`, `share`), named by `label` in the legend and on hover. A dashed
    line at the share across every time read as a target, or as the curves' median line, though
    the figure is a survey's share of customers expecting an answer within the hour (review55)."""
    # labelled in the legend: on the plot, wherever it was put, the label crossed some
    # brand's curve (user reviews), and a long one ran past the plot on a laptop
    name = "<br>".join(textwrap.wrap(safe.plot_text(label), 30))
    fig.add_trace(go.Scatter(x=[hours], y=[share], mode="markers", name=name, hovertext=[name], hoverinfo="text",
                             marker=dict(symbol=REFERENCE_SYMBOL, size=16, color=REFERENCE_COLOUR,
                                         line=dict(width=1, color="black"))))


# What Ghost Town's coverage heatmap can colour an hour by (columns of etl.metrics.coverage).
COVERAGE_MEASURES = ("response_rate", "sla_rate", "km_median_minutes")
# Red (none answered) to yellow to blue (all): red to green (RdYlGn) put 0% and 100%, and 25%
# and 75%, a few shades apart for a deuteranope or protanope (CIE76 distance 12-18 after
# simulation, against 61-115 for RdYlBu: accessibility review, WCAG 1.4.1).
_SHARE_SCALE = {"colorscale": SHARE_COLOURS, "zmin": 0, "zmax": 1, "colorbar": {"tickformat": ".0%"}}
_MINUTE_TICKS = (1, 5, 15, 60, 240, 720, 1440)  # a time scale's ticks below H


def coverage_heatmap(coverage: pd.DataFrame, value: str = "response_rate", brand: str = "",
                     timezone: str = "UTC", *, horizon_hours: float = DEFAULT_HORIZON_HOURS,
                     sla_minutes: float = DEFAULT_SLA_MINUTES, scope: str | None = None) -> go.Figure:
    """Hour-of-week heatmap (7 days x 24 hours in the brand's zone) coloured by one of
    COVERAGE_MEASURES: answered within H, within the SLA, or the Kaplan–Meier median time;
    an hour coloured only from audit_rules.COLOURED_MIN_DECIDED decided requests. Every
    hour's hover gives all three, whichever colours it: a brand answering all by day and
    night alike but slowly at night is blue by the first and red at night by the others.

    coverage: 168 rows of etl.metrics.coverage (hour_of_week, requests, answered, ignored,
    response_rate, sla_rate, km_median_minutes). scope: what it is of, under the title."""
    if coverage.empty or coverage["requests"].sum() == 0:
        return empty_figure("No care requests for this brand in this selection")
    if value == "km_median_minutes":
        grid, scale = _median_grid(coverage, horizon_hours * 60.0), _minutes_scale(horizon_hours * 60.0)
    else:
        grid, scale = coverage_matrix(coverage, value), _SHARE_SCALE
    title, colour_title = _coverage_titles(value, horizon_hours, sla_minutes)
    text = _coverage_hover(coverage, horizon_hours, sla_minutes)
    fig = _hour_of_week_heatmap(grid, colour_title, scale, hovertext=text, hoverinfo="text")
    # the measure, then whose hours, each a line, and the hours' zone on their axis: on one line
    # ('Answered within H (72 h) by hour of week: Aldermoor Air (America/New_York)') a 390 px
    # phone cut the title at the brand's name (a marketer's reading)
    fig = with_subtitle(_layout(fig, f"{title}<br>{safe.plot_text(brand)}, by hour of week",
                                f"hour of day ({safe.plot_text(timezone)})", ""), scope)
    # the title from the top (plotly centres it in the margin, the subtitle's line then met the cells)
    fig.update_layout(margin_t=fig.layout.margin.t + TITLE_LINE, title_yref="container", title_y=1,
                      title_yanchor="top", title_pad_t=12)
    return fig


def coverage_measures(horizon_hours: float, sla_minutes: float) -> dict[str, str]:
    """Each of COVERAGE_MEASURES in words with its unit, as the page's choice, the figure's
    title and every hover say it."""
    return dict(zip(COVERAGE_MEASURES, (f"answered within H ({horizon_hours:g} h)",
                                        f"answered within the SLA ({sla_minutes:g} min)",
                                        "median response time (Kaplan–Meier)")))


def _coverage_titles(value: str, horizon_hours: float, sla_minutes: float) -> tuple[str, str]:
    """(figure title, colour bar title) of a coverage measure, each with its unit."""
    words = coverage_measures(horizon_hours, sla_minutes)[value]
    colour = {"response_rate": f"answered<br>within {horizon_hours:g} h",
              "sla_rate": f"answered<br>within {sla_minutes:g} min", "km_median_minutes": "KM median<br>(log scale)"}
    return words[0].upper() + words[1:], colour[value]


def _coverage_hover(coverage: pd.DataFrame, horizon_hours: float, sla_minutes: float) -> list[list[str]]:
    """Each hour's numbers in words (7 x 24): the rates, the KM median, what they are of."""
    hours = coverage.assign(waiting=_waits_on_pending(coverage)).set_index(coverage["hour_of_week"].astype(int))
    words = coverage_measures(horizon_hours, sla_minutes)

    def said(day: int, hour: int) -> str:
        when = f"{DAYS[day]} {hour:02d}:00"
        if day * 24 + hour not in hours.index or not hours.at[day * 24 + hour, "requests"]:
            return f"{when}<br>no requests"
        row = hours.loc[day * 24 + hour]
        decided = int(row["answered"] + row["ignored"])
        few = " (too few to colour)" if decided < COLOURED_MIN_DECIDED else ""
        return "<br>".join([
            when, f"{counted(int(row['requests']), 'request')}, {decided:,} decided{few}",
            f"{words['response_rate']}: {_share(row['response_rate'])}",
            f"{words['sla_rate']}: {_share(row['sla_rate'])}",
            f"{words['km_median_minutes']}: {format_km_median(row['km_median_minutes'], row['requests'])}"
            + (f" yet ({int(row['pending'])} pending)" if row["waiting"] else "")])
    return [[said(day, hour) for hour in range(24)] for day in range(7)]


def _share(rate) -> str:
    return MISSING if pd.isna(rate) else f"{rate:.0%}"


def _waits_on_pending(coverage: pd.DataFrame) -> pd.Series:
    """Hours whose KM median is not reached while requests are pending, enough of them that,
    all answered in time, half the hour's requests would be: the median says nothing yet.
    With fewer, more than half are ignored already and the hour is as slow as can be (user
    review: 25 of 26 ignored and one pending was grey, the colour of no data)."""
    could_reach = 2 * (coverage["answered"] + coverage["pending"]) >= coverage["requests"]
    return coverage["km_median_minutes"].isna() & (coverage["pending"] > 0) & could_reach


def _median_grid(coverage: pd.DataFrame, horizon_minutes: float) -> pd.DataFrame:
    """coverage_matrix of the KM median's log10 for a log colour scale from 1 min to H: a
    median past H, or not reached with none pending (fewer than half answered within H: the
    worst, not missing), is coloured as H, one under a minute as a minute. Not reached while
    requests are pending says nothing yet (a young hour answered in minutes may read so):
    no colour."""
    minutes = coverage["km_median_minutes"].astype(float).fillna(horizon_minutes)
    minutes = minutes.mask(_waits_on_pending(coverage)).clip(1.0, horizon_minutes)
    return coverage_matrix(coverage.assign(log_minutes=np.log10(minutes)), "log_minutes")


def _minutes_scale(horizon_minutes: float) -> dict:
    """_median_grid's colours: blue (fast) to red (slow, not reached), ticks in minutes and hours."""
    ticks = [tick for tick in _MINUTE_TICKS if tick < horizon_minutes / 1.5]  # clear of H's own label
    labels = [f"{tick} min" if tick < 60 else f"{tick / 60:g} h" for tick in ticks]
    return {"colorscale": "RdYlBu_r", "zmin": 0, "zmax": np.log10(horizon_minutes),
            "colorbar": {"tickvals": np.log10([*ticks, horizon_minutes]).tolist(),
                         "ticktext": [*labels, f"{horizon_minutes / 60:g} h+ or not reached"]}}


def coverage_matrix(coverage: pd.DataFrame, value: str = "response_rate") -> pd.DataFrame:
    """A rate (the response rate unless `value` names another) as a 7 x 24 grid (rows
    Mon..Sun, columns hours 0..23); NaN = fewer than COLOURED_MIN_DECIDED decided."""
    grid = pd.DataFrame(float("nan"), index=list(DAYS), columns=list(range(24)))
    if coverage.empty:
        return grid
    decided = coverage["answered"] + coverage["ignored"]
    for hour, rate, n in zip(coverage["hour_of_week"], coverage[value], decided):
        if n >= COLOURED_MIN_DECIDED:
            grid.iat[int(hour) // 24, int(hour) % 24] = rate
    return grid


def audit_coverage_heatmap(coverage: pd.DataFrame, timezone: str) -> go.Figure:
    """The Page Audit's heatmap of the response rate by day and hour of the week in the
    brand's time zone (an AuditResult's coverage and timezone). Smaller than Ghost Town's
    and untitled: it sits under the page's own heading, beside the list of gaps."""
    decided = {int(r.hour_of_week): int(r.answered + r.ignored) for r in coverage.itertuples()}
    counts = [[decided.get(d * 24 + h, 0) for h in range(24)] for d in range(7)]
    figure = _hour_of_week_heatmap(
        coverage_matrix(coverage), "response rate", customdata=counts,
        hovertemplate="%{y} %{x}:00<br>response rate %{z:.0%}<br>%{customdata} decided<extra></extra>")
    figure.update_layout(height=300, margin={"l": 40, "r": 10, "t": 10, "b": 30},
                         xaxis={"title": f"hour ({safe.plot_text(timezone)})"})
    return figure


def _hour_of_week_heatmap(grid: pd.DataFrame, colour_title: str, scale: dict = _SHARE_SCALE,
                          **hover) -> go.Figure:
    """coverage_matrix's grid drawn as both pages draw it: Monday on top, by default red (none
    answered) to blue (all), an hour too few to colour left as the grey background
    (NO_DATA_COLOUR). scale: colorscale, zmin, zmax and colorbar ticks (_SHARE_SCALE's or
    _minutes_scale's). hover: the heatmap's hover arguments, which differ by page."""
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=[f"{h:02d}" for h in range(24)], y=list(grid.index),
                               colorscale=scale["colorscale"], zmin=scale["zmin"], zmax=scale["zmax"],
                               colorbar={"title": colour_title, **scale["colorbar"]}, **hover))
    fig.update_layout(plot_bgcolor=NO_DATA_COLOUR, yaxis={"autorange": "reversed", "showgrid": False},
                      xaxis={"showgrid": False})
    return fig


def bars(frame: pd.DataFrame, category: str, value: str, title: str, value_title: str,
         percent: bool = False, hover_extra: str | None = None, scope: str | None = None) -> go.Figure:
    """Horizontal bars of `value` per `category` (in the frame's order, first on top); scope:
    what they are of, under the title."""
    data = frame.dropna(subset=[value])
    if data.empty:
        return empty_figure("Nothing to show in this selection")
    names = _labels(data[category])
    extra = data[hover_extra].astype(str).map(safe.plot_text) if hover_extra else [""] * len(data)
    fmt = "{:.1%}" if percent else "{:,.0f}"
    fig = go.Figure(go.Bar(x=data[value], y=names, orientation="h", marker_color=GHOST_COLOUR,
                           hovertext=[f"{n}<br>{fmt.format(v)} {e}" for n, v, e in zip(names, data[value], extra)],
                           hoverinfo="text"))
    fig.update_yaxes(autorange="reversed", type="category")
    if percent:
        fig.update_xaxes(tickformat=".0%")
    return with_subtitle(_layout(fig, title, value_title, "", height=max(240, 40 + 30 * len(data))), scope)


def deleted_comments(frame: pd.DataFrame, scope: str | None = None) -> go.Figure:
    """Deleted customer comments per brand, split into negative and other (or unscored);
    scope: what they are of, under the title."""
    if frame.empty:
        return empty_figure("No deleted comments detected in this selection")
    names = _labels(frame["brand"])
    other = frame["deleted_comments"] - frame["deleted_negative"]
    fig = go.Figure([
        go.Bar(x=frame["deleted_negative"], y=names, orientation="h", name="negative",
               marker_color=GHOST_COLOUR, marker_pattern=BAD_PATTERN,
               hovertext=[f"{n}<br>{int(v)} negative" + (f" ({s:.0%} of scored)" if pd.notna(s) else "")
                          for n, v, s in zip(names, frame["deleted_negative"], frame["negative_share"])],
               hoverinfo="text"),
        go.Bar(x=other, y=names, orientation="h", name="other or unscored", marker_color=REFERENCE_COLOUR,
               hovertext=[f"{n}<br>{int(v)} other" for n, v in zip(names, other)], hoverinfo="text"),
    ])
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", type="category")
    return with_subtitle(_layout(fig, "Deleted comments per brand", "deleted customer comments", "",
                                 height=max(240, 100 + 36 * len(frame))), scope)


def _whole_step(highest, most_ticks: int = 8) -> int:
    """A colour bar's tick step for whole levels up to `highest`: no 'depth 0.5', at most most_ticks."""
    return max(1, math.ceil((0 if pd.isna(highest) else highest) / most_ticks))


def cascade_network(nodes: pd.DataFrame, title: str = "Cascade", subtitle: str | None = None) -> go.Figure:
    """A cascade drawn as a network: nodes at x, y (see app.risk.network_layout), sized by
    followers, coloured by depth; declared edges solid, inferred edges dashed; hover shows
    kind, author, followers and the text (escaped). A subtitle (the root's id) goes on a line
    of its own, in smaller type: after the title, a 27-character id ran off a half-width
    chart at 1024 px (a review).

    nodes: node_id, parent_id, depth, kind, author_handle, followers, inferred_edge, text, x, y."""
    if nodes.empty:
        return empty_figure("This cascade has no stored nodes (single mentions are not stored)")
    at = nodes.set_index("node_id")[["x", "y"]]
    traces = []
    for inferred, dash, name in ((False, "solid", "declared edge"), (True, "dash", "inferred edge")):
        part = nodes[nodes["parent_id"].notna() & (nodes["inferred_edge"].astype(bool) == inferred)]
        part = part[part["parent_id"].isin(at.index)]
        xs, ys = [], []
        for child, parent in zip(part["node_id"], part["parent_id"]):
            xs += [at.at[parent, "x"], at.at[child, "x"], None]
            ys += [at.at[parent, "y"], at.at[child, "y"], None]
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip",
                                 line=dict(color="#999", width=1, dash=dash)))
    followers = nodes["followers"].fillna(0).astype(float)  # an unknown count drawn smallest
    size = 8 + 6 * np.log10(1 + followers)
    # the hover says unknown as the tables do, not 0 followers
    hover = [f"{safe.plot_text(kind)} by {safe.plot_text(author)} (followers: {format_followers(f)}), "
             f"depth {int(d)}<br>{safe.plot_text(text)}"
             for kind, author, f, d, text in zip(nodes["kind"], nodes["author_handle"], nodes["followers"],
                                                 nodes["depth"], nodes["text"])]
    traces.append(go.Scatter(x=nodes["x"], y=nodes["y"], mode="markers", name="mention",
                             marker=dict(size=size, color=nodes["depth"], colorscale="Viridis",
                                         line=dict(width=[3 if d == 0 else 0.5 for d in nodes["depth"]],
                                                   color="black"),
                                         colorbar=dict(title="depth", dtick=_whole_step(nodes["depth"].max()))),
                             hovertext=hover, hoverinfo="text"))
    fig = go.Figure(traces)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    _layout(fig, safe.plot_text(title), "", "", legend=dict(orientation="h", yanchor="top", y=0, x=0))
    return with_subtitle(fig, subtitle)


def growth_curve(growth: pd.DataFrame, predicted: float | None = None, low: float | None = None,
                 high: float | None = None, title: str = "Cascade growth", interval_name: str = "80%") -> go.Figure:
    """Cumulative cascade size over time (step line) with the predicted final size as a
    dashed line and its interval as a shaded band, labelled interval_name (an uncalibrated
    model's default interval is no 80% one).

    growth: created_at (datetime) and size (cumulative count)."""
    if growth.empty:
        return empty_figure("No growth to show")
    fig = go.Figure(go.Scatter(x=growth["created_at"], y=growth["size"], mode="lines+markers",
                               line_shape="hv", name="observed size",
                               hovertemplate="%{x}<br>size %{y}<extra></extra>"))
    interval = low is not None and high is not None and pd.notna(low) and pd.notna(high)
    # whole posts, as the lists show them, and drawn where the label says: a forecast of 2.495
    # labelled 2 was drawn at 2.5 (a review); a half rounds up, as the grid's '%.0f' rounds it
    if interval:
        low, high = round_half_up(low, 0), round_half_up(high, 0)
    if interval and high > low:  # a band of no width labelled 'interval' read as a mistake
        fig.add_hrect(y0=low, y1=high, fillcolor=GHOST_COLOUR, opacity=0.12, line_width=0)
    if predicted is not None and pd.notna(predicted):
        predicted = round_half_up(predicted, 0)
        # on the left, where the curve is still low (on the right the newest point covered the label)
        said = f"predicted final size {predicted:,.0f}"
        if interval:
            said += f" ({interval_name}: {low:,.0f} to {high:,.0f})"
        fig.add_hline(y=predicted, line_dash="dash", line_color=GHOST_COLOUR, annotation_text=said,
                      annotation_position="top left")
    zone = getattr(growth["created_at"].dt, "tz", None) or "UTC"
    return _layout(fig, safe.plot_text(title), f"time ({safe.plot_text(str(zone))})", "mentions in the cascade")


# The cost of silence's side with no brand reply by the newest load: 'ignored' everywhere else is
# no answer within the horizon H (Ghost Town, Overview, the audit), so a complaint answered after H
# was 'ignored' on one page and 'answered' on this one (review55).
STILL_UNANSWERED = "still unanswered"


def cost_of_silence(summary: pd.DataFrame, scope: str | None = None) -> go.Figure:
    """Grouped bars per brand: mean potential reach of still unanswered (no brand reply by the
    newest load; not the Ghost Town's ignored, no answer within H) beside answered complaint
    cascades, of those with a known follower count (`reach_cascades`); scope: what they are
    of (dates, zone, platforms), under the title.

    summary: brand, answered (bool), reach_cascades, mean_potential_reach (app.risk.silence_summary)."""
    if summary.empty:
        return empty_figure("No complaint cascades in this selection")
    if not summary["reach_cascades"].any():
        return empty_figure("No complaint cascade in this selection carries follower counts")
    fig = go.Figure()
    for answered, name, colour in ((False, STILL_UNANSWERED, GHOST_COLOUR), (True, "answered", ANSWERED_COLOUR)):
        part = summary[summary["answered"].astype(bool) == answered]
        names = _labels(part["brand"])
        fig.add_trace(go.Bar(x=names, y=part["mean_potential_reach"], name=name, marker_color=colour,
                             marker_pattern=None if answered else BAD_PATTERN,
                             hovertext=[f"{n} ({name})<br>{_mean_reach_hover(v, c)}"
                                        for n, v, c in zip(names, part["mean_potential_reach"],
                                                           part["reach_cascades"])],
                             hoverinfo="text"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return with_subtitle(_layout(fig, f"Cost of silence: {STILL_UNANSWERED} vs answered complaints", "",
                                 "mean potential reach per complaint cascade", legend=LEGEND_BELOW), scope)


def _mean_reach_hover(mean: float, cascades: int) -> str:
    if not cascades:
        return "no cascade with follower counts"
    return f"{mean:,.1f}, mean of {int(cascades):,} cascades with follower counts"


MIN_WEEK_CASCADES = 5  # a week's ratio of two means of fewer cascades than this is noise


def compared_weeks(cost: pd.DataFrame) -> pd.Series:
    """Per row of a cost-of-silence frame: whether its brand and week had at least
    MIN_WEEK_CASCADES still unanswered and as many answered complaint cascades of known reach, the weeks
    the weekly ratio compares. One rule for the chart and the table that lists every week."""
    if cost.empty:
        return pd.Series(False, index=cost.index, dtype=bool)
    per_side = cost.pivot_table(index=["brand", "week"], columns="answered", values="reach_cascades",
                                aggfunc="sum", fill_value=0)
    both = per_side.reindex(columns=[False, True], fill_value=0).min(axis=1) >= MIN_WEEK_CASCADES
    keys = pd.MultiIndex.from_frame(cost[["brand", "week"]])
    return pd.Series(both.reindex(keys).to_numpy(), index=cost.index, dtype=bool)


def cost_of_silence_weekly(cost: pd.DataFrame, brands: list[str] | None = None,
                           scope: str | None = None) -> go.Figure:
    """Weekly ratio of mean potential reach of still unanswered to answered complaint cascades per
    brand (1 = no difference; above 1, unanswered complaints spread further), for the weeks with at
    least MIN_WEEK_CASCADES of each of known reach (compared_weeks), on a log scale (2x and
    0.5x equally far from 1; a ratio of 0, unanswered cascades of no known followers, cannot be
    drawn on it and is left to the table).
    brands (every brand, sorted): each brand's line in its colour on every page. scope: what it
    is of (dates, zone, platforms), under the title.

    cost: rows of app.risk.cost_of_silence (etl.cascade_metrics.cost_of_silence is its test reference)."""
    data = cost
    if not cost.empty:  # 0 (ignored ones reached no one known) has no log
        data = cost[compared_weeks(cost) & ~cost["answered"].astype(bool) & (cost["reach_ratio"] > 0)]
    if data.empty:
        return empty_figure(f"No week has {MIN_WEEK_CASCADES} or more still unanswered and answered complaint cascades "
                            "with follower counts")
    fig = go.Figure()
    groups = list(data.groupby("brand", sort=True))
    names = [name for name, _ in groups]
    for (name, part), colour, symbol in zip(groups, brand_colours.colours(names, brands),
                                            brand_colours.shapes(names, brands)):
        part = part.sort_values("week")
        label = safe.plot_text(name)
        fig.add_trace(go.Scatter(x=part["week"], y=part["reach_ratio"], mode="lines+markers", name=label,
                                 line_color=colour, marker=dict(symbol=symbol, size=BRAND_MARKER_SIZE),
                                 hovertemplate=f"{_TRACE_NAME}<br>week of %{{x|%Y-%m-%d}}: %{{y:.2f}}x<extra></extra>"))
    fig.add_hline(y=1.0, line_dash="dash", line_color=REFERENCE_COLOUR)
    # placed by the log of y on a log axis (add_hline's own label put y = 1 at 10), as km_curves' hour
    # on a white ground: the brands' lines crossed the label where they run near 1 (a review)
    fig.add_annotation(y=np.log10(1.0), yref="y", x=1, xref="paper", text="no difference", showarrow=False,
                       xanchor="right", yanchor="bottom", bgcolor="rgba(255,255,255,0.85)")
    fig = _layout(fig, f"Reach of {STILL_UNANSWERED} over answered complaints, by week", "week", "ratio of mean reach",
                  legend=LEGEND_BELOW)
    fig.update_yaxes(**log_ticks([*data["reach_ratio"], 1.0]))
    fig.update_xaxes(**week_ticks(data["week"]))
    return with_subtitle(fig, scope)


MOST_WEEK_TICKS = 8  # labelled weeks on an axis; more would overlap on a page-wide chart


def week_tick_dates(first, last, most: int = MOST_WEEK_TICKS) -> pd.DatetimeIndex:
    """The weeks' starts from `first` to `last` (both a week's Monday) to label on an axis:
    every week, or every few, at most `most` (plotly's and Altair's weekly axes alike)."""
    return bucket_tick_dates(first, last, pd.Timedelta(days=7), most)


def bucket_tick_dates(first, last, bucket: pd.Timedelta, most: int = MOST_WEEK_TICKS) -> pd.DatetimeIndex:
    """The starts of buckets `bucket` long from `first` to `last` (both a bucket's start) to
    label on an axis: from the first, every bucket or every few, at most `most`."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    count = (last - first) // bucket + 1
    return pd.date_range(first, last, freq=-(-count // most) * bucket)


def week_ticks(weeks: pd.Series) -> dict:
    """A weekly axis's ticks on the weeks' Mondays (week_tick_dates), dated, and its range
    half a week wider each side: plotly's own axis zoomed a single week's point to
    milliseconds ('23:59:59.9995'). For update_xaxes."""
    first, last = pd.Timestamp(weeks.min()), pd.Timestamp(weeks.max())
    ticks = week_tick_dates(first, last)
    half = pd.Timedelta(days=3.5)
    return {"tickmode": "array", "tickvals": list(ticks), "ticktext": [t.strftime("%Y-%m-%d") for t in ticks],
            "range": [first - half, last + half]}
