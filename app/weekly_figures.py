"""The weekly one-pager as one plotly figure (shown on the page, exported to PDF/PNG, reusable
by reports): KPI table with week-over-week deltas, ghost-town rate with its interval and net
sentiment per brand, and the top risks. Every data-derived label goes through safe.plot_text."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from etl.care_definitions import DEFAULT_HORIZON_HOURS

from . import safe, weekly
from .formatting import counted, format_followers, utc_minute, verdict

WIDTH, HEIGHT = 1240, 1754  # A4 portrait proportions
A4_WIDTH_MM = 210  # the PDF's page: the one-pager printed at actual size on A4


def one_pager(rows: pd.DataFrame, week: str, stored: bool, horizon_hours: float = DEFAULT_HORIZON_HOURS,
              risks: pd.DataFrame | None = None) -> go.Figure:
    """The one-pager of `rows` (week_rows); `risks` is their top risks with the customers'
    texts (weekly.top_risks_with_text; none: without texts)."""
    risks = weekly.top_risks(rows) if risks is None else risks
    pending = weekly.pending_brief(rows)
    layout = _page_layout(rows, risks, MARGIN_TOP_PENDING if pending else MARGIN_TOP)
    fig = make_subplots(
        rows=3, cols=2, row_heights=layout.shares, vertical_spacing=SPACING, horizontal_spacing=0.10,
        specs=[[{"type": "table", "colspan": 2}, None],
               [{"type": "xy"}, {"type": "xy"}],
               [{"type": "table", "colspan": 2}, None]],
        subplot_titles=("Per brand, with the change from the week before",
                        "Ghost-town rate (95% interval)", "Net sentiment", "Top risks"))
    brands = [safe.plot_text(b) for b in rows["brand"]] if len(rows) else []
    fig.add_trace(_kpi_table(rows.head(layout.brand_rows), brands[:layout.brand_rows]), row=1, col=1)
    _note_left_out(fig, len(rows) - layout.brand_rows, "brand", fig.data[0].domain.y[0])
    _add_rate_and_sentiment_bars(fig, rows, brands)
    _add_top_risks(fig, risks, layout.risk_rows)
    fig.update_layout(
        title=dict(text=_title(rows, week, stored, horizon_hours, pending), x=0.02),
        # a line more at the top for the pending note
        width=WIDTH, height=HEIGHT, showlegend=False,
        margin=dict(l=MARGIN_LEFT, r=MARGIN_RIGHT, t=MARGIN_TOP_PENDING if pending else MARGIN_TOP,
                    b=MARGIN_BOTTOM),
        paper_bgcolor="white", plot_bgcolor="white")
    return fig


# The page's frame in px: room on the left for the first brand's slanted name, at the top for
# the title (a line more for the pending note), at the bottom for the 'more top risks' note.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_TOP_PENDING, MARGIN_BOTTOM = 70, 60, 110, 125, 40
TABLE_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # both tables span the page between the margins
SPACING = 0.06  # between the three rows of the page: the charts' titles and slanted brand names
CHARTS_SHARE = 0.23
KPI_MAX_SHARE = 0.42  # the brands' table leaves the charts and a few top risks their room
KPI_COLUMN_WIDTHS = [1.6] + [1] * len(weekly.KPIS)
KPI_FONT, KPI_ROW_PX = 12, 40  # a figure with its change in small type below it: 40 px as drawn
RISK_COLUMN_WIDTHS = [1.3, 0.25, 3.6, 0.9, 0.7, 1.3, 0.7, 1.1]
RISK_FONT, RISK_ROW_PX = 11, 26
HEADER_FONT, HEADER_ROW_PX = 12, 28
# How plotly lays out a table's cell (plotly.js table constants): 8 px above and below its
# text, lines 1.3 font sizes apart, wrapped at spaces to the column's width. A character is
# taken as 0.6 of the font size, wider than most (a capital's width), so a name is given a
# line too many rather than cut.
CELL_PAD, LINE_SPACING, CHAR_EM = 8, 1.3, 0.6


@dataclass(frozen=True)
class PageLayout:
    shares: list[float]  # of the page's height between the rows' spacing: brands, charts, top risks
    brand_rows: int      # brands the first table prints in full
    risk_rows: int       # top risks the last table prints in full


def _page_layout(rows: pd.DataFrame, risks: pd.DataFrame, margin_top: int) -> PageLayout:
    """Each table's height from its rows' (a row is as tall as its most wrapped cell), so no
    row is cut at a table's bottom: as many brands as fit in KPI_MAX_SHARE, the charts their
    share, and as many top risks (up to MAX_RISK_ROWS) as fit in the rest. The rows left out
    are counted in a note (_note_left_out)."""
    usable = (HEIGHT - margin_top - MARGIN_BOTTOM) * (1 - 2 * SPACING)
    kpi, brand_rows = _brand_table_px(rows, KPI_MAX_SHARE * usable)
    charts = CHARTS_SHARE * usable
    risk_heights = [_row_px(cells, RISK_COLUMN_WIDTHS, RISK_FONT, RISK_ROW_PX) for cells in _risk_cells_by_row(risks)]
    risk_room = usable - kpi - charts - _header_px(RISK_HEADER, RISK_COLUMN_WIDTHS) - TABLE_SLACK
    risk_rows = min(MAX_RISK_ROWS, _rows_that_fit(risk_heights, risk_room))
    return PageLayout([kpi / usable, CHARTS_SHARE, 1 - CHARTS_SHARE - kpi / usable], brand_rows, risk_rows)


def _brand_table_px(rows: pd.DataFrame, room: float) -> tuple[float, int]:
    """(height, brands printed) of the KPI table given at most `room` px: the brand is the one
    cell whose text wraps (the figures are short); an empty week's table keeps a row."""
    header = _header_px(["Brand"] + [label for _, label, _ in weekly.KPIS], KPI_COLUMN_WIDTHS)
    heights = [_row_px([_plain(safe.plot_text(b))], KPI_COLUMN_WIDTHS, KPI_FONT, KPI_ROW_PX)
               for b in rows.get("brand", [])]
    printed = _rows_that_fit(heights, room - header - TABLE_SLACK)
    return header + max(sum(heights[:printed]), KPI_ROW_PX) + TABLE_SLACK, printed


TABLE_SLACK = 6  # px under a table's last row: its border, and the rounding of the estimates


def _rows_that_fit(heights: list[float], room: float) -> int:
    """How many of the rows, from the first, fit in `room` px."""
    used, count = 0.0, 0
    for height in heights:
        used += height
        if used > room:
            break
        count += 1
    return count


def _header_px(labels: list[str], columns: list[float]) -> float:
    return _row_px(labels, columns, HEADER_FONT, HEADER_ROW_PX, bold=True)


def _row_px(cells: list[str], columns: list[float], font: float, least: float, bold: bool = False) -> float:
    """A table row's height as plotly draws it: its declared height, or its most wrapped
    cell's lines and padding when taller. `cells` are the text shown (_plain), from the first column."""
    column_px = [TABLE_WIDTH * share / sum(columns) for share in columns]
    char_px = CHAR_EM * font * (1.1 if bold else 1)
    lines = max(_wrapped_lines(str(cell), int((px - 2 * CELL_PAD) // char_px))
                for cell, px in zip(cells, column_px))
    return max(least, lines * LINE_SPACING * font + 2 * CELL_PAD)


def _wrapped_lines(text: str, chars_a_line: int) -> int:
    """How many lines `text` wraps onto, at spaces, `chars_a_line` characters to a line (a
    word longer than a line takes one of its own)."""
    lines, used = 1, 0
    for word in text.split(" "):
        if used and used + 1 + len(word) > chars_a_line:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def _note_left_out(fig: go.Figure, left_out: int, noun: str, under: float, anchor: str = "top") -> None:
    """Say how many rows a table left out for want of room, and where they are, under it
    (`under`: the table's bottom, as a share of the page's plot height; `anchor`: the note's
    yanchor, 'auto' below the page's last table, in its bottom margin)."""
    if left_out > 0:
        fig.add_annotation(text=f"{counted(left_out, 'more ' + noun)} on the dashboard's Weekly page",
                           xref="paper", yref="paper", x=0, y=under, yanchor=anchor, showarrow=False,
                           font=dict(size=11))


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
        # the bars keep the whole (unique) name, shown on hover; the axis a name cut to what
        # ends on the page: a long one ran off the page and into the top risks' title
        for col, left_px in ((1, MARGIN_LEFT), (2, MARGIN_LEFT + CHART_PX + CHART_GAP_PX)):
            fig.update_xaxes(tickvals=brands, ticktext=tick_texts(rows["brand"], left_px), row=2, col=col)
        _say_why_empty(fig, rows)
    # brand names at a shallow angle, so the last one stays on the page and the labels clear
    # the top risks' title below
    fig.update_xaxes(tickangle=-TICK_ANGLE, row=2)
    fig.update_yaxes(tickformat=".0%", range=[0, 1], row=2, col=1)
    fig.update_yaxes(range=[-1, 1], row=2, col=2)


def _say_why_empty(fig: go.Figure, rows: pd.DataFrame) -> None:
    """A chart of the second row with no brand's bar says why in its middle: a week of pending
    requests only, or of neutral mentions, printed bare axes under its title."""
    if rows["ghost_town_rate"].isna().all():
        _note_in_chart(fig, weekly.no_rate_words(rows), col=1)
    if rows["net_sentiment"].isna().all():
        _note_in_chart(fig, ["No net sentiment:", "no customer mention this week", "was scored positive or negative"],
                       col=2)


def _note_in_chart(fig: go.Figure, lines: list[str], col: int) -> None:
    # in the upper half: the net sentiment's zero line crossed out a note in the middle
    fig.add_annotation(text="<br>".join(safe.plot_text(line) for line in lines), xref="x domain", yref="y domain",
                       x=0.5, y=0.78, showarrow=False, font=dict(size=13, color=NEUTRAL), row=2, col=col)


TICK_ANGLE, TICK_FONT, TICK_MAX_CHARS = 20, 12, 30  # longer, a name reached the top risks' title
CHART_GAP_PX = TABLE_WIDTH * 0.10  # the charts' horizontal_spacing
CHART_PX = (TABLE_WIDTH - CHART_GAP_PX) / 2
TICK_CHAR_PX = CHAR_EM * TICK_FONT * math.cos(math.radians(TICK_ANGLE))  # a slanted character's run


def tick_texts(names: pd.Series, left_px: float) -> list[str]:
    """Each slanted brand name of a chart `left_px` from the page's left edge, cut to what
    ends on the page: the i-th runs left from the middle of its bar's slot, i + 1/2 slots in
    (only the first few are cut; a limit for all cut six brands' names that fitted)."""
    slot = CHART_PX / max(len(names), 1)
    return [safe.plot_text(name, limit=max(8, min(TICK_MAX_CHARS, int((left_px + slot * (i + 0.5)) // TICK_CHAR_PX))))
            for i, name in enumerate(names)]


def _add_top_risks(fig: go.Figure, risks: pd.DataFrame, shown: int) -> None:
    """The third row: the first `shown` top risks (those that fit), and how many more the page has."""
    fig.add_trace(_risk_table(risks.head(shown)), row=3, col=1)
    _note_left_out(fig, len(risks) - shown, "top risk", -0.02, anchor="auto")


def _title(rows: pd.DataFrame, week: str, stored: bool, horizon_hours: float, pending: str | None) -> str:
    """The one-pager's title: the week, as of when, from what, under which assumptions."""
    as_of = utc_minute(rows["as_of"].iloc[0]) if len(rows) else "–"
    return (f"<b>Weekly snapshot {safe.plot_text(weekly.week_title(week))}</b><br>"
            f"<sup>ISO week in UTC, as of {as_of}; {safe.plot_text(weekly.provenance(rows, stored))}; "
            f"horizon {horizon_hours:g} h, SLA {weekly.SLA_MINUTES:g} min</sup>"
            + (f"<br><sup>{pending}</sup>" if pending else ""))


def _kpi_table(rows: pd.DataFrame, brands: list[str]) -> go.Table:
    header = ["Brand"] + [label for _, label, _ in weekly.KPIS]
    cells = [brands] + [[_kpi_cell(row, column, kind) for _, row in rows.iterrows()] for column, _, kind in weekly.KPIS]
    return go.Table(header=dict(values=[f"<b>{h}</b>" for h in header], fill_color="#eee",
                                line_color="#ccc", align="left", font=dict(size=12, color="#222")),
                    cells=dict(values=cells, align="left", height=KPI_ROW_PX, fill_color="white",
                               line_color="#ccc", font=dict(size=12, color="#222")),
                    columnwidth=KPI_COLUMN_WIDTHS)


def _kpi_cell(row, column: str, kind: str) -> str:
    """A KPI's value and under it its change, in the colour and with the word its card gives
    them (weekly.card_delta: better, worse, may be chance, or none), so the one-pager and the
    page say the same of every change."""
    shown = weekly.kpi_value(row, column, kind)
    if column == "km_median_minutes" and weekly.km_not_reached(row) and not weekly.km_change(row):
        # 'not reached' above says under half answered: 'under half answered, was …' was cut in
        # a narrow column (a persona review); with no median before, no change to give
        change, colour = weekly.KM_NOT_REACHED_MEANS, NEUTRAL
    else:
        change, style = weekly.card_delta(row, column, kind)
        colour = _change_colour(style)
        if change is not None and (word := style.get("delta_description")):  # not in colour alone
            change = f"{change}, {word}"
    return shown if change is None else f'{shown}<br><sup><span style="color:{colour}">{change}</span></sup>'


# A change's colour as the page's cards give it (weekly.card_delta): green better, red worse,
# grey a volume, no change or one chance may explain.
BETTER, WORSE, NEUTRAL = "#1a7f37", "#cf222e", "#6e7781"
_VERDICT_COLOURS = {verdict(worse=False): BETTER, verdict(worse=True): WORSE}


def _change_colour(style: dict) -> str:
    """The colour of a card's change from its st.metric style (its word: formatting.verdict)."""
    return _VERDICT_COLOURS.get(style.get("delta_description"), NEUTRAL)


RISK_TEXT_LIMIT = 90  # characters of what the customer said: two lines of its column
MAX_RISK_ROWS = 18  # six brands' three each at most; fewer when rows wrap (_page_layout)


RISK_HEADER = ["Brand", "#", "What the customer said", "Status at week's end", "Complaint",
               "Customer", "Followers", "Requested (UTC)"]


def _risk_table(risks: pd.DataFrame) -> go.Table:
    return go.Table(header=dict(values=[f"<b>{h}</b>" for h in RISK_HEADER], fill_color="#eee",
                                line_color="#ccc", align="left", font=dict(color="#222")),
                    cells=dict(values=_risk_cells(risks), align="left", fill_color="white", line_color="#ccc",
                               height=RISK_ROW_PX, font=dict(size=RISK_FONT, color="#222")),
                    columnwidth=RISK_COLUMN_WIDTHS)


def _risk_cells(risks: pd.DataFrame) -> list[list[str]]:
    """The risk table's columns as plotly text (escaped, links as markup)."""
    if risks.empty:
        return [["no open or ignored requests"]] + [[""]] * (len(RISK_HEADER) - 1)
    return [[safe.plot_text(b) for b in risks["brand"]],
            [str(r) for r in risks["rank"]],
            [_linked(text, link) for text, link in zip(risks["text"], risks["link"])],
            [safe.plot_text(s) for s in risks["status_at_week_end"]],
            ["yes" if c else "no" for c in risks["complaint"]],
            [safe.plot_text(h, limit=40) for h in risks["author_handle"]],
            [format_followers(f) for f in risks["followers"]],
            [pd.Timestamp(t).strftime("%Y-%m-%d %H:%M") for t in risks["requested_at"]]]


def _risk_cells_by_row(risks: pd.DataFrame) -> list[list[str]]:
    """Each top risk's cells as the reader sees them, to measure (none for no risks: the
    table's one row then says so, in a line)."""
    if risks.empty:
        return []
    return [[_plain(cell) for cell in row] for row in zip(*_risk_cells(risks))]


def _plain(cell: str) -> str:
    """A cell's plotly text as shown: markup dropped, entities decoded."""
    return html.unescape(re.sub("<[^>]*>", "", cell))


def _linked(text, link: str | None) -> str:
    """What the customer said, cut to RISK_TEXT_LIMIT and escaped, as a link to the mention
    when it has one (safe.mention_link: built from the numeric id only)."""
    shown = safe.plot_text(text, limit=RISK_TEXT_LIMIT) or "–"
    if not isinstance(link, str) or not link:  # a link column mixing links and none holds NaN
        return shown
    return f'<a href="{html.escape(link, quote=True)}">{shown}</a>'
