"""PNG/PDF export of the weekly one-pager through kaleido and Debian's Chromium."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import hostile
from app import export, safe, weekly, weekly_cards, weekly_figures, weekly_risks
from app.formatting import listed
from etl import warehouse
from support import needs_chromium


@pytest.fixture(scope="module")
def risks(dashboard_db):
    with warehouse.connect_readonly(dashboard_db) as con:
        rows, stored = weekly.week_rows.uncached(con, "2025-W10", (hostile.BRAND,), 72.0)
        return rows, stored, weekly_risks.top_risks_with_text.uncached(con, rows)


@pytest.fixture(scope="module")
def one_pager(risks):
    rows, stored, top = risks
    assert not stored and len(rows) == 1
    return weekly_figures.one_pager(rows, "2025-W10", stored, 72.0, top)


def _headers(table) -> list[str]:
    return [safe.visible(h).removeprefix("<b>").removesuffix("</b>") for h in table.header.values]


def _brand_names(table) -> list[str]:
    """The KPI table's brands, without the counts printed under each name, each on one line."""
    return [cell.split("<br><span")[0].replace("<br>", " ") for cell in _column(table, "Brand")]


def _column(table, name: str) -> list:
    return list(table.cells.values[list(table.header.values).index(f"<b>{name}</b>")])


def test_figure_json_escapes_hostile_text(one_pager):
    spec = one_pager.to_json()
    # hostile markup in what a customer said, escaped (the handles, where a <script> was, stay on the dashboard)
    assert "&lt;style&gt;" in spec
    assert "<script" not in spec.lower() and "javascript:" not in spec.lower()


def test_title_names_the_week_with_its_days(one_pager):
    assert "Weekly snapshot 2025-W10 · 3–9 Mar 2025" in one_pager.layout.title.text


def test_no_operator_instructions_in_the_one_pager(one_pager):
    # What the executive prints says whether the figures may change, not how to store them.
    assert "late data may still change it" in one_pager.layout.title.text
    spec = one_pager.to_json()
    assert "python" not in spec and "--week" not in spec and "etl snapshot" not in spec


def test_the_kpis_left_off_the_printed_page_are_named_under_its_table(one_pager):
    # the page prints the KPIs an executive reads on paper; the others are said, not dropped silently
    printed = [label for _, label, _ in weekly.KPIS if label in _headers(one_pager.data[0])]
    assert printed == ["Customer mentions", "Complaint share", "Net sentiment", "Ghost-town rate", "SLA rate"]
    [note] = [safe.visible(a.text).replace("<br>", " ") for a in one_pager.layout.annotations
              if "not here" in a.text]
    named = note.lower().split("; the ghost-town rate's 95% interval")[0]
    for _, label, _ in weekly.KPIS:
        assert (label.lower() in named) == (label not in printed), label
    assert "95% interval" in note


def test_top_risks_say_what_the_customer_said_with_its_link(one_pager, risks):
    top = risks[2]
    said = _column(one_pager.data[-1], "What the customer said")
    assert len(said) == len(top) > 0 and top["text"].notna().all()
    for cell, text, link in zip(said, top["text"], top["link"]):
        assert link.startswith("https://twitter.com/") and cell.startswith(f'<a href="{link}">')
        assert cell.endswith("</a>")
        shown = weekly_figures._plain(cell).split(" ")
        for word, written in zip(shown, safe.visible(text).split(" ")):  # long words cut, and the end
            assert word == written or (word.endswith("…") and written.startswith(word[:-1])), (word, written)
    assert any("my parcel is lost" in cell for cell in said)  # hostile.TEXTS[4], escaped:
    assert not any('href="http://evil' in cell or "HYPERLINK(\"" in cell for cell in said)
    # The status is the snapshot's, as of the week's end (the audit's is as of now).
    assert set(_column(one_pager.data[-1], "Status at week's end")) <= {"pending", "ignored"}


def test_the_one_pagers_text_alternative_says_what_the_customer_wrote_as_written(one_pager):
    """The PDF's /Alt is plain text, what the page prints: no entity of the figure's escaped
    text ('&lt;'), no line break or colour markup of its cells."""
    assert "&lt;" in one_pager.to_json()  # the figure holds escaped text
    alt = weekly_figures.printed_text(one_pager)
    assert "body{display:none} delayed 5 hours" in alt and "&lt;" not in alt and "&gt;" not in alt
    assert "<br>" not in alt and "<span" not in alt
    assert alt.index("Per brand") < alt.index(f"Brand: {hostile.BRAND}") < alt.index("Top risks")


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
    # an incremental update: the rendered bytes where they were, Kaleido's title blanked in place
    # ('strings' of the weekly PDF still found it: a review)
    assert b"(Kaleido-fier)" in plain and b"Kaleido-fier" not in titled
    assert titled.startswith(plain.replace(b"(Kaleido-fier)", b"(%s)" % (b" " * 12)))
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
    """More top risks than the page has room for: those that fit, and a note counting the rest."""
    rows, stored, top = risks
    many = pd.concat([top] * 10, ignore_index=True)
    fig = weekly_figures.one_pager(rows, "2025-W10", stored, 72.0, many)
    printed = _column(fig.data[-1], "#")
    assert 0 < len(printed) < len(many)
    assert any(a.text.startswith(f"{len(many) - len(printed)} more top risks") for a in fig.layout.annotations)


def test_a_page_with_room_for_a_few_top_risks_prints_every_brands_first(risks):
    # the page has room for six or so: it printed the first brands' three each and none of the others'
    rows, stored, top = risks
    brands = pd.concat([rows.assign(brand=f"Brand {i}") for i in range(6)], ignore_index=True)
    many = pd.concat([top.head(3).assign(brand=name) for name in brands["brand"]], ignore_index=True)
    fig = weekly_figures.one_pager(brands, "2025-W10", stored, 72.0, many)
    printed = list(zip(_column(fig.data[-1], "Brand"), _column(fig.data[-1], "#")))
    assert len(printed) < len(many)
    assert [b for b, rank in printed if rank == "1"] == [safe.plot_text(b) for b in brands["brand"]]
    assert printed == sorted(printed, key=lambda p: ([safe.plot_text(b) for b in brands["brand"]].index(p[0]),
                                                     p[1]))  # listed per brand, as the page's table


def test_six_brands_with_long_quotes_each_get_their_first_top_risk_printed(risks):
    # the W43 demo one-pager: at three lines a quote, six brands' first risks did not fit under the
    # brands' figures, and the last brand's were left out unnamed ('13 more top risks', a review)
    rows, stored, top = risks
    brands = pd.concat([rows.assign(brand=f"Brand {i}") for i in range(8)], ignore_index=True)
    long = "my table arrived smashed and nobody answers " * 3
    many = pd.concat([top.head(1).assign(brand=name, text=long, rank=rank) for name in brands["brand"][:6]
                      for rank in (1, 2, 3)], ignore_index=True)
    fig = weekly_figures.one_pager(brands, "2025-W10", stored, 72.0, many)
    printed = list(zip(_column(fig.data[-1], "Brand"), _column(fig.data[-1], "#")))
    assert [b for b, rank in printed if rank == "1"] == [safe.plot_text(b) for b in brands["brand"][:6]]
    assert all(len(weekly_figures._plain(text)) <= weekly_figures.RISK_TEXT_LIMITS[-1]
               for text in _column(fig.data[-1], "What the customer said"))


def test_brands_the_page_has_no_room_for_any_top_risk_of_are_named(risks):
    rows, stored, top = risks
    brands = pd.concat([rows.assign(brand=f"Brand {i:02d}") for i in range(24)], ignore_index=True)
    many = pd.concat([top.head(1).assign(brand=name) for name in brands["brand"]], ignore_index=True)
    fig = weekly_figures.one_pager(brands, "2025-W10", stored, 72.0, many, chosen=True)
    kpi, printed = _brand_names(fig.data[0]), _column(fig.data[-1], "Brand")
    assert set(printed) <= set(kpi)  # those the brands' table leaves out are named under it, with their risks
    left_out = [b for b in kpi if b not in printed]
    [note] = [a.text.replace("<br>", " ") for a in fig.layout.annotations if "more top risk" in a.text]
    assert note.endswith(f"; here none for {listed(left_out)}") if left_out else "here none" not in note
    assert weekly_figures._brands_left_out(many.head(3), many.head(1), chosen=True) == ["Brand 01", "Brand 02"]


def test_the_one_pager_prints_the_brand_picked_and_top_risks_only_of_the_brands_it_prints(risks):
    # W35 with Vellum Rail picked (fewest mentions, a 100% ghost-town rate): the one-pager left it out of
    # its brands' table, named in a note, yet printed its top risk, and dropped Zephyrine Airways' whose
    # figures it printed: the two tables covered different brands (a user review)
    rows, stored, top = risks
    names = [f"Brand {i}" for i in range(9)]
    brands = pd.concat([rows.assign(brand=name, mentions=100 + 100 * i) for i, name in enumerate(names)],
                       ignore_index=True)
    many = pd.concat([top.head(1).assign(brand=name) for name in names], ignore_index=True)
    for focus in (None, names[0]):  # the busiest last by name: the quietest first
        fig = weekly_figures.one_pager(brands, "2025-W10", stored, 72.0, many, focus=focus)
        printed = _brand_names(fig.data[0])
        assert 0 < len(printed) < len(names)
        assert (focus in printed) if focus else printed == names[-len(printed):]
        risk_brands = _column(fig.data[-1], "Brand")
        assert set(risk_brands) <= set(printed) and len(risk_brands) > 1  # no risk of a brand left out
        assert focus is None or focus in risk_brands  # the brand picked keeps its first where not all fit
        [note] = [a.text.replace("<br>", " ") for a in fig.layout.annotations if "not here" in a.text]
        picked = f"{focus}, the brand picked, then " if focus else ""
        assert f"and their top risks (this page prints {picked}those of most customer mentions)" in note


def test_the_top_risks_start_under_the_kpi_table_however_many_brands_it_holds(one_pager):
    # one brand's row under a table sized for six left a quarter page blank (user review)
    kpi, top_risks = one_pager.data[0].domain.y, one_pager.data[-1].domain.y
    assert kpi[1] - kpi[0] < 0.2 and 0 < kpi[0] - top_risks[1] < 0.12


# What the page is printed on: A4's width in points (1/72 in), the PDF's page (export.to_pdf)
A4_POINTS = weekly_figures.A4_WIDTH_MM / 25.4 * 72
PLOTLY_DEFAULT_FONT_PX, SUPERSCRIPT = 12, 0.7  # plotly.js: an unset font's size, and <sup>/<sub>'s


def _font_sizes_px(node, inherited: float = PLOTLY_DEFAULT_FONT_PX) -> list[float]:
    """Every font size, px, the figure's JSON (to_plotly_json) draws text in: each object's own
    font, else the one it sits in (the layout's, else plotly's default); 70% of it in <sup> or
    <sub>, and any size a <span style> sets."""
    if isinstance(node, list):
        return [size for item in node for size in _font_sizes_px(item, inherited)]
    if isinstance(node, str):
        marked = [float(px) for px in re.findall(r"font-size:\s*([\d.]+)px", node)]
        return marked + ([inherited * SUPERSCRIPT] if re.search(r"<su[pb]>", node) else [])
    if not isinstance(node, dict):
        return []
    own = (node.get("font") or {}).get("size")
    sizes = [float(s) for s in own] if isinstance(own, list) else [float(own or inherited)]
    found = sizes if own is not None else []
    for key, value in node.items():
        if key != "font":
            found += _font_sizes_px(value, min(sizes))
    return found


# Kaleido prints a figure 9 px in from each edge of its page, shrunk to fit (the A4 PDF's content
# stream: the figure's origin 28.125 device px at 300 dpi in, its px 0.733 pt, not 595 / 794)
KALEIDO_MARGIN_PX = 9


def _printed_points(fig, px: float) -> float:
    """`px` of the figure as printed at actual size from the A4 PDF, in points."""
    return px * A4_POINTS / (fig.layout.width + 2 * KALEIDO_MARGIN_PX)


@pytest.mark.parametrize("brands", [1, 6, 16])
def test_every_text_of_the_printed_page_is_at_least_8_points(risks, brands):
    """Printed at actual size on A4, the 1240 px page set its figures in 5.8 pt, their changes
    in 4 pt, the top risks in 5.3 pt: unreadable on paper (body text wants 8-9 pt)."""
    rows, stored, top = risks
    fig = weekly_figures.one_pager(_of_brands(rows, brands), "2025-W10", stored, 72.0, top)
    spec = fig.to_plotly_json()
    base = (spec["layout"].get("font") or {}).get("size", PLOTLY_DEFAULT_FONT_PX)
    sizes = _font_sizes_px(spec["data"], base) + _font_sizes_px(spec["layout"], base)
    assert _printed_points(fig, min(sizes)) >= 8, sorted(set(sizes))


def test_the_kpi_figures_print_larger_than_the_text_around_them(one_pager):
    for column in _kpi_columns(one_pager.data[0]):
        for cell in column:
            figure_px = float(re.match(r'<span style="font-size:([\d.]+)px">', cell).group(1))
            assert _printed_points(one_pager, figure_px) >= 11, cell


def _kpi_columns(table) -> list[list[str]]:
    return [_column(table, label) for _, label, _ in weekly.KPIS if label in _headers(table)]


@pytest.mark.parametrize("column, change, colour", [
    ("ghost_town_rate", 0.05, weekly_figures.WORSE), ("ghost_town_rate", -0.05, weekly_figures.BETTER),
    ("sla_rate", 0.05, weekly_figures.BETTER), ("net_sentiment", -0.2, weekly_figures.WORSE),
    ("mentions", 40, weekly_figures.NEUTRAL), ("sla_rate", 0.0, weekly_figures.NEUTRAL),
    ("sla_rate", float("nan"), weekly_figures.NEUTRAL),
    ("km_median_minutes", 48.0, weekly_figures.NEUTRAL)])  # not weighed: neither better nor worse
def test_the_one_pagers_changes_are_coloured_as_the_pages_cards(column, change, colour):
    # the PNG/PDF printed every change in small grey (user review); the cards colour them
    kind = dict((c, k) for c, _, k in weekly.KPIS)[column]
    _, style = weekly_cards.card_delta({f"{column}_wow": change}, column, kind)
    assert weekly_figures._change_colour(style) == colour


# Names that plotly wraps onto three lines in the one-pager's brand columns (drawn by Chromium)
LONG_NAMES = ["Northern Lakeside Regional Water and Power Cooperative",
              "Zephyrine Airways International Holdings Group",
              "Brightwater Municipal Savings Bank of the Western Isles"]


UNBROKEN_NAME = "Zephyrineinternationalairwaysholdingsgroup"  # no space for plotly to wrap at
LONG_LINK = "https://support.example.com/tickets/0123456789abcdefghijklmnopqrstuvwxyz"


def _of_brands(rows: pd.DataFrame, count: int) -> pd.DataFrame:
    """`count` brands with the one brand's figures: the long names first, then short ones."""
    names = (LONG_NAMES + [f"Brand {i}" for i in range(count)])[:count]
    return pd.concat([rows.assign(brand=name) for name in names], ignore_index=True)


@pytest.mark.parametrize("brands", [3, 6, 16])
def test_the_one_pager_prints_each_brands_row_whole_or_counts_those_left_out(risks, brands):
    # 10 brands, or 8 with a name of three lines: the last row was cut in half at the table's
    # bottom, without a word (a review); its rows are as tall as their wrapped names
    rows, stored, _ = risks
    fig = weekly_figures.one_pager(_of_brands(rows, brands), "2025-W10", stored, 72.0)
    printed = _brand_names(fig.data[0])
    names = list(_of_brands(rows, brands)["brand"])
    assert printed == [safe.plot_text(name) for name in names[:len(printed)]]
    [note] = [a.text.replace("<br>", " ") for a in fig.layout.annotations if "not here" in a.text]
    if brands <= 6:
        assert len(printed) == brands and "more brand" not in note
    else:
        assert f"{brands - len(printed)} more brands" in note


@needs_chromium
@pytest.mark.parametrize("brands", [3, 6, 16])
def test_the_printed_page_draws_every_text_whole_and_apart(risks, brands):
    """Drawn by plotly.js in Chromium (what the export renders with): no text runs past the
    page or out of its table (a cut row), and no two texts overlap; three brand names long
    enough to wrap onto three lines, one of a single long word, and a link wider than its column."""
    rows, stored, top = risks
    names = _of_brands(rows, brands).assign(brand=lambda f: f["brand"].where(f.index != 1, UNBROKEN_NAME))
    many = pd.concat([top.head(3).assign(brand=name) for name in names["brand"]], ignore_index=True)
    many.loc[0, "text"] = f"see {LONG_LINK} about my refund"
    fig = weekly_figures.one_pager(names, "2025-W10", stored, 72.0, many)
    texts = _drawn_texts(fig)
    assert len([t for t in texts if t["table"] == 0]) > brands  # the KPI table's cells were found
    _assert_inside_page_and_cells(fig, texts)
    for i, one in enumerate(texts):
        for other in texts[i + 1:]:
            apart = (one["right"] <= other["left"] or other["right"] <= one["left"]
                     or one["bottom"] <= other["top"] or other["bottom"] <= one["top"])
            assert apart, (one, other)


@needs_chromium
def test_the_printed_page_keeps_short_top_risks_whole(risks):
    # a risk's request time prints on two lines (its date, then its time) however short what the
    # customer said: measured as one line, 12 risks of a few words ran past the table's bottom
    rows, stored, top = risks
    names = pd.concat([rows.assign(brand=f"Brand {i}") for i in range(4)], ignore_index=True)
    many = pd.concat([top.head(3).assign(brand=name, text="my lenses never came") for name in names["brand"]],
                     ignore_index=True)
    fig = weekly_figures.one_pager(names, "2025-W10", stored, 72.0, many)
    texts = _drawn_texts(fig)
    printed = len(fig.data[1].cells.values[0])
    assert printed > len(many) / 2 and len([t for t in texts if t["text"] == "my lenses never came"]) == printed
    _assert_inside_page_and_cells(fig, texts)


def test_top_risks_that_read_as_markup_are_given_the_lines_they_print(risks):
    # a customer's '<style>body{display:none}</style>' was measured as markup a second time,
    # as 'body{display:none}': its row was given a line too few and its last line ran past the
    # table's bottom. Ten '<i>no</i>' print on three lines or more, not one of 'no no no ...'
    rows, stored, top = risks
    tags = top.head(3).assign(text=" ".join(["<i>no</i>"] * 10))
    fig = weekly_figures.one_pager(rows, "2025-W10", stored, 72.0, tags)
    assert len(_column(fig.data[-1], "#")) == 3
    low, high = _table_box_px(fig, fig.data[-1])
    three_lines = 3 * weekly_figures.LINE_SPACING * weekly_figures.BODY_FONT + 2 * weekly_figures.CELL_PAD
    assert high - low >= weekly_figures.HEADER_ROW_PX + 3 * three_lines


# Words no space breaks, of characters wider than most: capitals, '@', emoji, Chinese, Cyrillic
# capitals; and text that reads as markup or Markdown, which is measured as it is written
WIDE_WORDS = ["W" * 60, "@" * 40, "\U0001F600" * 30, "顾客服务中心航空公司国际有限公司集团控股有限公司",
              "Ж" * 40, "<b>Acme</b> [x](javascript:alert(1)) $x$ &amp;"]


@needs_chromium
def test_the_printed_page_keeps_words_of_wide_characters_inside_their_cells(risks):
    # a word is cut to its column by the width it is drawn at: cut at so many characters of a
    # lower-case letter's width, a word of capitals or emoji ran past its column's edge
    rows, stored, top = risks
    names = pd.concat([rows.assign(brand=word) for word in WIDE_WORDS], ignore_index=True)
    many = pd.concat([top.head(1).assign(brand=word, text=f"{word} {word} refund")
                      for word in WIDE_WORDS], ignore_index=True)
    fig = weekly_figures.one_pager(names, "2025-W10", stored, 72.0, many)
    texts = _drawn_texts(fig)
    assert len(_column(fig.data[-1], "#")) > 3 and len(_brand_names(fig.data[0])) > 3
    _assert_inside_page_and_cells(fig, texts)


@needs_chromium
def test_the_printed_title_keeps_a_pending_brands_long_name_on_the_page(risks):
    # the title names the brands with many requests pending; it does not wrap, and a name of
    # one long word ran 700 px past the page's right edge
    rows, stored, top = risks
    pending = dict(pending=50, answered=1, ignored=1)
    names = pd.concat([rows.assign(brand="W" * 200, **pending), rows.assign(brand="<b>x</b> " + "é" * 130, **pending)],
                      ignore_index=True)
    fig = weekly_figures.one_pager(names, "2025-W10", stored, 72.0, top)
    assert "Share of requests pending" in fig.layout.title.text and "WWWWW" in fig.layout.title.text
    _assert_inside_page_and_cells(fig, _drawn_texts(fig))


@pytest.mark.parametrize("chars", [7, 31, 60, weekly_figures.NOTE_CHARS])
def test_a_word_as_wide_as_its_column_is_kept_whole(chars):
    # widths added up in floats: seven, or 31 and more, letters of CHAR_EM measured a hair over
    # as many characters, so a handle exactly as wide as its column lost its last two letters to
    # an ellipsis, and a note's line that fitted broke a word early
    word = "a" * chars
    assert weekly_figures._cut(word, chars) == word
    assert weekly_figures._wrap(f"{'a' * (chars - 2)} b", chars) == [f"{'a' * (chars - 2)} b"]


def _drawn_texts(fig) -> list[dict]:
    """Every non-blank line of text plotly.js draws of `fig` in Chromium (_DRAWN_TEXTS_JS). In a
    thread of its own: the browser tests' Playwright, open for the whole session, runs an event
    loop in this one, and the sync API refuses to start inside it (CI ran those tests first)."""
    with ThreadPoolExecutor(1) as pool:
        drawn = pool.submit(_draw, fig).result()
    return [t for t in drawn if t["text"].strip()]


def _draw(fig) -> list[dict]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=export.browser_path(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": fig.layout.width, "height": fig.layout.height})
            # read once plotly.js has drawn the whole figure (its newPlot's promise kept)
            page.set_content(fig.to_html(include_plotlyjs=True, full_html=True, config={"staticPlot": True},
                                         post_script="window.figureDrawn = true;"))
            page.wait_for_function("window.figureDrawn === true")
            return page.evaluate(_DRAWN_TEXTS_JS)
        finally:
            browser.close()


def _assert_inside_page_and_cells(fig, texts: list[dict]) -> None:
    """No text runs past the page, out of its table (a row cut at the bottom) or out of its cell."""
    for t in texts:
        assert 0 <= t["left"] and t["right"] <= fig.layout.width and 0 <= t["top"] and t["bottom"] <= \
            fig.layout.height, str(t)
        if t["table"] is not None:
            low, high = _table_box_px(fig, fig.data[t["table"]])
            assert low - 1 <= t["top"] and t["bottom"] <= high + 1, t  # a row cut at its table's bottom
            assert t["cellLeft"] - 1 <= t["left"] and t["right"] <= t["cellRight"] + 1, t  # a word cut at its column


def _table_box_px(fig, table) -> tuple[float, float]:
    """A table's top and bottom, px down the page, from its domain."""
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    low, high = table.domain.y
    return fig.layout.margin.t + (1 - high) * plot, fig.layout.margin.t + (1 - low) * plot


# Every drawn line of text (a table cell's, an annotation's, the title's), with its box in the
# page's px, which table (trace order) it sits in, if any, and its cell's left and right edges.
_DRAWN_TEXTS_JS = """() => {
  const tables = [...document.querySelectorAll('g.table')];
  const lines = [];
  for (const text of document.querySelectorAll('text')) {
    const parts = text.querySelectorAll('tspan.line');
    for (const part of (parts.length ? parts : [text])) {
      const box = part.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      const table = tables.findIndex(t => t.contains(text));
      const cell = text.closest('g.column-cell');
      const cellBox = cell ? cell.querySelector('rect.cell-rect').getBoundingClientRect() : box;
      lines.push({text: part.textContent, left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                  table: table < 0 ? null : table, cellLeft: cellBox.left, cellRight: cellBox.right});
    }
  }
  return lines;
}"""


def test_the_one_pagers_coloured_changes_say_better_or_worse_in_words(risks):
    """Printed in grey or read by a colour-blind executive, a change's red or green says
    nothing: each coloured one also says which it is; a volume's (grey) says neither."""
    rows, stored, _ = risks
    changed = rows.assign(ghost_town_rate_wow=0.05, sla_rate_wow=0.05, mentions_wow=3)
    fig = weekly_figures.one_pager(changed, "2025-W10", stored, 72.0)
    [ghost] = _column(fig.data[0], "Ghost-town rate")
    [sla] = _column(fig.data[0], "SLA rate")
    [mentions] = _column(fig.data[0], "Customer mentions")
    worse, better = (f'<span style="color:{weekly_figures.WORSE}">', f'<span style="color:{weekly_figures.BETTER}">')
    assert ghost.endswith(f"{worse}+5.0 pts</span><br>{worse}worse</span>")
    assert sla.endswith(f"{better}+5.0 pts</span><br>{better}better</span>")
    assert mentions.endswith(f'<br><span style="color:{weekly_figures.NEUTRAL}">+3</span>')



def _fonts(monkeypatch, tmp_path, families: str | None) -> None:
    """fc-list on the PATH answering with `families` (none: no fc-list), its answer read afresh."""
    if families is not None:
        fake = tmp_path / "fc-list"
        fake.write_text(f"#!/bin/sh\nprintf '%s' '{families}'\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))


@pytest.fixture
def font_answer_afresh():
    """export asks fontconfig once (cached): each test asks afresh and leaves no answer behind."""
    export._has_emoji_font.cache_clear()
    yield
    export._has_emoji_font.cache_clear()


@pytest.mark.parametrize("families, warned", [("", True), ("Noto Color Emoji\n", False), (None, False)])
def test_a_machine_without_an_emoji_font_is_said_to_print_emoji_as_boxes(monkeypatch, tmp_path, families, warned,
                                                                          font_answer_afresh):
    # customers' emoji printed as empty boxes in the PDF with no word of it (a review): no font has
    # them all; with no fc-list to ask, nothing is said rather than a guess
    _fonts(monkeypatch, tmp_path, families)
    note = export.emoji_font_note("PDF")
    assert (note is not None) == warned
    assert not warned or note.startswith("Emoji in what customers wrote print as empty boxes in the PDF")


@pytest.mark.skipif(not Path("/usr/bin/fc-list").exists(), reason="no fontconfig")
def test_the_emoji_probe_is_a_query_fontconfig_answers(font_answer_afresh):
    # DejaVu Sans has some faces (U+1F600-1F64F): a probe of those alone found it and said nothing
    import subprocess
    found = subprocess.run(["/usr/bin/fc-list", f":charset={export.EMOJI_PROBE}", "family"], capture_output=True,
                           text=True, check=True).stdout
    assert export._has_emoji_font() is bool(found.strip())
    assert subprocess.run(["/usr/bin/fc-list", ":charset=41", "family"], capture_output=True, text=True).stdout


@pytest.mark.parametrize("page, what", [("audit", "PDF"), ("weekly", "PDF and PNG")])
@needs_chromium
def test_the_pages_that_print_say_when_emoji_will_print_as_boxes(dashboard_db, monkeypatch, page, what):
    # the note was made for the PDF buttons' captions; said on the pages that print with this machine's fonts
    from app_support import page_test
    at = page_test(page, dashboard_db, monkeypatch).run()
    assert not at.exception
    said = [c.value for c in at.caption if "empty boxes" in c.value]
    expected = export.emoji_font_note(what)  # fontconfig's real answer on this machine
    assert said == ([expected] if expected else []), said


def test_a_forwarded_one_pager_says_its_definitions_and_the_counts_behind_its_rates(risks):
    # it named the week, as-of, horizon and SLA, but neither the metric definitions' version nor the
    # counts behind its rates: a forwarded PDF could not be read alone (ux60a)
    rows, stored, top = risks
    row = rows.iloc[0]
    fig = weekly_figures.one_pager(rows.assign(metric_version="care-metrics/3"), "2025-W10", stored, 72.0, top)
    [footer] = [a.text.replace("<br>", " ") for a in fig.layout.annotations if "Metric definitions" in a.text]
    assert footer == "Metric definitions care-metrics/3, on the dashboard's Weekly page (its Definitions button)."
    [cell] = _column(fig.data[0], "Brand")
    decided = int(row["answered"] + row["ignored"])
    assert weekly_figures._plain(cell).split("\n")[1:] == [f"{decided:,} decided request" + "s" * (decided != 1)]
