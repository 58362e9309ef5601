"""The weekly one-pager as one plotly figure (shown on the page, exported to PDF/PNG, reusable
by reports): KPI table with week-over-week deltas, ghost-town rate with its interval and net
sentiment per brand, and the top risks. Every data-derived label goes through safe.plot_text."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from etl.care_definitions import DEFAULT_HORIZON_HOURS

from . import safe, weekly
from .formatting import format_delta, format_followers, utc_minute

WIDTH, HEIGHT = 1240, 1754  # A4 portrait proportions


def one_pager(rows: pd.DataFrame, week: str, stored: bool, horizon_hours: float = DEFAULT_HORIZON_HOURS,
              risks: pd.DataFrame | None = None) -> go.Figure:
    """The one-pager of `rows` (week_rows); `risks` is their top risks with the customers'
    texts (weekly.top_risks_with_text; none: without texts)."""
    # the KPI table takes the height of its rows (a fixed share left a quarter page blank
    # under one brand's row), the charts theirs, the top risks the rest (up to three per
    # brand, of two lines)
    kpi_height = min(0.30, max(0.08, (90 + 40 * len(rows)) / 1600))
    fig = make_subplots(
        rows=3, cols=2, row_heights=[kpi_height, 0.23, 1 - kpi_height - 0.23], vertical_spacing=0.06,
        horizontal_spacing=0.10,
        specs=[[{"type": "table", "colspan": 2}, None],
               [{"type": "xy"}, {"type": "xy"}],
               [{"type": "table", "colspan": 2}, None]],
        subplot_titles=("Per brand, with the change from the week before",
                        "Ghost-town rate (95% interval)", "Net sentiment", "Top risks"))
    brands = [safe.plot_text(b) for b in rows["brand"]] if len(rows) else []
    fig.add_trace(_kpi_table(rows, brands), row=1, col=1)
    _add_rate_and_sentiment_bars(fig, rows, brands)
    _add_top_risks(fig, weekly.top_risks(rows) if risks is None else risks)
    pending = weekly.pending_brief(rows)
    fig.update_layout(
        title=dict(text=_title(rows, week, stored, horizon_hours, pending), x=0.02),
        # a line more at the top for the pending note; room on the left for the first
        # brand's slanted name
        width=WIDTH, height=HEIGHT, showlegend=False,
        margin=dict(l=70, r=60, t=125 if pending else 110, b=40),
        paper_bgcolor="white", plot_bgcolor="white")
    return fig


def _add_rate_and_sentiment_bars(fig: go.Figure, rows: pd.DataFrame, brands: list[str]) -> None:
    """The second row: each brand's ghost-town rate with its 95% interval, and its net sentiment."""
    if len(rows):
        rate = rows["ghost_town_rate"].astype(float)
        fig.add_trace(go.Bar(
            x=brands, y=rate, name="ghost-town rate", marker_color="#b33",
            error_y=dict(type="data", symmetric=False,
                         array=(rows["ghost_town_ci_high"].astype(float) - rate).fillna(0),
                         arrayminus=(rate - rows["ghost_town_ci_low"].astype(float)).fillna(0)),
            hovertemplate="%{x}: %{y:.1%}<extra></extra>"), row=2, col=1)
        sentiment = rows["net_sentiment"].astype(float)
        fig.add_trace(go.Bar(
            x=brands, y=sentiment, name="net sentiment",
            marker_color=["#2a7" if v >= 0 else "#c63" for v in sentiment.fillna(0)],
            hovertemplate="%{x}: %{y:+.2f}<extra></extra>"), row=2, col=2)
    # brand names at a shallow angle, so the last one stays on the page and the labels clear
    # the top risks' title below
    fig.update_xaxes(tickangle=-20, row=2)
    fig.update_yaxes(tickformat=".0%", range=[0, 1], row=2, col=1)
    fig.update_yaxes(range=[-1, 1], row=2, col=2)


def _add_top_risks(fig: go.Figure, risks: pd.DataFrame) -> None:
    """The third row: the first MAX_RISK_ROWS top risks, and how many more the page has."""
    fig.add_trace(_risk_table(risks.head(MAX_RISK_ROWS)), row=3, col=1)
    if len(risks) > MAX_RISK_ROWS:
        fig.add_annotation(text=f"{len(risks) - MAX_RISK_ROWS} more top risks on the dashboard's Weekly page",
                           xref="paper", yref="paper", x=0, y=-0.02, showarrow=False, font=dict(size=11))


def _title(rows: pd.DataFrame, week: str, stored: bool, horizon_hours: float, pending: str | None) -> str:
    """The one-pager's title: the week, as of when, from what, under which assumptions."""
    as_of = utc_minute(rows["as_of"].iloc[0]) if len(rows) else "–"
    return (f"<b>Weekly snapshot {safe.plot_text(weekly.week_title(week))}</b><br>"
            f"<sup>ISO week in UTC, as of {as_of}; {safe.plot_text(weekly.provenance(rows, stored))}; "
            f"horizon {horizon_hours:g} h, SLA {weekly.SLA_MINUTES:g} min</sup>"
            + (f"<br><sup>{pending}</sup>" if pending else ""))


def _kpi_table(rows: pd.DataFrame, brands: list[str]) -> go.Table:
    header = ["Brand"] + [label for _, label, _ in weekly.KPIS]
    cells = [brands]
    for column, _, kind in weekly.KPIS:
        texts = []
        for _, row in rows.iterrows():
            shown = weekly.kpi_value(row, column, kind)
            change = format_delta(row.get(f"{column}_wow"), kind)
            colour = _change_colour(column, row.get(f"{column}_wow"), change)
            if column == "km_median_minutes" and (before := weekly.km_change(row)):
                # 'not reached' above says under half answered: 'under half answered, was …'
                # was cut in a narrow column (a persona review)
                change, worse = before
                colour = WORSE if worse else BETTER
            elif column == "km_median_minutes" and weekly.km_not_reached(row):
                change, colour = weekly.KM_NOT_REACHED_MEANS, NEUTRAL
            texts.append(shown if change is None else
                         f'{shown}<br><sup><span style="color:{colour}">{change}</span></sup>')
        cells.append(texts)
    return go.Table(header=dict(values=[f"<b>{h}</b>" for h in header], fill_color="#eee",
                                line_color="#ccc", align="left", font=dict(size=12, color="#222")),
                    cells=dict(values=cells, align="left", height=38, fill_color="white",
                               line_color="#ccc", font=dict(size=12, color="#222")),
                    columnwidth=[1.6] + [1] * len(weekly.KPIS))


# A change's colour as the page's cards give it (weekly.DELTA_COLORS): green better, red
# worse, grey a volume or no change.
BETTER, WORSE, NEUTRAL = "#1a7f37", "#cf222e", "#6e7781"


def _change_colour(column: str, change, shown: str | None) -> str:
    if weekly.delta_style(column, shown)["delta_color"] == "off" or pd.isna(change):
        return NEUTRAL
    rise_is_good = weekly.DELTA_COLORS[column] == "normal"
    return BETTER if (change > 0) == rise_is_good else WORSE


RISK_TEXT_LIMIT = 90  # characters of what the customer said: two lines of its column
MAX_RISK_ROWS = 18  # what the page's bottom holds: six brands' three each


def _risk_table(risks: pd.DataFrame) -> go.Table:
    header = ["Brand", "#", "What the customer said", "Status at week's end", "Complaint",
              "Customer", "Followers", "Requested (UTC)"]
    if risks.empty:
        cells = [["no open or ignored requests"]] + [[""]] * (len(header) - 1)
    else:
        cells = [[safe.plot_text(b) for b in risks["brand"]],
                 [str(r) for r in risks["rank"]],
                 [_linked(text, link) for text, link in zip(risks["text"], risks["link"])],
                 [safe.plot_text(s) for s in risks["status_at_week_end"]],
                 ["yes" if c else "no" for c in risks["complaint"]],
                 [safe.plot_text(h, limit=40) for h in risks["author_handle"]],
                 [format_followers(f) for f in risks["followers"]],
                 [pd.Timestamp(t).strftime("%Y-%m-%d %H:%M") for t in risks["requested_at"]]]
    return go.Table(header=dict(values=[f"<b>{h}</b>" for h in header], fill_color="#eee",
                                line_color="#ccc", align="left", font=dict(color="#222")),
                    cells=dict(values=cells, align="left", fill_color="white", line_color="#ccc",
                               height=26, font=dict(size=11, color="#222")),
                    columnwidth=[1.3, 0.25, 3.6, 0.9, 0.7, 1.3, 0.7, 1.1])


def _linked(text, link: str | None) -> str:
    """What the customer said, cut to RISK_TEXT_LIMIT and escaped, as a link to the mention
    when it has one (safe.mention_link: built from the numeric id only)."""
    shown = safe.plot_text(text, limit=RISK_TEXT_LIMIT) or "–"
    if not isinstance(link, str) or not link:  # a link column mixing links and none holds NaN
        return shown
    return f'<a href="{html.escape(link, quote=True)}">{shown}</a>'
