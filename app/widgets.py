"""Small layout pieces every page uses: chart captions, definitions one click away,
assumption notes, safe tables and downloads."""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable, Iterable

import altair as alt
import pandas as pd
import streamlit as st

from etl import care_definitions, word_of_mouth

from . import db, filters, formatting, safe
from .filters import Assumptions

# Altair checks every part of a chart against the Vega-Lite schema as it is made (its "debug
# mode", for tracebacks that point at the line), then the whole chart again when Streamlit
# converts it: the checks were a third of a Trends run (its two charts), which the browser
# waits for. The whole chart is still checked on conversion: the same spec, a wrong one still fails.
alt.utils.schemapi.disable_debug_mode()


def chart(figure, what_it_shows: str, key: str | None = None, **kwargs):
    """A chart (a plotly figure or an Altair chart) with the one line that says what it shows,
    named for a screen reader by its title and what it is of (chart_name)."""
    st.caption(what_it_shows)
    name = chart_name(figure) or None
    if isinstance(figure, alt.TopLevelMixin):
        return st.altair_chart(figure, key=key, width="stretch", alt=name, **kwargs)
    return st.plotly_chart(figure, key=key, width="stretch", alt=name, **kwargs)


def chart_name(figure) -> str:
    """A chart's accessible name: its title and subtitle lines as plain text. Without one a
    screen reader heard every Altair chart as 'Vega visualization' (Trends' two charts one above
    the other could not be told apart) and each plotly chart as a row of unnamed images
    (Chromium's accessibility tree, accessibility review, WCAG 1.1.1)."""
    markup = not isinstance(figure, alt.TopLevelMixin)
    if not markup:
        title = _altair_title(figure)
        lines = [title.text, title.subtitle] if isinstance(title, alt.TitleParams) else [title]
    else:
        lines = [figure.layout.title.text, figure.layout.title.subtitle.text]
    words = [str(line) for part in lines for line in (part if isinstance(part, list) else [part])
             if line is not alt.Undefined and line]
    # plotly's titles are markup (safe.plot_text escapes, <br> line breaks): a name is plain text.
    # Vega's are plain text already: unescaped, a brand 'Print&copy' was named 'Print©'.
    if markup:
        words = [html.unescape(re.sub(r"<br\s*/?>", " ", word)) for word in words]
    return " ".join(word if word.endswith((".", ":", "?", "!")) else f"{word}."
                    for word in (word.strip() for word in words) if word)


def _altair_title(figure: alt.TopLevelMixin):
    """A chart's title, or a layered chart's first layer's (Trends' spikes chart titles its lines)."""
    if figure.title is not alt.Undefined:
        return figure.title
    return next((layer.title for layer in getattr(figure, "layer", None) or []
                 if getattr(layer, "title", alt.Undefined) is not alt.Undefined), alt.Undefined)


CHART_NUMBERS = "The chart's numbers as a table"


def chart_numbers(key: str | None = None):
    """Under a chart, a collapsed expander to draw its numbers in (a grid): a chart gives them
    only as pictures and on hover, which a screen reader, a keyboard or a colour-blind reader
    cannot use (WCAG 1.1.1, accessibility review). With `key`, drawn on request (on_request)."""
    if key is None:
        return st.expander(CHART_NUMBERS, icon=":material/table_view:")
    return on_request(CHART_NUMBERS, key, icon=":material/table_view:")


def on_request(label: str, key: str, **kwargs):
    """A collapsed expander whose content the page draws only while it is open: `box =
    on_request(...)`, then `if box.open: with box: ...` (opening or closing it reruns the page).
    What a closed expander holds is still sent and its code loaded on a new visit: a grid's
    (1.5 MB of script) or a code block's highlighter (1.6 MB) cost a first render about 0.3 s
    each where nothing else in the view needs them (Trends, the Page Audit; bench/README.md)."""
    return st.expander(label, key=key, on_change="rerun", **kwargs)


def definition_list(pairs: pd.DataFrame | Iterable[tuple[str, str]]) -> None:
    """(metric, definition) pairs readable in full (a table cell would cut long text off):
    one paragraph a metric, its name in bold, the definition wrapped. Both print literally
    (markdown characters escaped: ghost_town_rate, "x", "*"). A frame gives its metric and
    definition columns."""
    if isinstance(pairs, pd.DataFrame):
        pairs = zip(pairs["metric"], pairs["definition"])
    st.markdown("\n\n".join(f"**{safe.markdown_text(metric)}**: {safe.markdown_text(definition)}"
                             for metric, definition in pairs))


def definitions_popover(pairs: pd.DataFrame | Iterable[tuple[str, str]], label: str = "Definitions",
                        caption: str | None = None) -> None:
    """Definitions one click away: a popover with an optional caption and definition_list."""
    with st.popover(label, icon=":material/info:"):
        if caption:
            st.caption(caption)
        definition_list(pairs)


def definitions(metrics: list[str] | None = None, label: str = "Definitions") -> None:
    """The metric definitions (versioned), one click away, each named as the tables head it
    ('answered within 1 h') with the name the CSVs and the command line use after it
    ('· p_answered_1h'): a reader matched neither to a bare code name (user review)."""
    frame = care_definitions.definitions()
    if metrics:
        frame = frame[frame["metric"].isin(metrics)]
    named = [f"{formatting.column_header(metric)} · {metric}" if "_" in metric else metric
             for metric in frame["metric"]]
    definitions_popover(zip(named, frame["definition"]), label,
                        f"Metric definitions, version {care_definitions.METRIC_VERSION}")


def assumption_note(chosen: Assumptions, *, wom: bool = False) -> None:
    parts = [f"horizon H = {chosen.horizon_hours:g} h", f"SLA = {chosen.sla_minutes:g} min"]
    if wom:
        parts.append(f"word-of-mouth multiplier = {chosen.wom_multiplier:g} (assumption, "
                     f"{word_of_mouth.source_note(chosen.wom_multiplier)})")
        if chosen.customer_value is not None:
            parts.append(f"customer value = {word_of_mouth.as_typed(chosen.customer_value)} (assumption)")
    st.caption("Assumptions: " + "; ".join(parts) + ". Change them under Assumptions in the sidebar.")


# What a reader of a list of mentions looks for first: what was said, by whom, where to open it.
READER_FIRST = ("text", "request_text", "author_handle", "author_followers", "link",
                # a deflection: the customer's message, then the brand's answer to it
                "answered_text", "answered_link", "response_text", "response_link")


def reader_order(columns: Iterable[str], first: Iterable[str] = READER_FIRST) -> list[str]:
    """Every column in a reader's order: `first` (READER_FIRST unless a grid names its own),
    then the others (where, when, status) as they come, ids (mention_id, request_id,
    author_id) last. For grid's column_order: the frame (and its CSV) keeps its columns."""
    columns = list(columns)
    first = [c for c in first if c in columns]
    last = [c for c in columns if c not in first and (c == "id" or c.endswith("_id"))]
    return first + [c for c in columns if c not in first and c not in last] + last


def with_headers(frame: pd.DataFrame, config: dict | None = None, zone: str | None = None) -> dict:
    """A grid's column_config with every column headed in words (formatting.column_header)
    unless `config` already labels it, with its formatting.COLUMN_HELP on hover. A time
    column `config` leaves alone shows to the minute (formatting.GRID_TIME, not
    '2026-12-03 09:08:00+00:00') under a header naming its zone: its values' own, or `zone`
    for wall-clock times (naive, e.g. a chosen zone's)."""
    config = dict(config or {})
    for column in frame.columns:
        settings = config.get(column) or {}
        if not settings and pd.api.types.is_datetime64_any_dtype(frame[column]):
            config[column] = time_column(formatting.column_header(column),
                                         str(getattr(frame[column].dt, "tz", None) or zone or "") or None,
                                         formatting.COLUMN_HELP.get(column))
        elif not settings.get("label"):
            help_text = settings.get("help") or formatting.COLUMN_HELP.get(column)
            config[column] = {**settings, "label": formatting.column_header(column),
                              **({"help": help_text} if help_text else {})}
    return config


def time_column(header: str, zone: str | None = None, help: str | None = None):
    """A grid's time column: to the minute, its header naming the zone (formatting.with_zone)."""
    return st.column_config.DatetimeColumn(formatting.with_zone(header, zone), format=formatting.GRID_TIME,
                                           help=help)


# Columns of untrusted text (what customers and brands wrote, their handles and ids, the
# brand, page and industry names a loaded file gives, uploaded files' names and what a load
# said of them), besides every *_text column: grid shows them through safe.visible. The grid
# itself shows every string as text, never as markup.
UNTRUSTED_COLUMNS = ("text", "author_handle", "author_id", "parent_author", "response", "file", "message", "raw",
                     "reason", "brand", "page", "industry")


def _is_prose(column: str) -> bool:
    """Columns of what people wrote, which can run to hundreds of characters."""
    return column in ("text", "response") or column.endswith("_text")


def untrusted(column: str) -> bool:
    return column in UNTRUSTED_COLUMNS or column.endswith("_text")


NAMED_LINK_WIDTH = 110  # px: 'response link' whole, 'small' is 75


# A grid's first column when it names whose row it is: pinned, as the Weekly brands grid ran
# to 2,500 px and a phone scrolled to its rates lost the brand they were of (a review).
PINNED_FIRST = ("brand", "page")
# ... at most this wide (px): 'Zephyrine Airways' whole; "medium" (200 px) took over half a
# phone's width (a Chromium check), and a long uploaded name pinned whole would take it all
PINNED_WIDTH = 150


def grid(frame: pd.DataFrame, key: str | None = None, column_order: Iterable[str] | None = None,
         zone: str | None = None, headers: bool = True, name: str | None = None, **column_config) -> None:
    """The one data grid every table of the app goes through: text cells are shown as text,
    never as markup, untrusted text (UNTRUSTED_COLUMNS) with its invisible characters shown.

    A `link` or `*_link` column (from safe.mention_link) becomes a clickable link; counts (follower
    counts, integer columns other than ids) read 1,250,000; shares configured format="percent" read
    in percent to one decimal; a page reads as the filters name it ('Facebook page <id>', by its row's
    platform: formatting.with_page_labels). column_order (every column to show, in order; e.g. reader_order) changes the
    screen only. A missing value (an unknown follower count, no late response) shows as
    formatting.MISSING: the grid's own "None" reads as a program's leftover. headers: every
    column headed in words and times to the minute (with_headers; `zone`: that of wall-clock
    times); without, only column_config's headers. name: what the grid lists, which a screen
    reader announces it by (st.dataframe's alt: a grid without one was announced as 'grid', one
    like another; a parameter named alt here hid the altair module)."""
    frame = formatting.with_page_labels(frame)  # 'Facebook page <id>', as the filters name it
    # the word 'open' in a narrow column (a wide one pushed the request's time off screen); a
    # named link ('response link') as wide as its header, which 'small' cut to 'response lin'
    config = {column: st.column_config.LinkColumn("link" if column == "link" else None, display_text="open",
                                                   width="small" if column == "link" else NAMED_LINK_WIDTH,
                                                   help=safe.LINK_HELP)
              for column in frame.columns if column == "link" or column.endswith("_link")}
    for column in frame.columns:  # 1,250,000 reads at a glance, 1250000 does not (nor 2419 beside a card's 2,419)
        if column in ("author_followers", "followers") or _is_count(frame[column]):
            config[column] = st.column_config.NumberColumn(format="localized")
    config = {**config, **column_config}
    if headers:
        config = with_headers(frame, config, zone)
    for column in frame.columns:  # a long text sized to its content pushed the numbers off screen
        if _is_prose(column) and "width" not in (config.get(column) or {}):
            config[column] = {**(config.get(column) or {}), "width": "medium"}
    order = list(frame.columns) if column_order is None else list(column_order)
    if order and order[0] in PINNED_FIRST:  # whose row it is stays on screen while one scrolls right
        settings = config.get(order[0]) or {}
        config[order[0]] = {**settings, "pinned": True, "width": settings.get("width") or PINNED_WIDTH}
    shown = _in_percent(frame, config)
    config = {column: _with_separators(settings) for column, settings in config.items()}
    if any(untrusted(column) for column in frame.columns):
        shown = shown.copy()
        for column in frame.columns:
            if untrusted(column):  # a missing value stays missing: the grid shows MISSING
                values = shown[column]
                shown[column] = _visible(values).where(values.notna(), None)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key=key,
                 column_order=None if column_order is None else list(column_order),
                 placeholder=formatting.MISSING, alt=name)


def _visible(values: pd.Series) -> pd.Series:
    """safe.visible of each value, worked out once per distinct text: a brand or page column
    repeats a few names over every row (the Trends hourly spike numbers, 10M mentions: 47,860
    calls for 10 brands, 0.26 s of a 1.8 s render). Other than text (a number: a dict would
    take 1 and True for one key), none, or of the string dtype whose missing value is NA (a
    dict's answer there is of the NaN one), one by one: the grid gets the dtype it got."""
    texts = values.dropna().unique()
    if (not len(texts) or not all(type(value) is str for value in texts)
            or (isinstance(values.dtype, pd.StringDtype) and values.dtype.na_value is pd.NA)):
        return values.map(safe.visible)
    return values.map({text: safe.visible(text) for text in texts})


def _is_count(values: pd.Series) -> bool:
    """An integer column that counts (an id, load 1047, is no count: '1,047' would misname it)."""
    return pd.api.types.is_integer_dtype(values) and not (values.name == "id" or str(values.name).endswith("_id"))


# A printf conversion of a number (sprintf-js, as the grid formats): its flags, then the rest.
_PRINTF_NUMBER = re.compile(r"%([+0-]*)(?=\d*(?:\.\d+)?[dfgi])")


def _with_separators(settings):
    """A column's settings with its printf number format given the grid's thousands flag:
    a risk of 12,300 read '12300' under '%.3g', a forecast of 1,250 posts '1250' under '%.0f'.
    A share in percent ('%.1f%%', at most 100) and the named formats stay as they are."""
    shown = (settings.get("type_config") or {}).get("format") if isinstance(settings, dict) else None
    if not isinstance(shown, str) or "%%" in shown or "," in shown:
        return settings
    return {**settings, "type_config": {**settings["type_config"], "format": _PRINTF_NUMBER.sub(r"%\1,", shown)}}


PERCENT = "%.1f%%"  # a share in percent, to one decimal, as the reports print them


def _in_percent(frame: pd.DataFrame, config: dict) -> pd.DataFrame:
    """The frame with each share column configured format="percent" (0 to 1) in percent, its
    format one decimal: the grid's own 'percent' prints the decimals a value has, '87.21%'
    above '60%' (user review). config is changed in place; the frame's values are not."""
    shares = [column for column, settings in config.items() if column in frame and isinstance(settings, dict)
              and (settings.get("type_config") or {}).get("format") == "percent"]
    for column in shares:
        config[column] = {**config[column], "type_config": {**config[column]["type_config"], "format": PERCENT}}
    return frame.assign(**{column: frame[column] * 100 for column in shares}) if shares else frame


# A list of requests' ages and late responses in hours, to the tenth the queries round them to, with
# separators (as Amplification shows its ages and the report prints them): without a format, the
# grid read an ignored complaint of 214 days '5136.2' beside the report's '5,136.2'
HOURS_SHOWN = {column: st.column_config.NumberColumn(format="%.1f") for column in ("age_hours", "late_response_hours")}


def spikes_table(table: pd.DataFrame, key: str | None = None, name: str | None = None, **config) -> None:
    """Spike alerts (app.trends.spike_table), or the spikes chart's numbers with them
    (trends.spike_numbers), as a grid, on Overview and Trends alike: headed in words, the
    baseline, its spread and the threshold to trends.SPIKE_DECIMALS (as spike_table rounds them;
    a clock change's count per hour too), a day as its date and an hour to the minute
    (with_headers). config: grid's other settings (zone, a column's own)."""
    from .trends import RATE_COLUMNS, SPIKE_DECIMALS, SPIKE_ROUNDED
    rounded = st.column_config.NumberColumn(format=f"%.{SPIKE_DECIMALS}f")
    shown = [column for column in (*SPIKE_ROUNDED, *RATE_COLUMNS.values()) if column in table]
    grid(table, key=key, name=name, **dict.fromkeys(shown, rounded), **config)


def labelled_table(frame: pd.DataFrame, columns: Iterable[tuple[str, str]], key: str | None = None,
                   formats: dict[str, str] | None = None, percent: tuple[str, ...] = (),
                   name: str | None = None, helps: dict[str, str] | None = None) -> None:
    """The (column, header) pairs of a frame as a data grid under their headers (the words a
    report prints, not the frame's code names), in that order; formats: a number column's
    NumberColumn format ('%.0f'); percent: share columns (0 to 1) shown in percent with one
    decimal, as the report's tables print them (the grid's 'percent' wrote '40%' beside
    '41.18%'); helps: a column's wording on hovering its header. The frame keeps its names."""
    columns, formats = list(columns), {**(formats or {}), **dict.fromkeys(percent, "percent")}  # grid: one decimal
    formats |= {column: "localized" for column, _ in columns if column not in formats and _is_count(frame[column])}
    helps = helps or {}
    config = {column: (st.column_config.NumberColumn(header, format=formats[column], help=helps.get(column))
                       if column in formats else st.column_config.Column(header, help=helps.get(column)))
              for column, header in columns}
    grid(frame, key=key, column_order=[column for column, _ in columns], headers=False, name=name, **config)


# KPI cards a row, on every page: with four or more, 'not reached' read 'not rea…' at 1280 px
CARDS_A_ROW = 3


def kpi_card(place, label: str, value: str, delta: str | None, color: str, chance: bool = False,
             **kwargs) -> None:
    """st.metric in `place` with its change coloured by `color` (formatting.delta_style: 'off'
    for a volume, which is neither good nor bad; grey where chance may explain it), and
    neither coloured nor arrowed when the change shows zero."""
    place.metric(label, value, delta, **formatting.delta_style(delta, color, chance), **kwargs)


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], label: str, file_name: str,
                 key: str | None = None) -> None:
    """Download a frame as CSV with formula cells neutralised. Given a function that gives the
    frame, the frame is read and the CSV made only when the button is clicked (a list too long
    to read on every run), from the state the run read (db.deferred). A click reruns nothing
    (on_click="ignore"): a deferred file's answer raced the click's own rerun and was lost now
    and then (pages/audit.py _exports), and a rerun redraws nothing a download changed."""
    data = db.deferred(lambda: safe.csv_bytes(frame())) if callable(frame) else safe.csv_bytes(frame)
    st.download_button(label, data, file_name=file_name, mime="text/csv",
                       icon=":material/download:", key=key, on_click="ignore")


def page_link(page: str, params: dict[str, str]) -> str:
    """A link to another page of the dashboard opening on the choices `params` (its link keys,
    filters.PAGE_URL_KEYS, and the sidebar's): relative, so it opens on this server whatever path
    it is served under, and every value percent-encoded, so an id makes no other key. A grid's link
    column opens it in a new tab, whose session reads the link as a bookmark."""
    return f"{page}?{urllib.parse.urlencode(params)}"


_KEPT = "_kept"


def restore(key: str, default=None) -> None:
    """Before a widget is drawn: give it back the choice kept aside by remember(), where
    Streamlit forgot it (it drops the state of every widget a run does not draw, so a spike
    picked on Trends was the first again after a look at Amplification Risk: a review), or
    `default` on a first visit (instead of the widget's own value=, which would warn beside a
    restored state)."""
    if key not in st.session_state and (before := kept(key, default)) is not None:
        st.session_state[key] = before


def kept(key: str, default=None):
    """The choice remember() kept aside for widget `key`, else default."""
    return st.session_state.get(key + _KEPT, default)


def remember(*keys: str) -> None:
    """After the widgets are drawn: keep their choices aside for restore()."""
    for key in keys:
        st.session_state[key + _KEPT] = st.session_state.get(key)


def keep_valid(key: str, options: list, default, label=None) -> None:
    """Keep a box's choice while it is among its options, else `default`. With `label` (the
    box's format_func), also drop a choice whose label changed since it was shown: Streamlit's
    box keeps showing an option value's old label (a week picked, then days: the box said
    'week of ...' over one day's mentions)."""
    choice = st.session_state.get(key)
    shown = st.session_state.get(f"{key}_shown")
    if choice not in options or (label is not None and shown is not None and shown[0] == choice
                                 and shown[1] != label(choice)):
        st.session_state[key] = choice = default
    if label is not None:
        st.session_state[f"{key}_shown"] = None if choice is None else (choice, label(choice))


def section(sections: list[str], key: str, label: str = "Section", url_key: str = "section", **options) -> str:
    """A horizontal picker of the page section to draw (only that section's queries run),
    kept in the link (?section=Coverage) so a bookmark opens on it.

    The choice is also kept aside (remember), so a run that returns before drawing the
    picker (an empty selection) does not lose it."""
    before = kept(key, sections[0])
    filters.from_link(url_key, key, sections, before if before in sections else sections[0])
    choice = st.radio(label, sections, horizontal=True, key=key, **options)
    remember(key)
    filters.to_link(url_key, choice, sections[0])
    return choice
