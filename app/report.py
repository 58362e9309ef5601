"""The audit report as one self-contained HTML document, and the same document as PDF.

Pure: an AuditResult in, an HTML string out (no scripts, no external stylesheets, fonts or
images; the coverage chart is a table coloured inline). Every string that is not a literal
of this module goes through `_e` (html.escape after showing invisible characters), mention
text and author names included. html_to_pdf prints the HTML with the system Chromium.
"""

from __future__ import annotations

import math
import re
import subprocess
import tempfile
import unicodedata
from datetime import datetime
from html import escape
from pathlib import Path

import pandas as pd

from etl import care_definitions
from etl.metrics import DAYS

from . import export, safe
from .audit import AuditResult
from .audit_rules import (COLOURED_MIN_DECIDED, DELETED_AS_OF_RULE, DELETED_WHAT, EVIDENCE_TEXT, FEW_DECIDED_NOTE,
                          GAP_COLUMNS, GAP_RULE, GAP_SHARES, GRADE_RULE, LISTED_IN, PAGE_COLUMNS, PAGE_SHARES,
                          PAGES_NOTE, RULE_METRICS, SCORECARD_COLUMNS, SHARE_STOPS, SPREAD_RULE, THRESHOLD_COLUMNS,
                          THRESHOLDS, THRESHOLDS_NOTE, WORD_OF_MOUTH_TITLE, ghost_town_interval,
                          no_interval_said, questions_note, spread_note, thresholds_table, word_of_mouth_lines)
from .formatting import counted, page_label, page_platforms, round_half_up, zoned_minute

PDF_TIMEOUT_SECONDS = 180
_GRADE_COLOURS = {"A": "#1a7f37", "B": "#4d9a2a", "C": "#b08800", "D": "#d1561b", "F": "#b42318"}

_CSS = """
@page { size: A4 landscape; margin: 14mm 12mm; }
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328;
       font-size: 12px; line-height: 1.4; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 6px;
     border-bottom: 1px solid #d0d7de; padding-bottom: 3px; }
h1, h2 { break-after: avoid; break-inside: avoid; }
h2 + p.note { break-after: avoid; }
p.meta, p.note { color: #57606a; margin: 2px 0; }
code { overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 6px 0 10px; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 3px 5px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
td.text { white-space: pre-wrap; word-break: break-word; width: 40%; }
td.id { word-break: break-all; font-size: 10px; }
td.num { text-align: right; white-space: nowrap; }
td.when span { white-space: nowrap; }
table.evidence { table-layout: fixed; }
table.evidence td { overflow-wrap: anywhere; }
table.evidence tbody { break-inside: avoid; border-top: 2px solid #d0d7de; }
table.evidence tr:first-child td { border-bottom: 0; }
table.evidence tr.said td, table.evidence tr.said th { border-top: 0; width: auto; }
td.text span.first { display: block; margin-top: 4px; color: #57606a; }
table.heat td { width: 3.2%; height: 16px; padding: 0; text-align: center; font-size: 9px; }
table.heat th { font-size: 9px; padding: 1px; }
table.legend { width: auto; margin-top: 4px; }
table.legend td, table.legend th { font-size: 9px; padding: 2px 8px; text-align: center; }
.grade { display: inline-block; font-size: 40px; font-weight: 700; color: #fff;
         border-radius: 6px; padding: 2px 18px; margin: 6px 12px 6px 0; }
.kpis span { display: inline-block; margin-right: 18px; }
tr { page-break-inside: avoid; }
@media screen and (max-width: 640px) {
  body { margin: 8px; font-size: 14px; }
  table.rows, table.rows tbody, table.rows tr, table.rows td { display: block; width: auto; }
  table.rows colgroup { display: none; }
  table.evidence tbody { margin-bottom: 8px; }  /* a complaint's facts and text one card */
  table.evidence tr:first-child { margin-bottom: 0; border-bottom: 0; }
  table.rows thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.rows tr { border: 1px solid #d0d7de; margin-bottom: 8px; }
  table.rows td { border: 0; border-top: 1px solid #eaeef2; }
  table.rows td::before { content: attr(data-label) ": "; font-weight: 600; color: #57606a; }
  table.rows td.num { text-align: left; white-space: normal; }
  table.heat th, table.heat td { font-size: 8px; }
  table.legend td, table.legend th { padding: 2px 3px; }
}
"""


class ReportError(RuntimeError):
    """The report could not be rendered (e.g. no Chromium for the PDF); one line."""


def _e(value) -> str:
    """Any value as escaped HTML text (None/NaN -> empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NaT:
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        return escape(_when(value))
    return escape(safe.visible(value), quote=True)


def _when(value) -> str:
    """A time as the report prints it, on its own zone's clock and named: the audit's frames are on
    the brand's (audit.build_audit), a naive one is UTC's, as the warehouse stores it."""
    if value is None or value is pd.NaT:
        return ""
    return zoned_minute(value, getattr(value, "tzinfo", None) or "UTC")


def _link(url, opens: str) -> str:
    """A mention's link named by what it opens and where ('complaint on Twitter'): a screen
    reader's list of links read 'open' hundreds of times, not one saying where it went
    (accessibility review, WCAG 2.4.4)."""
    # Only a link safe.mention_link makes (a platform's own, from a numeric id) is one: any other
    # https URL in a link column, a look-alike host's, would have been a live link. Escaped all the same.
    site = safe.link_site(url) if isinstance(url, str) else None
    if site is None:
        return ""
    return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{_e(f"{opens} on {site}")}</a>'


def _table(frame: pd.DataFrame, columns: list[tuple[str, str]], empty: str,
           percent: tuple[str, ...] = (), linked: tuple[str, str] | None = None,
           opens: dict[str, str] | None = None) -> str:
    """columns: (column, header); text columns get pre-wrap, link columns become links named
    by what they open (`opens`: column -> 'complaint'; 'mention' if not given),
    `percent` columns (shares from 0 to 1) print as percentages, as the page shows them;
    linked (column, finding column): that column's cell links to the section listing the rows
    its row's finding counts (LISTED_IN), where there is one."""
    if frame is None or frame.empty:
        return f'<p class="note">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(header)}</th>" for _, header in columns)
    whole = {column for column, _ in columns if column in frame and _all_whole(frame[column])}
    rows = []
    for record in frame.to_dict("records"):
        # each cell labelled by its header, which a phone shows beside it once the rows stack
        cells = [_labelled(_cell(record, column, whole, percent, linked, opens), header)
                 for column, header in columns]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="rows"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _cell(record: dict, column: str, whole: set, percent: tuple[str, ...], linked: tuple[str, str] | None,
          opens: dict[str, str] | None) -> str:
    """One cell of _table's row `record`, as its column prints."""
    value = record.get(column)
    if linked and column == linked[0] and (section := LISTED_IN.get(record.get(linked[1]))):
        return f'<td><a href="#{section}">{_e(value)}</a></td>'
    if column.endswith("link"):
        return f"<td>{_link(value, (opens or {}).get(column, 'mention'))}</td>"
    if column == "page":  # as the dashboard names it: 'Facebook page 1047…', not a bare id
        return f"<td>{_breakable(page_label(value, record.get('platform')))}</td>"
    if column == "text" and _said(record.get("request_text")):
        return (f'<td class="text">{_breakable(value)}<span class="first">request\'s first message: '
                f'{_breakable(record["request_text"])}</span></td>')
    if column.endswith("text") or column in ("recommendation", "definition", "thresholds"):
        return f'<td class="text">{_breakable(value)}</td>'
    if column.endswith("_id"):  # long ids break anywhere rather than squeeze the text
        return f'<td class="id">{_e(value)}</td>'
    if column in percent:
        return f'<td class="num">{_e(_share(value))}</td>'
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (pd.Timestamp, datetime)) and value is not pd.NaT:
        return f'<td class="when">{_on_two_lines(_when(value))}</td>'

    if isinstance(value, (int, float)):  # minutes whole, as every page and card shows them
        places = 0 if column.endswith("_minutes") else 1
        return f'<td class="num">{_e(_number(value, column in whole, places))}</td>'
    return f"<td>{_breakable(value)}</td>"


def _said(value) -> bool:
    """Whether a cell's value says anything (not missing, not empty)."""
    if isinstance(value, str):
        return value != ""
    return value is not None and not pd.isna(value)


def _on_two_lines(moment: str) -> str:
    """A time ('2026-10-22 14:13 BST') that may wrap between its date and its clock time, never inside
    either: a narrow column broke it at the date's hyphens, '2026-10-' over '22 14:13' over 'BST'."""
    day, _, clock = moment.partition(" ")
    return f"<span>{escape(day)}</span> <span>{escape(clock)}</span>"


# The longest run of characters a cell keeps on one line. An author's handle of 95 letters made
# its column as wide, and squeezed the complaint's text to two letters a line (22 printed pages
# for 14 complaints); let break anywhere, every cell's words broke mid-word.
UNBROKEN_MOST = 24


def _breakable(value) -> str:
    """_e(value) with a line-break opportunity (<wbr>) every UNBROKEN_MOST characters of a run
    without spaces, never inside a character cluster (an emoji's joiner, a combining mark)."""
    if not isinstance(value, str):
        return _e(value)
    return "".join(_e(piece) if piece.isspace() or len(piece) <= UNBROKEN_MOST else _chunked(piece)
                   for piece in re.split(r"(\s+)", safe.visible(value)))


def _chunked(run: str) -> str:
    pieces, start = [], 0
    for at in range(UNBROKEN_MOST, len(run), UNBROKEN_MOST):
        while at < len(run) and _joins(run, at):
            at += 1
        if at > start and at < len(run):
            pieces.append(run[start:at])
            start = at
    pieces.append(run[start:])
    return "<wbr>".join(escape(piece, quote=True) for piece in pieces if piece)


def _joins(run: str, at: int) -> bool:
    """Whether a break before run[at] would split a character cluster: run[at] is a combining or
    enclosing mark, a variation selector (Mn), a skin tone (Sk) or a format character (Cf). A
    zero-width joiner is never in run: safe.visible has written it <U+200D>."""
    return unicodedata.category(run[at]) in ("Mn", "Me", "Cf", "Sk")


def _labelled(cell: str, header: str) -> str:
    """A cell with its column's header as data-label, which the phone layout prints before it."""
    return cell.replace("<td", f'<td data-label="{escape(header, quote=True)}"', 1)


# The sections that list the rows behind a number, by the id the report gives each: a
# recommendation's trigger and a scorecard value link to them (a printed report of 700
# complaints left the reader to find the list that a count stood for).
SECTIONS = {"evidence": "Evidence", "coverage": "Coverage by hour of week", "deflections": "Deflections",
            "deleted": "Deleted comments", "thresholds": "Grading thresholds", "definitions": "Metric definitions",
            "sources": "Data sources"}


def _heading(section: str, title: str) -> str:
    """A section's heading with its id, the target of the report's links to it."""
    return f'<h2 id="{section}">{_e(title)}</h2>'


def _contents(result: AuditResult) -> str:
    """Links to the lists behind the report's numbers, with how many rows each holds."""
    counts = {"evidence": counted(len(result.evidence), "ignored complaint"),
              "coverage": counted(len(result.gaps), "gap"),
              "deflections": f"{result.deflection_count:,}" + (f", the {len(result.deflections):,} newest listed"
                                                               if len(result.deflections) < result.deflection_count
                                                               else ""),
              "deleted": result.deleted_said}
    links = [f'<a href="#{section}">{_e(title)}</a>' + (f" ({_e(counts[section])})" if section in counts else "")
             for section, title in SECTIONS.items()]
    return f'<p class="meta">Contents: {" · ".join(links)}.</p>'


def _number(value, whole: bool = False, places: int = 1) -> str:
    """A count with separators; a float to `places` decimals, or none where its whole column is
    whole numbers (decimals only where needed read '294.3', '309', '334.5' down one column)."""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.0f}" if whole else f"{round_half_up(value, places):,.{places}f}"  # as the page's grids
    return f"{value:,}"


def _all_whole(values: pd.Series) -> bool:
    """Whether every number in a column is whole (an empty or all-missing column is)."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    return bool(numbers.empty or (numbers == numbers.round()).all())


def _share(value) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value:.1%}"


# The dashboard's heatmap colours (audit_rules.SHARE_STOPS, RdYlBu): red (none answered), yellow,
# blue (all). The report's red to green put 25% and 75% a shade apart for a deuteranope (CIE76
# distance 4.7 after simulation; accessibility review, WCAG 1.4.1).
# An hour with too few decided requests: hatched, as no colour of the scale is (its plain light
# grey read as the pale blue of 60% answered, a user review).
NO_HEAT, NO_HEAT_STRIPE = "#eaeef2", "#c9ced4"
NO_HEAT_STYLE = f"background:repeating-linear-gradient(45deg,{NO_HEAT} 0 3px,{NO_HEAT_STRIPE} 3px 6px)"


def _heat_rgb(rate, decided: int) -> tuple[int, int, int] | None:
    """A cell's colour as (r, g, b): the dashboard's scale's stops (SHARE_STOPS) interpolated at
    `rate` as plotly does, straight between evenly spaced stops, so the printed report matches
    the page; None when too few decided."""
    if decided < COLOURED_MIN_DECIDED or rate is None or pd.isna(rate):
        return None
    at = min(max(float(rate), 0.0), 1.0) * (len(SHARE_STOPS) - 1)
    low = min(int(at), len(SHARE_STOPS) - 2)
    return tuple(round(a + (b - a) * (at - low)) for a, b in zip(SHARE_STOPS[low], SHARE_STOPS[low + 1]))


def _heat_style(rate, decided: int) -> str:
    """A cell's background and the text colour, black or white, that reads on it: dark text
    on the red and blue ends was under 4.5:1 (WCAG 1.4.3); the better of the two is at least
    4.59:1 (every rate in steps of 0.001)."""
    rgb = _heat_rgb(rate, decided)
    if rgb is None:
        return NO_HEAT_STYLE
    text = "#000" if contrast(rgb, (0, 0, 0)) >= contrast(rgb, (255, 255, 255)) else "#fff"
    return f"background:rgb{rgb};color:{text}".replace(" ", "")


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (1 to 21)."""
    def luminance(rgb) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def coverage_heatmap(coverage: pd.DataFrame) -> str:
    """Response rate by day and hour (brand's time zone) as a coloured table; the number in a
    cell is the decided requests of that hour."""
    if coverage is None or coverage.empty:
        return '<p class="note">No requests in this period.</p>'
    cells = {int(r["hour_of_week"]): r for r in coverage.to_dict("records")}
    head = "<th></th>" + "".join(f"<th>{h:02d}</th>" for h in range(24))
    rows = []
    for d, day in enumerate(DAYS):
        tds = []
        for h in range(24):
            row = cells.get(d * 24 + h, {})
            decided = int(row.get("answered", 0) or 0) + int(row.get("ignored", 0) or 0)
            rate = row.get("response_rate")
            title = (f"{day} {h:02d}:00: {_share(rate)} answered of {decided} decided"
                     if decided else f"{day} {h:02d}:00: no decided requests")
            tds.append(f'<td style="{_heat_style(rate, decided)}" '
                       f'title="{escape(title)}">{decided or ""}</td>')
        rows.append(f"<tr><th>{day}</th>{''.join(tds)}</tr>")
    return f'<table class="heat"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


LEGEND_RATES = (0.0, 0.25, 0.5, 0.75, 1.0)


def heat_legend() -> str:
    """The heatmap's colours against their response rates: a printed report has no hover to
    give a cell's rate (a review found only colours and counts in the PDF)."""
    swatches = "".join(f'<td style="{_heat_style(rate, COLOURED_MIN_DECIDED)}">{rate:.0%}</td>'
                       for rate in LEGEND_RATES)
    few = f'<td style="{_heat_style(None, 0)}">fewer than {COLOURED_MIN_DECIDED} decided</td>'
    return f'<table class="legend"><tbody><tr><th>response rate</th>{swatches}{few}</tr></tbody></table>'


def build_html(result: AuditResult) -> str:
    """The audit report as one self-contained HTML document."""
    parts = ["<!DOCTYPE html>",
             '<html lang="en"><head><meta charset="utf-8">',
             # a phone lays the page out at its own width: without this it drew it 980 px wide and
             # shrank it, the 12 px text to 5 px
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             "style-src 'unsafe-inline'\">",
             f"<title>Page audit: {_e(result.scope)}</title>",
             f"<style>{_CSS}{_running_heads(result)}</style></head><body>",
             *_scorecard(result), *_evidence(result), *_coverage(result), *_deflections(result),
             *_deleted(result), *_appendix(result),
             "</body></html>"]
    return "\n".join(parts)


def _period(result: AuditResult) -> str:
    return (f"requests from {result.local_minute(result.since)} to {result.local_minute(result.as_of)}"
            if result.since else f"all requests up to {_as_of(result)}")


def _as_of(result: AuditResult) -> str:
    return result.local_minute(result.as_of) if result.as_of is not None else "the as-of time (no data)"


def _running_heads(result: AuditResult) -> str:
    """Every printed page's margins: what the audit is of and its period at the top, the page's
    number of all at the bottom. A 37-page PDF said the brand and dates on page 1 only and
    numbered no page, so a page printed or shared alone said whose it was nowhere."""
    boxes = {"top-left": _css_string(f"Page audit: {result.scope}"), "top-right": _css_string(_period(result)),
             "bottom-right": '"Page " counter(page) " of " counter(pages)'}
    return "@page { " + " ".join(f"@{box} {{ content: {content}; {_MARGIN_STYLE} }}"
                                 for box, content in boxes.items()) + " }"


# the margins' text, which inherits nothing from the body's (it printed in the default serif)
_MARGIN_STYLE = 'font-family: Helvetica, Arial, sans-serif; font-size: 8px; color: #57606a;'


def _css_string(text: str) -> str:
    """Text as a quoted CSS string that cannot end the string or the style element (a brand named
    '</style><script>'): every character but ASCII letters and digits as a CSS hex escape, spaces
    too (a space after an escape ends it, and was lost: 'Page audit:Zephyrine Airways —all pages')."""
    return '"' + "".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):06x}" for c in safe.visible(text)) + '"'


def _scorecard(result: AuditResult) -> list[str]:
    """The title, what the audit is of, the grade and its findings."""
    s = result.summary
    grade_colour = _GRADE_COLOURS.get(result.grade, "#57606a")
    period = _period(result)
    score = "" if result.grade_score is None else f" (score {result.grade_score:.2f} of 4)"
    return [
        f"<h1>Page audit: {_e(result.scope)}</h1>",
        f'<p class="meta">As of {_e(_as_of(result))}; {_e(period)}. {_e(result.clock_note)} Horizon H = '
        f"{result.horizon_hours:g} h, SLA = {result.sla_minutes:g} min (assumptions). "
        f"Metric definitions {_e(result.metric_version)}; text scorer {_e(result.scorer_version)}. "
        f"{_e(result.data_basis)} Generated {_e(result.local_minute(result.generated_at))}.</p>",
        f'<p class="meta">Made again, from the same loads, by <code>{_e(result.command())} --db '
        "&lt;the database&gt;</code>. Its numbers recomputed on their own: "
        + "; ".join(f"<code>{_e(command)}</code> ({_e(what)})" for what, command in result.recompute_commands())
        + ".</p>",
        _contents(result),
        "<h2>Scorecard</h2>",
        f'<div><span class="grade" style="background:{grade_colour}">{_e(result.grade)}</span>'
        f"<strong>Overall grade {_e(result.grade)}</strong>{_e(score)}</div>",
        '<p class="kpis">'
        f"<span>Requests: <b>{s.get('requests', 0):,}</b></span>"
        f"<span>Answered within H: <b>{s.get('answered', 0):,}</b></span>"
        f"<span>Ignored: <b>{s.get('ignored', 0):,}</b></span>"
        f"<span>Pending: <b>{s.get('pending', 0):,}</b></span>"
        f"<span>Ghost-town rate 95% interval: {_interval(result)}</span>"
        f"<span>P(answered within 1 h): <b>{_share(s.get('p_answered_1h'))}</b></span></p>",
        _table(result.scorecard, list(SCORECARD_COLUMNS), "No data.", linked=("basis", "metric")),
        *([f'<p class="note"><b>{_e(note)}</b></p>'] if (note := result.grading_said) else []),
        *([f'<p class="note"><b>{_e(result.no_replies_note)}</b></p>'] if result.no_replies_note else []),
        *([f'<p class="note"><b>{_e(result.data_end_note)}</b></p>'] if result.data_end_note else []),
        f'<p class="note">{_e(GRADE_RULE)}</p>',
        *(["<h2>By page</h2>", f'<p class="note">{_e(PAGES_NOTE)}</p>',
           _table(result.by_page, list(PAGE_COLUMNS), "", percent=PAGE_SHARES)] if len(result.by_page) else []),
        "<h2>Recommendations</h2>",
        _table(result.recommendations.assign(metric=result.recommendations["rule"].map(RULE_METRICS)),
               [("recommendation", "recommendation"), ("trigger", "triggered by")],
               result.no_recommendation_said, linked=("trigger", "metric")),
        f"<h2>{_e(WORD_OF_MOUTH_TITLE)}</h2>",
        *(f'<p class="note">{_e(line)}</p>' for line in word_of_mouth_lines(result.word_of_mouth_cost)),
    ]


def _interval(result: AuditResult) -> str:
    """The ghost-town rate's interval in bold, or in words why there is none ('n/a – n/a' read as a
    fault of the report)."""
    interval = ghost_town_interval(result.summary)
    return f"<b>{_e(interval)}</b>" if interval else _e(no_interval_said(result.summary, result.horizon_hours))


def _evidence(result: AuditResult) -> list[str]:
    return [
        _heading("evidence", f"Evidence: ignored complaints ({len(result.evidence):,})"),
        f'<p class="note">Every complaint with no brand response within H = {result.horizon_hours:g} h '
        "that was at least H old at the as-of time; a late response (after H) is shown when there "
        f"was one; {_e(EVIDENCE_TEXT)}; its time is the request's. "
        f"{_e(questions_note(int(result.summary.get('ignored', 0)), len(result.evidence)))} "
        f"{_e(spread_note(result.evidence))} {_e(SPREAD_RULE)}</p>",
        *(f'<p class="note">{_e(line)}</p>' for line in _left_out_said(result.evidence)),
        _evidence_table(result.evidence),
    ]


# The evidence: a row of each complaint's facts under their headers, then its text the table's width,
# in a row of its own. As a column beside a dozen others the text got about 100 px of a printed A4
# page (four letters a line at 900 px; 92 pages for 441 complaints, a user review).
EVIDENCE_COLUMNS = [("requested_at", "requested"), ("age_hours", "age (h)"),
                    ("late_response_hours", "late response (h)"), ("page", "page"),
                    ("author_handle", "author"), ("complaint_reason", "reason"),
                    ("message_count", "messages"), ("passed_on", "passed on"),
                    ("passed_on_reach", "their followers"), ("complaint_id", "mention id"), ("link", "link")]
# The facts' shares of the table's width (100 in all; a column left out gives its share to the others):
# a time, an id and a number each on one line where the page is wide enough.
EVIDENCE_WIDTHS = {"requested_at": 13, "age_hours": 6, "late_response_hours": 7, "page": 10,
                   "author_handle": 11, "complaint_reason": 11, "message_count": 7, "passed_on": 6,
                   "passed_on_reach": 7.5, "complaint_id": 15, "link": 10}
EVIDENCE_TEXT_HEADER = "text"


def _evidence_table(evidence: pd.DataFrame) -> str:
    """The evidence as a fixed-layout table: each complaint a <tbody> of two rows (kept together on a
    printed page), its facts (_evidence_columns) and its text, which the request's first message
    follows where it was another (_cell)."""
    if evidence is None or evidence.empty:
        return '<p class="note">No ignored complaints.</p>'
    columns = _evidence_columns(evidence)
    share = sum(EVIDENCE_WIDTHS[column] for column, _ in columns)
    cols = "".join(f'<col style="width:{EVIDENCE_WIDTHS[column] / share:.2%}">' for column, _ in columns)
    head = ("<thead><tr>" + "".join(f"<th>{escape(header)}</th>" for _, header in columns) + "</tr>"
            f'<tr class="said"><th colspan="{len(columns)}">{EVIDENCE_TEXT_HEADER}</th></tr>'
            "</thead>")
    whole = {column for column, _ in columns if _all_whole(evidence[column])}
    bodies = []
    for record in evidence.to_dict("records"):
        facts = "".join(_labelled(_cell(record, column, whole, (), None, {"link": "complaint"}), header)
                        for column, header in columns)
        said = _labelled(_cell(record, "text", whole, (), None, None), EVIDENCE_TEXT_HEADER)
        said = said.replace("<td", f'<td colspan="{len(columns)}"', 1)
        bodies.append(f'<tbody><tr>{facts}</tr><tr class="said">{said}</tr></tbody>')
    return f'<table class="rows evidence"><colgroup>{cols}</colgroup>{head}{"".join(bodies)}</table>'


def _left_out(evidence: pd.DataFrame) -> set[str]:
    """The evidence's columns not printed: one empty in every row, and the page when every row's is the
    same one (_one_page: said above the table instead)."""
    empty = {column for column, _ in EVIDENCE_COLUMNS
             if column in evidence and not any(_said(value) for value in evidence[column])}
    return empty | ({"page"} if _one_page(evidence) else set())


def _one_page(evidence: pd.DataFrame) -> str | None:
    """The page every complaint of the evidence is on, named as the dashboard names it; None if not one."""
    pages = evidence["page"] if "page" in evidence else pd.Series(dtype=object)
    if pages.empty or pages.isna().any() or pages.nunique() != 1:
        return None
    return page_label(pages.iloc[0], page_platforms(evidence).get(pages.iloc[0]))


def _evidence_columns(evidence: pd.DataFrame) -> list[tuple[str, str]]:
    left_out = _left_out(evidence)
    return [(column, header) for column, header in EVIDENCE_COLUMNS if column not in left_out]


def _left_out_said(evidence: pd.DataFrame) -> list[str]:
    """What the evidence table leaves out (_left_out), in words: the one page, and the empty columns."""
    if evidence is None or evidence.empty:
        return []
    page = _one_page(evidence)
    empty = [header for column, header in EVIDENCE_COLUMNS
             if column in _left_out(evidence) and not (column == "page" and page)]
    return ([f"Page: {page} for every complaint listed."] if page else []) + \
        ([f"Left out, empty for every complaint listed: {', '.join(empty)}."] if empty else [])


def _coverage(result: AuditResult) -> list[str]:
    return [
        _heading("coverage", "Coverage by hour of week"),
        f'<p class="note">Response rate per hour of the week in {_e(result.zone_named)} (blue = all '
        f"answered within H, yellow = half, red = none; {FEW_DECIDED_NOTE}); the number is the decided "
        "requests of that hour.</p>",
        coverage_heatmap(result.coverage),
        heat_legend(),
        f'<p class="note">{_e(GAP_RULE)}</p>',
        _table(result.gaps, list(GAP_COLUMNS), "No coverage gaps.", percent=GAP_SHARES),
    ]


def _deflections(result: AuditResult) -> list[str]:
    return [
        _heading("deflections", f"Deflection examples ({counted(result.deflection_count, 'deflection')}; "
                               f"{len(result.deflections):,} newest shown)"),
        '<p class="note">First brand responses that only redirected the customer (DM us, call, '
        "form, link), however late, with the customer's message each answered.</p>",
        _table(result.deflections, [("requested_at", "requested"), ("answered_text", "customer's message"),
                                    ("answered_link", "message link"), ("responded_at", "responded"),
                                    ("response_minutes", "minutes"), ("response_text", "response text"),
                                    ("response_link", "response link")],
               "No deflections.", opens={"answered_link": "customer's message", "response_link": "brand response"}),
    ]


def _deleted(result: AuditResult) -> list[str]:
    return [
        _heading("deleted", f"Deleted comments ({result.deleted_said})"),
        f'<p class="note">{_e(DELETED_WHAT)} {_e(DELETED_AS_OF_RULE)}.</p>',
        _table(result.deleted, [("created_at", "created"), ("noticed_at", "noticed missing (load time)"),
                                ("page", "page"), ("author_handle", "author"),
                                ("is_negative", "negative"), ("text", "text as last seen"),
                                ("link", "link")],
               result.no_deleted_note, opens={"link": "deleted comment"}),
    ]


def _appendix(result: AuditResult) -> list[str]:
    """The rules behind the numbers: thresholds, definitions (at the audit's version), references."""
    return [
        _heading("thresholds", "Grading thresholds"),
        f'<p class="note">{_e(THRESHOLDS_NOTE)}</p>',
        _table(thresholds_table(), list(THRESHOLD_COLUMNS), ""),
        _heading("definitions", f"Metric definitions ({result.metric_version})"),
        _table(_as_named_here(result.definitions), [("metric", "metric"), ("definition", "definition")], ""),
        "<h2>Reference lines</h2>",
        _table(care_definitions.reference_lines(), [("statement", "statement"), ("value", "value"),
                                                    ("source", "source")], "", percent=("value",)),
        *_sources(result),
    ]


def _as_named_here(definitions: pd.DataFrame) -> pd.DataFrame:
    """The definitions with each graded metric named as the scorecard names it, then by its
    code name ('KM median response (km_median_minutes)'): a client who never saw the app could
    not tell which definition was the scorecard's 'KM median response'."""
    labels = {t.metric: t.label for t in THRESHOLDS}
    return definitions.assign(metric=[f"{labels[m]} ({m})" if m in labels else m for m in definitions["metric"]])


def _sources(result: AuditResult) -> list[str]:
    """The files the audit's mentions came from (audit_sources.sql): what a reader without the
    database has of `python -m etl loads`."""
    return [
        _heading("sources", "Data sources"),
        '<p class="note">Each load that stored mentions of this audit (the brand and page, created in its '
        "period): its file, when it was loaded, and how many of those mentions it brought and from when to "
        "when. A mention a later file held again stays with the load that first stored it, and the last "
        "file that held it again counts it as held again: a re-export, whose newer counters and reply "
        "links the figures use.</p>",
        _table(result.sources, [("load_number", "load"), ("format", "format"), ("file", "file"),
                                ("finished_at", "loaded"), ("mentions", "mentions"),
                                ("first_at", "first mention"), ("last_at", "last mention"),
                                ("held_again", "held again")],
               "No mention of this audit is in the data."),
    ]


def html_to_pdf(document: str, timeout: float = PDF_TIMEOUT_SECONDS) -> bytes:
    """Print the HTML to PDF with the system Chromium (headless; nothing is downloaded): the
    browser export.browser_path finds for the dashboard's figures (BROWSER_PATH first)."""
    browser = export.browser_path()
    if not browser:
        raise ReportError(export.browser_available()[1] + " Export HTML instead.")
    with tempfile.TemporaryDirectory(prefix="audit-pdf-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={folder}/profile",
                   f"--print-to-pdf={target}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not finish the PDF within {timeout:g} s") from None
        if not target.exists() or target.stat().st_size == 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ReportError("Chromium produced no PDF" + (f": {reason[-1]}" if reason else ""))
        return target.read_bytes()


def build_pdf(result: AuditResult) -> bytes:
    """The audit report as PDF: build_html's document printed by html_to_pdf."""
    return html_to_pdf(build_html(result))
