"""The weekly one-pager as one plotly figure the size of an A4 page (shown on the page, exported
to PDF/PNG, reusable by reports): the KPIs an executive reads on paper with their week-over-week
changes, and the top risks. Every data-derived label goes through safe.plot_text."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from etl.care_definitions import DEFAULT_HORIZON_HOURS, METRIC_VERSION

from . import safe, weekly, weekly_cards, weekly_notes, weekly_risks
from .busiest import NAMED_LEFT_OUT
from .formatting import counted, format_followers, listed, utc_minute, verdict

# An A4 page at 96 px to the inch (a CSS pixel): printed at actual size a px is 0.75 pt. At
# 1240 px wide the page printed its figures at 5.8 pt, their changes at 4 pt (unreadable).
WIDTH, HEIGHT = 794, 1123
A4_WIDTH_MM = 210  # the PDF's page: the one-pager printed at actual size on A4
# Type sizes in px (pt on paper: x 0.75): body text 9 pt, the smallest (changes, notes) 8.25 pt,
# the KPI figures 12 pt. Arial's metrics (Liberation Sans here): narrower than plotly's default
# fallback (DejaVu Sans), so more fits a column.
FONT_FAMILY = "Arial, Liberation Sans, Helvetica, sans-serif"
BODY_FONT, SMALL_FONT, FIGURE_FONT, BRAND_FONT, SECTION_FONT, TITLE_FONT = 12, 11, 16, 13, 14, 20

# What an executive needs on paper (SPEC: ghost towns, answers within the hour, what customers
# say and feel, and how much they say it); the other KPIs are on the dashboard's Weekly page.
PRINTED_KPIS = ("mentions", "complaint_share", "net_sentiment", "ghost_town_rate", "sla_rate")


def printed_kpis() -> list[tuple[str, str, str]]:
    """weekly.KPIS the one-pager prints, in the page's order."""
    return [kpi for kpi in weekly.KPIS if kpi[0] in PRINTED_KPIS]


def one_pager(rows: pd.DataFrame, week: str, stored: bool, horizon_hours: float = DEFAULT_HORIZON_HOURS,
              risks: pd.DataFrame | None = None, ending: dict | None = None,
              late: pd.DataFrame | None = None, chosen: bool = False,
              changes: pd.DataFrame | None = None, part_week: str | None = None,
              focus: str | None = None) -> go.Figure:
    """The one-pager of `rows` (week_rows); `risks` is their top risks with the customers'
    texts (weekly_risks.top_risks_with_text; none: without texts); `ending` the brands whose data
    ends before the week's end (weekly_notes.brands_ending_early), and `late` the mentions loaded after
    the week was stored (weekly_notes.loaded_after), and `changes` how its figures computed now differ
    from those stored (weekly_notes.changed_since), said under the title as on the page; chosen: the
    brands are the sidebar's choice, so each one the page has no room for is named. part_week: the
    page's note of a week the data covers in part (weekly_notes.part_week_note), whose changes compare unlike
    periods: the page warned of it and the one-pager an executive reads did not. focus: the brand
    picked for the page's cards, printed first whatever its volume (_busiest_first)."""
    risks = weekly_risks.top_risks(rows) if risks is None else risks
    late_note = None if late is None else weekly_notes.loaded_after_note(late, rows["brand"], shown=_in_line)
    notes = [part_week, weekly_notes.pending_brief(rows, shown=_in_line),
             weekly_notes.added_late_note(rows, shown=_in_line),
             weekly_notes.ending_early_note(ending or {}, stored, shown=_in_line), late_note,
             None if changes is None else weekly_notes.changed_since_note(changes, rows["brand"], shown=_in_line)]
    title = _title_lines(rows, week, stored, horizon_hours, notes)
    margin_top = TOP_PAD + TITLE_FONT * LINE_SPACING + (len(title) - 1) * SMALL_LINE_PX
    footer = _footer_lines(rows)
    busiest = _busiest_first(rows, focus)
    # under the top risks, as many lines as their note takes (it names the brands left out, which
    # depend on the room), then the footer: a fixed room of three lines for the note cost the sixth
    # brand's first risk once the footer came
    for note_lines in range(1, 10):
        margin_bottom = (note_lines * SMALL_LINE_PX + FOOTER_GAP + len(footer) * SMALL_LINE_PX + FOOTER_PAD)
        layout = _page_layout(busiest, risks, HEIGHT - margin_top - margin_bottom, chosen, focus,
                              footer=margin_bottom - MARGIN_BOTTOM)
        risks_of_printed = _risks_of(risks, busiest["brand"].iloc[:layout.brand_rows] if "brand" in busiest else [])
        printed_risks = _risks_printed(risks_of_printed, layout.risk_rows)
        note = _left_out_lines(len(risks) - len(printed_risks), "top risk",
                               _brands_left_out(risks_of_printed, printed_risks, chosen))
        if len(note) <= note_lines:
            break
    fig = go.Figure()
    printed = rows[rows.index.isin(busiest.index[:layout.brand_rows])]  # in the page's order, by name
    fig.add_trace(_kpi_table(printed, _brand_cells(printed), weekly_cards.counted_days(rows)))
    fig.add_trace(_risk_table(printed_risks, layout.risk_text_limit, _no_risks_said(risks)))
    _place(fig, layout)
    for text, top in (("<br>".join(note), layout.risk_bottom),
                      ("<br>".join(footer), layout.height + note_lines * SMALL_LINE_PX + FOOTER_GAP)):
        if text:
            fig.add_annotation(text=text, xref="paper", yref="paper", x=0, xanchor="left", y=layout.y(top),
                               yanchor="top", align="left", showarrow=False, font=dict(size=SMALL_FONT))
    fig.update_layout(
        # the title's lines 1.3 small type apart, its first set larger: plotly places the
        # title by its font's size, so the pad makes up the first line's
        title=dict(text="<br>".join(title), x=0, xref="paper", xanchor="left", y=1, yref="container",
                   yanchor="top", pad=dict(t=TOP_PAD + TITLE_FONT - SMALL_FONT), font=dict(size=SMALL_FONT)),
        width=WIDTH, height=HEIGHT, showlegend=False, font=dict(family=FONT_FAMILY, size=BODY_FONT),
        margin=dict(l=MARGIN_SIDE, r=MARGIN_SIDE, t=margin_top, b=margin_bottom),
        paper_bgcolor="white", plot_bgcolor="white")
    return fig


def printed_text(fig: go.Figure) -> str:
    """What the one-pager prints, as plain text in reading order: its title, then its section
    titles, tables and notes from the top of the page down, a table row by row with each cell
    after its header ('Ghost-town rate: 21.1% +1.9 pts may be chance'). The PDF's text
    alternative: Chromium tags the printed page as one picture, which a screen reader skips."""
    heading, _, lines = fig.layout.title.text.partition("<br>")  # the week's title, then its notes
    blocks = [(2.0, _sentence(heading)), (2.0, _sentence(lines))]
    for table in (trace for trace in fig.data if trace.type == "table"):
        headers = [_spoken(h) for h in table.header.values]
        rows = [_sentence("; ".join(f"{h}: {_spoken(str(cell))}" for h, cell in zip(headers, row)))
                for row in zip(*table.cells.values)]
        blocks.append((table.domain.y[1], " ".join(rows)))
    blocks += [(note.y, _sentence(note.text)) for note in fig.layout.annotations]
    return " ".join(text for _, text in sorted(blocks, key=lambda block: -block[0]) if text)


def _spoken(text: str) -> str:
    """Plot text as one line of plain text (_plain, its line breaks as spaces)."""
    return " ".join(_plain(text or "").split())


def _sentence(text: str) -> str:
    """_spoken, ended with a full stop where it has none ('' stays '')."""
    spoken = _spoken(text)
    return spoken + "." if spoken and spoken[-1] not in ".!?…" else spoken


# The page's frame in px: a printer's margin of 10 mm at the sides, and at the top above the
# title; at the bottom room for the 'more top risks' note (MARGIN_BOTTOM: the brands' table's share
# of the page is of the height above it), then the footer (_footer_lines), a printer's margin under it.
MARGIN_SIDE, TOP_PAD, MARGIN_BOTTOM, FOOTER_GAP, FOOTER_PAD = 38, 28, 48, 10, 24
TABLE_WIDTH = WIDTH - 2 * MARGIN_SIDE  # both tables span the page between the margins
SECTION_PX = 30  # a section's title above its table
SECTION_GAP = 10  # above a section's title, under the note before it
NOTE_GAP = 4  # between a table and the note under it
KPI_MAX_SHARE = 0.55  # the brands' table leaves the top risks at least a few rows
KPI_COLUMN_WIDTHS = [1.5] + [1] * len(PRINTED_KPIS)
# a figure, its change below it and the change's word below that: one line of the figure's
# size and two of the small type's, and the cell's padding
KPI_ROW_PX = 64
RISK_COLUMN_WIDTHS = [1.2, 0.3, 3.4, 1.25, 1.0, 1.0, 1.2]
RISK_ROW_PX = 30
HEADER_ROW_PX = 30
# How plotly lays out a table's cell (plotly.js table constants): 8 px above and below its
# text, lines 1.3 font sizes apart, wrapped at spaces to the column's width. A character is
# taken as 0.6 of the font size, wider than most lower-case letters, so a name is given a line
# too many rather than cut; those wider (_WIDE_EM) as wide as they are (_units).
CELL_PAD, LINE_SPACING, CHAR_EM = 8, 1.3, 0.6
# Characters wider than CHAR_EM in Arial's metrics (Liberation Sans'), in ems: a word of
# capitals ('#WORSTSERVICEEVER...') or of '@'s cut at so many 0.6 em characters ran past its
# column; the ellipsis a cut word ends with is a whole em
_WIDE_EM = {**dict.fromkeys("ABEKPSVXY&", 0.667), **dict.fromkeys("CDHNRUw", 0.722),
            **dict.fromkeys("GOQ", 0.778), **dict.fromkeys("FTZ", 0.611), "M": 0.833, "m": 0.833,
            "W": 0.944, "%": 0.889, "@": 1.015, "…": 1.0, **dict.fromkeys("æœǽфшщљњ", 0.944)}
# an East Asian wide character (Chinese, Japanese, Korean, most emoji) or a symbol: an em, an
# emoji's a quarter more; a capital of another script as wide as the widest (Cyrillic Љ, Ю)
WIDE_CHARACTER_EM, OTHER_CAPITAL_EM = 1.25, 1.06
SMALL_LINE_PX = SMALL_FONT * LINE_SPACING
NOTE_CHARS = int(TABLE_WIDTH // (CHAR_EM * SMALL_FONT))  # a note's line, across the page


@dataclass(frozen=True)
class PageLayout:
    """The page's blocks, in px down from the top of the area under the title."""
    height: float        # of that area
    brand_rows: int      # brands the first table prints in full
    kpi_bottom: float
    kpi_note: list[str]  # the lines under the brands' table: what it leaves out
    risk_top: float
    risk_rows: int       # top risks the last table prints in full
    risk_bottom: float
    risk_text_limit: int  # characters of what each customer said it prints (RISK_TEXT_LIMITS)

    def y(self, px: float) -> float:
        """`px` down from the area's top as plotly's paper coordinate (1 at the top)."""
        return 1 - px / self.height


def _page_layout(rows: pd.DataFrame, risks: pd.DataFrame, height: float, chosen: bool = False,
                 focus: str | None = None, footer: float = 0) -> PageLayout:
    """Each table's height from its rows' (a row is as tall as its most wrapped cell), so no
    row is cut at a table's bottom: as many brands as fit in KPI_MAX_SHARE, the note of what
    the table leaves out, and as many top risks of the brands printed (up to MAX_RISK_ROWS) as fit
    in the rest, what the customers said cut shorter where every brand's first would not fit else
    (_risk_rows). The rows left out are counted in notes, the brands named (_kpi_note, _brands_left_out).
    footer: px under `height` the footer takes (_footer_lines), from the top risks' room, not the brands'."""
    kpi, brand_rows = _brand_table_px(rows, KPI_MAX_SHARE * (height + footer) - SECTION_PX)
    kpi_bottom = SECTION_PX + kpi
    brands = rows["brand"] if "brand" in rows else pd.Series(dtype=object)
    first = focus if len(brands) and brands.iloc[0] == focus else None
    note = _kpi_note(list(brands.iloc[brand_rows:]), chosen, first)
    risks = _risks_of(risks, brands.iloc[:brand_rows])
    risk_top = kpi_bottom + NOTE_GAP + len(note) * SMALL_LINE_PX + SECTION_GAP + SECTION_PX
    header = _header_px(RISK_HEADER, RISK_COLUMN_WIDTHS)
    heights, risk_rows, limit = _risk_rows(risks, height - risk_top - header - TABLE_SLACK)
    risk_bottom = risk_top + header + max(sum(heights[:risk_rows]), RISK_ROW_PX) + TABLE_SLACK
    return PageLayout(height, brand_rows, kpi_bottom, note, risk_top, risk_rows, risk_bottom, limit)


def _risk_rows(risks: pd.DataFrame, room: float) -> tuple[list[float], int, int]:
    """(each top risk's row height, how many fit in `room` px, the characters of what the customer
    said that they print): the longest of RISK_TEXT_LIMITS that prints every brand's first risk
    (_by_rank), else the shortest, which fits the most. At three lines a quote, six brands' first
    risks did not fit under six brands' figures, and the last brand's went unprinted (a review)."""
    firsts = risks["brand"].nunique() if "brand" in risks else 0
    for limit in RISK_TEXT_LIMITS:
        heights = [_row_px(cells, RISK_COLUMN_WIDTHS, BODY_FONT, RISK_ROW_PX)
                   for cells in _risk_cells_by_row(_by_rank(risks), limit)]
        fit = min(MAX_RISK_ROWS, _rows_that_fit(heights, room))
        if fit >= min(firsts, MAX_RISK_ROWS):
            break
    return heights, fit, limit


def _brands_left_out(risks: pd.DataFrame, printed: pd.DataFrame, chosen: bool = False) -> list[str]:
    """The brands with top risks of which the page prints none (where even the shortest quotes
    leave no room for each one's first), named as _kpi_note names the brands it leaves out."""
    if risks.empty:
        return []
    left_out = [brand for brand in risks["brand"].drop_duplicates() if brand not in set(printed["brand"])]
    shown = len(left_out) if chosen else NAMED_LEFT_OUT
    return [_in_line(brand) for brand in left_out[:shown]] + (
        [f"{len(left_out) - shown:,} more"] if len(left_out) > shown else [])


def _busiest_first(rows: pd.DataFrame, focus: str | None = None) -> pd.DataFrame:
    """The brand picked for the page's cards (`focus`) first, then those of most customer mentions
    (then most care requests): the ones the table prints when not all fit. By name alone, an
    agency's 33 brands printed the first 5 of the alphabet, one of them without a request that
    week, and left out its busiest; by volume alone, the brand picked, of fewest mentions and a
    100% ghost-town rate, was left out of the page printed to discuss it (a user review)."""
    ordered = rows.sort_values(["mentions", "requests"], ascending=False, kind="stable", na_position="last")
    if focus is None or "brand" not in ordered:
        return ordered
    picked = ordered["brand"] == focus
    return pd.concat([ordered[picked], ordered[~picked]])


def _risks_of(risks: pd.DataFrame, brands) -> pd.DataFrame:
    """The top risks of `brands` (those the KPI table prints, the brand picked first: _busiest_first),
    in their order, so where not every brand's first fits, the brand picked keeps its own (_by_rank
    keeps this order within a rank). A brand's risk printed under a table that left the brand out,
    and another printed brand's none, read as two different pages (a user review)."""
    if risks.empty or "brand" not in risks:
        return risks
    order = {brand: place for place, brand in enumerate(brands)}
    kept = risks[risks["brand"].isin(order)]
    return kept.iloc[kept["brand"].map(order).argsort(kind="stable")]


def _place(fig: go.Figure, layout: PageLayout) -> None:
    """The tables in their blocks, each under its section's title, the brands' with its note."""
    kpi, risk = fig.data
    kpi.domain = dict(x=[0, 1], y=[layout.y(layout.kpi_bottom), layout.y(SECTION_PX)])
    risk.domain = dict(x=[0, 1], y=[layout.y(layout.risk_bottom), layout.y(layout.risk_top)])
    for text, top in (("Per brand, with the change from the week before", 0),
                      ("Top risks", layout.risk_top - SECTION_PX)):
        fig.add_annotation(text=f"<b>{text}</b>", xref="paper", yref="paper", x=0, xanchor="left",
                           y=layout.y(top), yanchor="top", showarrow=False, font=dict(size=SECTION_FONT))
    fig.add_annotation(text="<br>".join(layout.kpi_note), xref="paper", yref="paper", x=0, xanchor="left",
                       y=layout.y(layout.kpi_bottom + NOTE_GAP), yanchor="top", align="left",
                       showarrow=False, font=dict(size=SMALL_FONT))


def _kpi_note(left_out: list[str], chosen: bool = False, focus: str | None = None) -> list[str]:
    """What the brands' table leaves out for want of room (left_out: the brands, busiest first),
    with their top risks, and where it is, in lines across the page, saying which brands it
    prints (focus: the brand picked, printed first). The brands named as the charts name theirs
    (busiest.left_out_note): the busiest few, or each one when they are the sidebar's choice
    (the quietest, maybe the client's own, went unsaid in 'N more brands')."""
    others = [label[0].lower() + label[1:] if label[:3] not in ("SLA", "KM ") else label
              for column, label, _ in weekly.KPIS if column not in PRINTED_KPIS]
    shown = len(left_out) if chosen else NAMED_LEFT_OUT
    named = [_in_line(brand) for brand in left_out[:shown]] + (
        [f"{len(left_out) - shown:,} more"] if len(left_out) > shown else [])
    picked = f"{_in_line(focus)}, the brand picked, then " if focus else ""
    whose = "its" if len(left_out) == 1 else "their"
    more = (f"{counted(len(left_out), 'more brand')} and {whose} top risks (this page prints {picked}those of most "
            f"customer mentions): {listed(named)}; " if left_out else "")
    return _wrap(f"On the dashboard's Weekly page, not here: {more}{listed(others)}; "
                 "the ghost-town rate's 95% interval.", NOTE_CHARS)


def _wrap(text: str, chars_a_line: int, markup: bool = True) -> list[str]:
    """`text` in lines of at most `chars_a_line` characters (_units), broken at spaces (a longer
    word takes a line of its own). markup: `text` is plot text, measured as shown (_plain);
    False: it is already as shown, and a customer's '<b>' or '&lt;' is measured as written
    (measured as markup once more, '<style>...</style>' counted nothing and its row was cut)."""
    width = (lambda part: _units(_plain(part))) if markup else _units
    lines: list[str] = []
    for word in text.split(" "):
        if lines and width(lines[-1]) + 1 + width(word) <= chars_a_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _units(text: str) -> float:
    """How wide `text` is drawn, in characters of CHAR_EM: a combining accent or a format
    character adds nothing, a wide character (_WIDE_EM, East Asian) more than one. Rounded: added
    up in floats, seven letters of CHAR_EM came to a hair over seven, and a word that fitted was cut."""
    return round(sum(map(_char_em, text)) / CHAR_EM, 9)


def _char_em(char: str) -> float:
    if char in _WIDE_EM:
        return _WIDE_EM[char]
    if char.isascii():
        return CHAR_EM
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F") or unicodedata.category(char) == "So":
        return WIDE_CHARACTER_EM
    if (base := unicodedata.normalize("NFD", char)[0]).isascii():  # an accented Latin letter: its letter's
        return _char_em(base)
    return OTHER_CAPITAL_EM if char.isupper() else CHAR_EM


def _brand_table_px(rows: pd.DataFrame, room: float) -> tuple[float, int]:
    """(height, brands printed) of the KPI table given at most `room` px: the brand is the one
    cell whose text wraps (the figures are short); an empty week's table keeps a row."""
    header = _header_px(["Brand"] + [label for _, label, _ in printed_kpis()], KPI_COLUMN_WIDTHS)
    heights = [_brand_row_px(name, _basis_lines(row)) for name, (_, row) in zip(_brand_names(rows), rows.iterrows())]
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
    return _row_px(labels, columns, BODY_FONT, HEADER_ROW_PX, bold=True)


def _row_px(cells: list[str], columns: list[float], font: float, least: float, bold: bool = False) -> float:
    """A table row's height as plotly draws it: its declared height, or its most wrapped
    cell's lines and padding when taller. `cells` are the text shown (_plain), from the first column:
    each of a cell's lines (a <br> in its markup) wraps on its own."""
    lines = max(sum(len(_wrap(line, _column_chars(columns, i, font, bold), markup=False))
                    for line in str(cell).split("\n"))
                for i, cell in enumerate(cells))
    return max(least, lines * LINE_SPACING * font + 2 * CELL_PAD)


def _column_chars(columns: list[float], index: int, font: float, bold: bool = False) -> int:
    """How many characters a line of a table's column `index` (of `columns`' shares) holds."""
    room = TABLE_WIDTH * columns[index] / sum(columns) - 2 * CELL_PAD
    return int(room // (CHAR_EM * font * (1.1 if bold else 1)))


def _in_column(text, columns: list[float], index: int, font: float, limit: int = 140) -> str:
    """Untrusted `text` as plot text (safe.plot_text) for a cell of the column `index`, each
    word longer than a line of it cut with an ellipsis: plotly wraps a cell at spaces only, and
    clipped a long word (a link, a hashtag) at the column's edge."""
    return safe.plot_text(_words_cut(text, _column_chars(columns, index, font)), limit=limit)


def _in_line(text) -> str:
    """Untrusted `text` as plot text in a line across the page (the title's, which does not
    wrap), each word wider than the line cut: a brand's name of one long word in the pending
    brief ran past the page's edge."""
    return safe.plot_text(_words_cut(text, NOTE_CHARS))


def _words_cut(text, chars: int) -> str:
    """Untrusted `text` made visible (safe.visible), each word wider than `chars` cut (_cut)."""
    return " ".join(_cut(word, chars) for word in safe.visible(text).split(" "))


def _cut(word: str, chars: int) -> str:
    """`word` if it is at most `chars` characters wide (_units), else as much of it as fits
    with an ellipsis after."""
    if _units(word) <= chars:
        return word
    room, kept = chars - _units("…"), 0
    for char in word:
        room -= _units(char)
        if room < 0:
            break
        kept += 1
    return word[:kept] + "…"


def _brand_names(rows: pd.DataFrame) -> list[str]:
    """The brands' names as the KPI table's first column shows them."""
    return [_in_column(b, KPI_COLUMN_WIDTHS, 0, BRAND_FONT) for b in rows.get("brand", [])]


def _brand_cells(rows: pd.DataFrame) -> list[str]:
    """The KPI table's first column: each brand's name, and under it in the small type what its
    rates are of (_basis_lines); the name wrapped here, as plotly wraps no cell holding a line break."""
    chars = _column_chars(KPI_COLUMN_WIDTHS, 0, BRAND_FONT)
    small = f'<br><span style="font-size:{SMALL_FONT}px;color:{NEUTRAL}">'
    return ["<br>".join(_wrap(name, chars)) + "".join(f"{small}{line}</span>" for line in _basis_lines(row))
            for name, (_, row) in zip(_brand_names(rows), rows.iterrows())]


def _brand_row_px(name: str, lines: list[str]) -> float:
    """A brand's row height: its name's wrapped lines in the brand's type, its _basis_lines' in the
    small type (_row_px, measured in one size, gave the counts a line too many each)."""
    said = [(line, BRAND_FONT) for line in _plain(name).split("\n")] + [(line, SMALL_FONT) for line in lines]
    px = sum(len(_wrap(line, _column_chars(KPI_COLUMN_WIDTHS, 0, font), markup=False)) * LINE_SPACING * font
             for line, font in said)
    return max(KPI_ROW_PX, px + 2 * CELL_PAD)


def _left_out_lines(left_out: int, noun: str, brands: list[str] = ()) -> list[str]:
    """The lines saying how many rows a table left out for want of room, and where they are (none
    when it left none out); `brands`: those of which it prints none, named (a brand left out whole
    went unsaid in '13 more top risks')."""
    if left_out <= 0:
        return []
    whose = f"; here none for {listed(brands)}" if brands else ""
    return _wrap(f"{counted(left_out, 'more ' + noun)} on the dashboard's Weekly page{whose}", NOTE_CHARS)


def _title_lines(rows: pd.DataFrame, week: str, stored: bool, horizon_hours: float,
                 notes: list[str | None]) -> list[str]:
    """The one-pager's title: the week, as of when, from what, under which assumptions; in
    lines that fit the page (a title does not wrap: the pending brands ran off its edge)."""
    as_of = utc_minute(rows["as_of"].iloc[0]) if len(rows) else "–"
    provenance = weekly_notes.provenance(rows, stored)
    said = [f"ISO week in UTC, as of {as_of}; horizon {horizon_hours:g} h, SLA {weekly.SLA_MINUTES:g} min.",
            safe.plot_text(provenance[:1].upper() + provenance[1:]) + "."]
    said += [note if note.endswith(".") else note + "." for note in notes if note]
    lines = [line for text in said for line in _wrap(text, NOTE_CHARS)]
    return [f'<span style="font-size:{TITLE_FONT}px"><b>Weekly snapshot '
            f"{safe.plot_text(weekly.week_title(week))}</b></span>"] + lines


def _footer_lines(rows: pd.DataFrame) -> list[str]:
    """The page's last lines, so a page forwarded alone says what its figures mean: the metric
    definitions' version (the rows', as stored) and where they are (the counts under each brand's
    name say what they count: _basis_lines). It named the week, horizon and SLA, not the definitions.
    One line: the top risks' room pays for it, and at two the sixth brand's first risk went unprinted."""
    versions = sorted(set(rows["metric_version"])) if "metric_version" in rows and len(rows) else [METRIC_VERSION]
    text = (f"Metric definitions {listed([safe.plot_text(v) for v in versions])}, on the dashboard's Weekly page "
            "(its Definitions button).")
    return _wrap(text, NOTE_CHARS)


def _basis_lines(row) -> list[str]:
    """What a brand's care rates are of, under its name: its decided requests (a rate without its
    count hides a small sample: 100.0% of 3 read as loudly as of 300). One line: with the scored
    mentions on a second, six brands of three-line names no longer fitted the table."""
    if any(c not in row or pd.isna(row[c]) for c in ("answered", "ignored")):
        return []
    return [counted(int(row["answered"] + row["ignored"]), "decided request")]


def _kpi_table(rows: pd.DataFrame, brands: list[str], days: str | None = None) -> go.Table:
    kpis = printed_kpis()
    header = ["Brand"] + [label for _, label, _ in kpis]
    cells = [brands] + [[_kpi_cell(row, column, kind, days) for _, row in rows.iterrows()] for column, _, kind in kpis]
    # the brand in its own size; a KPI cell's lines in the small type, its figure set larger
    return go.Table(header=dict(values=[f"<b>{h}</b>" for h in header], fill_color="#eee", line_color="#ccc",
                                align="left", height=HEADER_ROW_PX, font=dict(size=BODY_FONT, color="#222")),
                    cells=dict(values=cells, align="left", height=KPI_ROW_PX, fill_color="white", line_color="#ccc",
                               font=dict(size=[BRAND_FONT] + [SMALL_FONT] * len(kpis), color="#222")),
                    columnwidth=KPI_COLUMN_WIDTHS)


def _kpi_cell(row, column: str, kind: str, days: str | None = None) -> str:
    """A KPI's value and under it its change, and under that the word its card gives the change
    (weekly_cards.card_delta: better, worse, may be chance, or none), in the card's colour, so the
    one-pager and the page say the same of every change. A line each: a column of the printed
    page is too narrow for a change and its word on one. days: weekly_cards.counted_days, a count's change
    in a week the data ends inside said of how much of it, grey, as on its card (part_week_style)."""
    shown = f'<span style="font-size:{FIGURE_FONT}px">{weekly_cards.kpi_value(row, column, kind)}</span>'
    change, style = weekly_cards.card_delta(row, column, kind)
    style = weekly_cards.part_week_style(change, style, kind, days)
    if change is None:  # a line break, so plotly does not wrap the cell at the space inside <span style>
        return shown + "<br>"
    colour = _change_colour(style)
    said = [change] + ([word] if (word := style.get("delta_description")) else [])  # not in colour alone
    # each line wrapped to the column by us: plotly wraps no cell holding a <br> ('no data the week
    # before' ran into the next column)
    chars = _column_chars(KPI_COLUMN_WIDTHS, 1, SMALL_FONT)
    lines = [part for line in said for part in _wrap(line, chars, markup=False)]
    return shown + "".join(f'<br><span style="color:{colour}">{line}</span>' for line in lines)


# A change's colour as the page's cards give it (weekly_cards.card_delta): green better, red worse,
# grey a volume, no change or one chance may explain.
BETTER, WORSE, NEUTRAL = "#1a7f37", "#cf222e", "#6e7781"
_VERDICT_COLOURS = {verdict(worse=False): BETTER, verdict(worse=True): WORSE}


def _change_colour(style: dict) -> str:
    """The colour of a card's change from its st.metric style (its word: formatting.verdict)."""
    return _VERDICT_COLOURS.get(style.get("delta_description"), NEUTRAL)


RISK_TEXT_LIMIT = 90  # characters of what the customer said: three lines of its column at most
# ... and where that leaves a brand's first top risk unprinted, two lines (a row as tall as its
# date and time's two): every brand's first risk before the longer quotes (_risk_rows)
RISK_TEXT_LIMITS = (RISK_TEXT_LIMIT, 56)
MAX_RISK_ROWS = 18  # six brands' three each at most; fewer when rows wrap (_page_layout)


# The customer's handle is left out (on the dashboard): a column too many for the page's width;
# their followers say how far it may spread.
RISK_HEADER = ["Brand", "#", "What the customer said", "Status at week's end", "Complaint",
               "Followers", "Requested (UTC)"]


def _no_risks_said(risks: pd.DataFrame) -> str:
    """What the top risks' table says when it prints none: the week's other brands may have some,
    which the brands' table leaves out (_risks_of), so 'none' alone would be untrue."""
    return "no open or ignored requests" + (" of the brands above" if len(risks) else "")


def _risk_table(risks: pd.DataFrame, text_limit: int = RISK_TEXT_LIMIT, none: str = "") -> go.Table:
    return go.Table(header=dict(values=[f"<b>{h}</b>" for h in RISK_HEADER], fill_color="#eee",
                                line_color="#ccc", align="left", height=HEADER_ROW_PX,
                                font=dict(size=BODY_FONT, color="#222")),
                    cells=dict(values=_risk_cells(risks, text_limit, none), align="left", fill_color="white",
                               line_color="#ccc", height=RISK_ROW_PX, font=dict(size=BODY_FONT, color="#222")),
                    columnwidth=RISK_COLUMN_WIDTHS)


def _by_rank(risks: pd.DataFrame) -> pd.DataFrame:
    """The top risks in the order the page takes them: every brand's first before any brand's
    second, so a page with room for a few does not print one brand's three and another's none."""
    return risks.sort_values("rank", kind="stable") if "rank" in risks else risks


def _risks_printed(risks: pd.DataFrame, shown: int) -> pd.DataFrame:
    """The `shown` top risks the page has room for (_by_rank), listed per brand as the page's table is."""
    return _by_rank(risks).head(shown).sort_index()


def _risk_cells(risks: pd.DataFrame, text_limit: int = RISK_TEXT_LIMIT, none: str = "") -> list[list[str]]:
    """The risk table's columns as plotly text (escaped, links as markup), what the customer said
    cut to `text_limit` characters; for no risks, one row saying `none` (_no_risks_said) where the
    customers' words go: in the brands' narrow column it wrapped past the table's bottom."""
    if risks.empty:
        return [[""], [""], [none or _no_risks_said(risks)]] + [[""]] * (len(RISK_HEADER) - 3)
    return [[_in_column(b, RISK_COLUMN_WIDTHS, 0, BODY_FONT) for b in risks["brand"]],
            [str(r) for r in risks["rank"]],
            [_linked(text, link, text_limit) for text, link in zip(risks["text"], risks["link"])],
            _statuses(risks),
            ["yes" if c else "no" for c in risks["complaint"]],
            [format_followers(f) for f in risks["followers"]],
            [pd.Timestamp(t).strftime("%Y-%m-%d<br>%H:%M") for t in risks["requested_at"]]]  # 2 lines: narrower


def _statuses(risks: pd.DataFrame) -> list[str]:
    """Each top risk's status at the week's end as stored, marked when its author has since deleted
    it (weekly_risks.with_deleted_since): on paper it read as a request still worth chasing, its link
    opening nothing, where the page says what became of it."""
    deleted = risks["noticed_at"].notna() if "noticed_at" in risks else pd.Series(False, index=risks.index)
    return [safe.plot_text(status) + ("<br><i>since deleted by its author</i>" if gone else "")
            for status, gone in zip(risks["status_at_week_end"], deleted)]


def _risk_cells_by_row(risks: pd.DataFrame, text_limit: int = RISK_TEXT_LIMIT) -> list[list[str]]:
    """Each top risk's cells as the reader sees them, to measure (none for no risks: the
    table's one row then says so, in a line)."""
    if risks.empty:
        return []
    return [[_plain(cell) for cell in row] for row in zip(*_risk_cells(risks, text_limit))]


def _plain(cell: str) -> str:
    """A cell's plotly text as shown: a line break as one, other markup dropped, entities decoded
    (a request's time, its date and time on two lines, was measured as one line, and a row of a
    short text ran past the table's bottom)."""
    return html.unescape(re.sub("<[^>]*>", "", re.sub("<br>", "\n", cell)))


def _linked(text, link: str | None, limit: int = RISK_TEXT_LIMIT) -> str:
    """What the customer said, cut to `limit` characters and its long words to its column
    (_in_column), escaped, as a link to the mention when it has one (safe.mention_link: built
    from the numeric id only)."""
    shown = _in_column(text, RISK_COLUMN_WIDTHS, 2, BODY_FONT, limit=limit) or "–"
    if not isinstance(link, str) or not link:  # a link column mixing links and none holds NaN
        return shown
    return f'<a href="{html.escape(link, quote=True)}">{shown}</a>'
