"""PNG/PDF export of the weekly one-pager through kaleido and Debian's Chromium."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import hostile
from app import export, safe, weekly, weekly_figures
from etl import warehouse

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="/usr/bin/chromium is not installed: no browser for kaleido")


@pytest.fixture(scope="module")
def risks(dashboard_db):
    with warehouse.connect_readonly(dashboard_db) as con:
        rows, stored = weekly.week_rows.uncached(con, "2025-W10", (hostile.BRAND,), 72.0)
        return rows, stored, weekly.top_risks_with_text.uncached(con, rows)


@pytest.fixture(scope="module")
def one_pager(risks):
    rows, stored, top = risks
    assert not stored and len(rows) == 1
    return weekly_figures.one_pager(rows, "2025-W10", stored, 72.0, top)


def _column(table, name: str) -> list:
    return list(table.cells.values[list(table.header.values).index(f"<b>{name}</b>")])


def test_figure_json_escapes_hostile_text(one_pager):
    spec = one_pager.to_json()
    assert "&lt;script&gt;" in spec  # a hostile handle in the top risks, escaped
    assert "<script" not in spec.lower() and "javascript:" not in spec.lower()


def test_title_names_the_week_with_its_days(one_pager):
    assert "Weekly snapshot 2025-W10 · 3–9 Mar 2025" in one_pager.layout.title.text


def test_no_operator_instructions_in_the_one_pager(one_pager):
    # What the executive prints says whether the figures may change, not how to store them.
    assert "late data may still change it" in one_pager.layout.title.text
    spec = one_pager.to_json()
    assert "python" not in spec and "--week" not in spec and "etl snapshot" not in spec


def test_a_km_median_not_reached_says_so(one_pager):
    # Quillfeather answered 4 of its 12 requests that week: no Kaplan–Meier median.
    assert _column(one_pager.data[0], "KM median response") == [
        f'not reached<br><sup><span style="color:{weekly_figures.NEUTRAL}">under half answered</span></sup>']


def test_top_risks_say_what_the_customer_said_with_its_link(one_pager, risks):
    top = risks[2]
    said = _column(one_pager.data[-1], "What the customer said")
    assert len(said) == len(top) > 0 and top["text"].notna().all()
    for cell, text, link in zip(said, top["text"], top["link"]):
        assert link.startswith("https://twitter.com/") and cell.startswith(f'<a href="{link}">')
        assert cell.endswith("</a>") and safe.plot_text(text, limit=90) in cell
    assert any("my parcel is lost" in cell for cell in said)  # hostile.TEXTS[4], escaped:
    assert not any('href="http://evil' in cell or "HYPERLINK(\"" in cell for cell in said)
    # The status is the snapshot's, as of the week's end (the audit's is as of now).
    assert set(_column(one_pager.data[-1], "Status at week's end")) <= {"pending", "ignored"}


def test_long_texts_are_cut_in_the_one_pager():
    cell = weekly_figures._linked("my order " * 30, None)
    assert len(cell) == weekly_figures.RISK_TEXT_LIMIT and cell.endswith("…")
    assert weekly_figures._linked(None, None) == "–"


def test_a_week_mixing_linked_and_unlinked_risks_draws_them_all():
    # pandas stores the missing link of such a column as NaN, not None
    links = safe.with_links(pd.DataFrame({"id": ["review:abc", "twitter:1590000000000000001"]}), "id")["link"]
    assert weekly_figures._linked("no link here", links[0]) == "no link here"
    assert weekly_figures._linked("a tweet", links[1]).startswith('<a href="https://twitter.com/')


@needs_chromium
def test_png_and_pdf_are_real_files(one_pager, tmp_path):
    assert export.available() == (True, "")
    png = export.to_png(one_pager, scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    pdf = export.to_pdf(one_pager)
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-1024:]
    # Dimensions of the PNG: the one-pager's A4 proportions.
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (weekly_figures.WIDTH, weekly_figures.HEIGHT)


def _last_trailer(pdf: bytes) -> tuple[dict, int]:
    import re
    trailer, start = re.findall(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)", pdf, re.S)[-1]
    return dict(re.findall(rb"/(\w+)\s+(\d+(?:\s+\d+\s+R)?)", trailer)), int(start)


def _title(pdf: bytes) -> str:
    """The document title a reader finds: the last trailer's Info object, through its xref."""
    import re
    fields, start = _last_trailer(pdf)
    assert pdf[start:].startswith(b"xref")
    number = int(fields[b"Info"].split()[0])
    first, count, offset = re.match(rb"xref\s+(\d+)\s+(\d+)\s+(\d{10}) 00000 n \n", pdf[start:]).groups()
    assert (int(first), int(count)) == (number, 1)
    info = pdf[int(offset):]
    assert info.startswith(b"%d 0 obj" % number)
    hex_title = re.match(rb"\d+ 0 obj\s*<</Title <FEFF([0-9A-F]*)>>>", info).group(1)
    return bytes.fromhex(hex_title.decode()).decode("utf-16-be")


@needs_chromium
def test_the_pdf_is_titled_by_the_week_not_by_kaleido(one_pager):
    """Kaleido's page title ('Kaleido-fier') was what a viewer showed of the executive's PDF."""
    plain = export.to_pdf(one_pager)
    titled = export.to_pdf(one_pager, title="Weekly snapshot 2025-W10 (Ünïcode, [brackets])")
    assert titled.startswith(plain)  # an incremental update: the rendered bytes untouched
    assert _title(titled) == "Weekly snapshot 2025-W10 (Ünïcode, [brackets])"
    fields, _ = _last_trailer(titled)
    old_fields, old_start = _last_trailer(plain)
    assert int(fields[b"Prev"]) == old_start and fields[b"Root"] == old_fields[b"Root"]
    assert int(fields[b"Size"]) == int(old_fields[b"Size"]) + 1


@needs_chromium
def test_a_pdf_titled_twice_numbers_its_new_object_after_the_last_revision(one_pager):
    once = export.to_pdf(one_pager, title="first")
    twice = export.with_pdf_title(once, "second")
    assert _title(twice) == "second"
    assert int(_last_trailer(twice)[0][b"Size"]) == int(_last_trailer(once)[0][b"Size"]) + 1


def test_a_pdf_without_a_classic_trailer_is_refused_not_damaged():
    with pytest.raises(ValueError, match="classic trailer"):
        export.with_pdf_title(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "t")


@needs_chromium
def test_the_same_figure_exported_again_is_served_without_a_render(one_pager, monkeypatch):
    import plotly.graph_objects as go
    import plotly.io as pio

    from care_fixtures import spy_calls
    export._rendered.cache_clear()
    renders = spy_calls(monkeypatch, pio, "to_image")
    first = export.to_png(one_pager, scale=1)
    assert export.to_png(one_pager, scale=1) == first and len(renders) == 1
    export.to_pdf(one_pager)
    changed = go.Figure(one_pager).update_layout(title_text="another week")
    assert export.to_png(changed, scale=1) != first and len(renders) == 3


def test_no_browser_is_a_clear_error_not_a_download(one_pager, monkeypatch, tmp_path):
    monkeypatch.setattr(export, "SYSTEM_CHROMIUM", tmp_path / "none")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "none"))
    monkeypatch.setenv("PATH", str(tmp_path))
    ok, reason = export.available()
    assert not ok and "Chromium" in reason
    with pytest.raises(export.ExportUnavailable, match="Chromium"):
        export.to_png(one_pager)
    assert not any(tmp_path.iterdir())  # nothing fetched


def test_the_one_pager_prints_the_top_risks_that_fit_and_counts_the_rest(risks):
    """Six brands' three risks fill the page's bottom; more would run off the printed page."""
    import pandas as pd
    rows, stored, top = risks
    many = pd.concat([top] * 10, ignore_index=True)
    assert len(many) > weekly_figures.MAX_RISK_ROWS
    fig = weekly_figures.one_pager(rows, "2025-W10", stored, 72.0, many)
    printed = _column(fig.data[-1], "#")
    assert len(printed) == weekly_figures.MAX_RISK_ROWS
    left_out = len(many) - weekly_figures.MAX_RISK_ROWS
    assert any(a.text.startswith(f"{left_out} more top risks") for a in fig.layout.annotations)


def test_the_kpi_table_takes_the_height_of_its_brands(one_pager):
    # one brand's row under a table sized for six left a quarter page blank above the charts
    # (user review): the charts start just under the table, however many brands it holds
    charts = one_pager.layout.yaxis.domain  # the first chart's axis; a table has none
    kpi = one_pager.data[0].domain.y
    assert kpi[1] - kpi[0] < 0.12 and kpi[0] - charts[1] < 0.1


@pytest.mark.parametrize("column, change, colour", [
    ("ghost_town_rate", 0.05, weekly_figures.WORSE), ("ghost_town_rate", -0.05, weekly_figures.BETTER),
    ("sla_rate", 0.05, weekly_figures.BETTER), ("net_sentiment", -0.2, weekly_figures.WORSE),
    ("mentions", 40, weekly_figures.NEUTRAL), ("sla_rate", 0.0, weekly_figures.NEUTRAL),
    ("sla_rate", float("nan"), weekly_figures.NEUTRAL)])
def test_the_one_pagers_changes_are_coloured_as_the_pages_cards(column, change, colour):
    # the PNG/PDF printed every change in small grey (user review); the cards colour them
    kind = dict((c, k) for c, _, k in weekly.KPIS)[column]
    _, style = weekly.card_delta({f"{column}_wow": change}, column, kind)
    assert weekly_figures._change_colour(style) == colour


# Names that plotly wraps onto three lines in the one-pager's brand columns (drawn by Chromium)
LONG_NAMES = ["Northern Lakeside Regional Water and Power Cooperative",
              "Zephyrine Airways International Holdings Group",
              "Brightwater Municipal Savings Bank of the Western Isles"]
# Heights as Chromium draws them, in px, at least: a KPI header of two lines, a brand's figures
# with their change below, a brand named on three lines; a top risk whose brand takes three
FLOOR_HEADER, FLOOR_FIGURES, FLOOR_THREE_LINES, FLOOR_RISK_THREE_LINES = 45, 39, 60, 55


def _of_brands(rows: pd.DataFrame, count: int) -> pd.DataFrame:
    """`count` brands with the one brand's figures: the long names first, then short ones."""
    names = (LONG_NAMES + [f"Brand {i}" for i in range(count)])[:count]
    return pd.concat([rows.assign(brand=name) for name in names], ignore_index=True)


def _height_px(fig, trace) -> float:
    low, high = trace.domain.y
    return (high - low) * (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b)


@pytest.mark.parametrize("brands", [8, 10, 16])
def test_the_one_pager_prints_each_brands_row_whole_or_counts_those_left_out(risks, brands):
    # 10 brands, or 8 with a name of three lines: the last row was cut in half at the table's
    # bottom, without a word (a review); its rows are as tall as their wrapped names
    rows, stored, _ = risks
    fig = weekly_figures.one_pager(_of_brands(rows, brands), "2025-W10", stored, 72.0)
    printed = _column(fig.data[0], "Brand")
    names = list(_of_brands(rows, brands)["brand"])
    assert printed == [safe.plot_text(name) for name in names[:len(printed)]]
    notes = [a.text for a in fig.layout.annotations if "more brand" in a.text]
    if brands <= 10:
        assert len(printed) == brands and not notes
    else:
        assert notes == [f"{brands - len(printed)} more brands on the dashboard's Weekly page"]
    needed = FLOOR_HEADER + sum(FLOOR_THREE_LINES if name in LONG_NAMES else FLOOR_FIGURES
                                for name in names[:len(printed)])
    assert _height_px(fig, fig.data[0]) >= needed
    risk_brands = _column(fig.data[-1], "Brand")
    needed = FLOOR_HEADER + sum(FLOOR_RISK_THREE_LINES if name in LONG_NAMES else 26 for name in risk_brands)
    assert _height_px(fig, fig.data[-1]) >= needed


def test_the_one_pagers_slanted_brand_names_are_cut_to_stay_on_the_page(risks):
    # a long name, slanted, ran off the page's left edge and into the top risks' title
    rows, stored, _ = risks
    many = _of_brands(rows, 10)
    fig = weekly_figures.one_pager(many, "2025-W10", stored, 72.0)
    slot = weekly_figures.CHART_PX / len(many)
    for axis, left in ((fig.layout.xaxis, weekly_figures.MARGIN_LEFT),
                       (fig.layout.xaxis2, weekly_figures.MARGIN_LEFT + weekly_figures.CHART_PX)):
        assert list(axis.tickvals) == [safe.plot_text(name) for name in many["brand"]]  # the bars: whole names
        for i, (shown, name) in enumerate(zip(axis.ticktext, many["brand"])):
            assert shown == name or (shown.endswith("…") and name.startswith(shown[:-1]))
            assert len(shown) * weekly_figures.TICK_CHAR_PX <= left + slot * (i + 0.5)  # ends on the page
            fits = len(name) * weekly_figures.TICK_CHAR_PX <= left + slot * (i + 0.5)
            assert shown == name or not fits or len(name) > weekly_figures.TICK_MAX_CHARS  # cut only if needed
    assert fig.layout.xaxis.ticktext[0] != many["brand"].iloc[0]  # the first long name is cut


def test_the_one_pagers_coloured_changes_say_better_or_worse_in_words(risks):
    """Printed in grey or read by a colour-blind executive, a change's red or green says
    nothing: each coloured one also says which it is; a volume's (grey) says neither."""
    rows, stored, _ = risks
    changed = rows.assign(ghost_town_rate_wow=0.05, sla_rate_wow=0.05, mentions_wow=3)
    fig = weekly_figures.one_pager(changed, "2025-W10", stored, 72.0)
    [ghost] = _column(fig.data[0], "Ghost-town rate")
    [sla] = _column(fig.data[0], "SLA rate")
    [mentions] = _column(fig.data[0], "Customer mentions")
    assert f'<span style="color:{weekly_figures.WORSE}">+5.0 pts, worse</span>' in ghost
    assert f'<span style="color:{weekly_figures.BETTER}">+5.0 pts, better</span>' in sla
    assert f'<span style="color:{weekly_figures.NEUTRAL}">+3</span>' in mentions


def _chart_notes(fig) -> list[str]:
    return [safe.visible(a.text).replace("<br>", " ") for a in fig.layout.annotations
            if a.xref == "x domain" or a.xref == "x2 domain"]


@pytest.mark.parametrize("text, said", [
    # one complaint, still pending: no rate, a net sentiment of -1
    (None, ["No ghost-town rate: no request was decided (answered within H, or ignored) by the newest data"]),
    # one neutral mention: no request, no positive or negative one
    ("flying with Acme today", ["No ghost-town rate: no care requests this week",
                                "No net sentiment: no customer mention this week was scored positive or negative"]),
])
def test_a_one_pager_chart_with_no_bar_says_why(tmp_path, text, said):
    """A week of one mention printed the ghost-town rate's (or the net sentiment's) chart as
    bare axes under its title."""
    from care_fixtures import load_rows, msg
    db = load_rows(tmp_path, [msg("m1", "ann", 0, **({"text": text} if text else {}))])
    with warehouse.connect_readonly(db) as con:
        rows, stored = weekly.week_rows.uncached(con, "2024-W02", (), 72.0)
    fig = weekly_figures.one_pager(rows, "2024-W02", stored, 72.0, pd.DataFrame())
    assert _chart_notes(fig) == said
