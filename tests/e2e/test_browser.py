"""The dashboard in a real browser: every page renders, filters change numbers and live in the
URL, hostile mention text never runs, the login gate holds on direct URLs, the PDF downloads.

Run: .venv/bin/python -m pytest -q -m browser tests/e2e
"""

from __future__ import annotations

import re

import pytest

import hostile
import ui
from conftest import PASSWORD
from streamlit.proto.BackMsg_pb2 import BackMsg

pytestmark = pytest.mark.browser

PAGE_IDS = [path for path, _ in ui.PAGES]


def _clean(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, \
        page.locator('[data-testid="stException"]').first.inner_text()
    assert page.watcher.errors == [], page.watcher.errors
    assert page.watcher.dialogs == [], page.watcher.dialogs
    assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").first.inner_text()


@pytest.mark.parametrize(("path", "title"), ui.PAGES + [("", "Overview")], ids=PAGE_IDS + ["root"])
def test_every_page_renders_its_title_without_errors(server, page, path, title):
    ui.open_page(page, server.page(path), title)
    assert page.locator("h1").first.inner_text().strip() == title
    assert page.url.split("?")[0].rstrip("/") == server.page(path).rstrip("/"), page.url
    _clean(page)


def test_url_query_string_preselects_the_brand(server, page):
    ui.open_page(page, server.page(f"ghost_town?brand={hostile.BRAND}"), "Ghost Town")
    assert ui.chosen(page, "Brands") == [hostile.BRAND]
    ui.open_page(page, server.page(f"overview?brand={hostile.BRAND}"), "Overview")
    assert ui.chosen(page, "Brands") == [hostile.BRAND]
    assert f"brand={hostile.BRAND}" in page.url
    _clean(page)


def test_choosing_a_brand_goes_to_the_url(server, page):
    ui.open_page(page, server.page("trends"), "Trends")
    brand = ui.options(page, "Brands")[0]
    ui.choose(page, "Brands", brand)
    assert ui.chosen(page, "Brands") == [brand]
    page.wait_for_url(re.compile(r"[?&]brand="))
    assert "/trends" in page.url
    _clean(page)


def test_clicking_a_trends_point_lists_its_mentions(server, page):
    ui.open_page(page, server.page("trends"), "Trends")
    # the drill-down's grid, not the charts' numbers in their expander
    drilled = page.locator('[data-testid="stDataFrame"]:not([data-testid="stExpander"] [data-testid="stDataFrame"])')
    assert drilled.count() == 0  # nothing until a point is chosen
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    point = chart.locator("g.mark-symbol.role-mark path").last  # the newest bucket of a series
    box = point.bounding_box()
    before = ui.runs(page)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    ui.wait_rerun(page, before)
    assert drilled.count() == 1
    assert page.get_by_text(re.compile(r"^[\d,]+ mentions \(")).count() == 1  # the drill caption
    _clean(page)


def test_brand_filter_changes_an_overview_kpi(server, page):
    ui.open_page(page, server.page("overview"), "Overview")
    before = ui.metric_values(page)
    assert before, "Overview shows no st.metric KPI"
    brands = [b for b in ui.options(page, "Brands") if b != hostile.BRAND]
    ui.choose(page, "Brands", brands[0])
    after = ui.metric_values(page)
    assert len(after) == len(before)
    assert after != before, f"choosing {brands[0]} changed no KPI: {before}"
    _clean(page)


@pytest.mark.parametrize(("path", "title"), ui.PAGES, ids=PAGE_IDS)
def test_hostile_mention_text_runs_no_script(server, page, path, title):
    ui.open_page(page, server.page(f"{path}?brand={hostile.BRAND}"), title)
    assert ui.chosen(page, "Brands") == [hostile.BRAND]
    # Give any injected <img onerror> or late script its chance to run.
    page.wait_for_timeout(300)
    fired = page.evaluate(f"() => typeof window.{hostile.SCRIPT_MARK}")
    assert fired == "undefined", f"hostile text ran a script on /{path}"
    assert page.locator("script", has_text=hostile.SCRIPT_MARK).count() == 0
    assert page.locator(f"[onerror*='{hostile.SCRIPT_MARK}']").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    _clean(page)


def _log_in(page) -> None:
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_gate_holds_for_a_direct_url_first_requested_on_a_fresh_server(gate_server, page):
    page.goto(gate_server.page("ghost_town"))
    page.get_by_label("Password", exact=True).wait_for()
    ui.wait_idle(page, None)
    assert "Ghost Town" not in page.locator("h1").all_inner_texts()
    assert page.locator('[data-testid="stMetricValue"], [data-testid="stDataFrame"]').count() == 0
    # no "Page not found": each page's URL is its file name in pages/ (see app/shell.py)
    assert page.get_by_role("dialog").count() == 0
    _log_in(page)
    ui.wait_idle(page, "Ghost Town")
    assert page.url.split("?")[0].endswith("/ghost_town")
    assert page.locator('[data-testid="stSidebarNav"]').count() == 1


def test_gate_holds_on_every_page_url(gate_server, browser):
    for path, title in ui.PAGES + [("", "Overview")]:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(gate_server.page(f"{path}?brand={hostile.BRAND}"))
            page.get_by_label("Password", exact=True).wait_for()
            ui.wait_idle(page, None)
            assert page.get_by_role("dialog").count() == 0, path
            assert title not in page.locator("h1").all_inner_texts(), path
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0, path
            assert page.get_by_role("combobox", name="Brands").count() == 0, path
            page.get_by_label("Password", exact=True).fill("wrong")
            page.get_by_role("button", name="Log in").click()
            page.get_by_text("Wrong password.").wait_for()
            assert title not in page.locator("h1").all_inner_texts(), path
        finally:
            context.close()


def test_weekly_pdf_downloads(server, page):
    ui.open_page(page, server.page("weekly"), "Weekly Snapshot")
    button = page.locator('[data-testid="stDownloadButton"]').get_by_role(
        "button", name=re.compile("PDF"))
    assert button.count() >= 1, "no download button labelled with PDF on /weekly"
    with page.expect_download(timeout=60_000) as download:
        button.first.click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF"), data[:40]
    assert download.value.suggested_filename.lower().endswith(".pdf")
    _clean(page)


def test_grids_offer_no_export_that_bypasses_the_formula_guard(server, page):
    # The grid's own "Download as CSV" writes cells as they are: a tweet "=HYPERLINK(...)"
    # would be a live formula in a spreadsheet (user review). The app's download buttons
    # neutralise such cells (app/safe.csv_bytes); the built-in export is switched off in
    # .streamlit/config.toml (client.disableDataExport).
    ui.open_page(page, server.page("data"), "Data")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(state="attached", timeout=5_000)
    assert toolbar.locator("button").count() >= 1  # the grid's toolbar is there (search, fullscreen)
    assert toolbar.get_by_role("button", name=re.compile("download", re.I)).count() == 0
    _clean(page)


def _shown_choice(page, label: str) -> str:
    return page.get_by_label(label, exact=True).input_value()


def _click_text(page, text: str) -> None:
    before = ui.runs(page)
    page.get_by_text(text, exact=True).first.click()
    ui.wait_rerun(page, before)


def test_a_picker_whose_choices_change_shows_one_of_the_new_choices(server, page):
    """Streamlit's box kept showing the old label of an option value that survived a change of
    its list (a position; 'All' of other brands): the Spike picker named a daily spike above an
    hourly one's posts, the drill's Brand box the brands of another industry."""
    ui.open_page(page, server.page("trends"), "Trends")
    _click_text(page, "Spikes")
    _click_text(page, "Hourly")
    assert _shown_choice(page, "Spike") == ui.options(page, "Spike")[0]  # not the daily spike shown before
    _click_text(page, "Share of voice")
    industries = ui.options(page, "Industry")
    assert len(industries) > 1  # the demo's brands are of three industries
    before = _shown_choice(page, "Brand")
    ui.choose(page, "Industry", industries[1])
    after = _shown_choice(page, "Brand")
    assert after.startswith("All (") and after != before  # the new industry's brands
    _clean(page)


def test_the_spike_picked_is_still_picked_after_a_look_at_another_page(server, page):
    """Streamlit drops the state of the widgets a run does not draw: a spike picked on Trends,
    its resolution and the drill-down's bucket were the defaults again after a look at
    Amplification Risk (a review). AppTest cannot leave a page; the browser can."""
    ui.open_page(page, server.page("trends?view=Spikes&grain=Daily"), "Trends")
    _click_text(page, "Hourly")
    spikes = ui.options(page, "Spike")
    assert len(spikes) > 1
    box = page.get_by_role("combobox", name="Spike", exact=True)
    box.click()
    before = ui.runs(page)
    page.get_by_role("option", name=spikes[1], exact=True).click()
    ui.wait_rerun(page, before)
    assert _shown_choice(page, "Spike") == spikes[1]
    page.get_by_role("link", name="Amplification Risk").click()
    ui.wait_idle(page, "Amplification Risk")
    page.get_by_role("link", name="Trends").click()
    ui.wait_idle(page, "Trends")
    assert page.get_by_role("radio", name="Hourly").is_checked()
    assert _shown_choice(page, "Spike") == spikes[1]
    _clean(page)


def test_the_audit_downloads_arrive_and_rerun_nothing(server, page):
    """The audit's exports are deferred: built when clicked, their address sent back on the
    websocket. A click that also reran the page raced that answer: the new run's start empties
    the server's outgoing queue (Streamlit keeps only lifecycle messages), and its end drops the
    callables of the run the click saw. In an automated review 3 clicks in 12 made right after
    the page picker never downloaded, the button grey with no error (the browser waits 180 s);
    a repro of 8 click patterns lost 4-5% (some saying "Failed to generate file for download").
    The buttons now say on_click="ignore" (as on the Weekly page): a click asks for its file
    and reruns nothing."""
    sent = []

    def frame(payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            sent.append(BackMsg.FromString(bytes(payload)).WhichOneof("type"))

    page.on("websocket", lambda ws: ws.on("framesent", frame))
    ui.open_page(page, server.page("audit"), "Page Audit")
    scopes = ui.options(page, "Page or handle")
    assert len(scopes) > 1, scopes
    ui.choose(page, "Page or handle", scopes[1])  # a page, as in the review: just after the picker
    clicked = 0
    for name, suffix in [("Report (HTML)", ".html"), ("Evidence (CSV)", "-evidence.csv"),
                         ("Deflections (CSV)", "-deflections.csv"), ("Requests (CSV)", "-requests.csv")]:
        button = page.locator('[data-testid="stDownloadButton"]').get_by_role("button", name=name)
        assert button.count() == 1, name
        if button.is_disabled():  # no deflection in this audit: nothing to export
            continue
        sent.clear()
        with page.expect_download(timeout=60_000) as download:
            button.click()
        assert download.value.suggested_filename.endswith(suffix), download.value.suggested_filename
        page.wait_for_timeout(300)  # a rerun request goes out with the click, never after it
        assert "backend_operation_request" in sent, sent
        assert "rerun_script" not in sent, f"clicking {name} reran the page"
        clicked += 1
    assert clicked >= 2
    _clean(page)


def test_an_audit_triggers_number_scrolls_to_the_rows_it_counts(server, page):
    """A consultant's review: 'Ignored complaints = 8 > 0' named a list the reader then had to
    scroll for; the trigger links to the evidence on the same page, without a new tab or rerun."""
    ui.open_page(page, server.page(f"audit?audited={hostile.BRAND}"), "Page Audit")
    link = page.get_by_role("link", name=re.compile(r"^Ignored complaints = [\d,]+ > 0$"))
    count = re.search(r"= ([\d,]+) >", link.inner_text()).group(1)
    before = ui.runs(page)
    link.click()
    page.wait_for_url(re.compile(r"#evidence$"))
    heading = page.locator("#evidence")
    heading.wait_for()
    page.wait_for_function("() => Math.abs(document.getElementById('evidence').getBoundingClientRect().top) < 200")
    assert f"Evidence: {count} ignored complaints" in heading.locator("xpath=ancestor::*[1]").inner_text()
    assert len(page.context.pages) == 1 and ui.runs(page) == before
    _clean(page)


@pytest.mark.parametrize("width", [390, 768])
def test_the_week_picker_shows_its_whole_week_on_a_phone(server, browser, width):
    """An executive on a phone read '2026-W43 · 19–25 Oct 2026 · l': the picker, stretched, shared
    its row with the Definitions button and its label (and list) were cut. Each of its choices
    is read whole, and the page needs no sideways scroll."""
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.watcher = ui.Watcher(page)
        ui.open_page(page, server.page("weekly"), "Weekly Snapshot", timeout=120)
        picker = page.get_by_role("combobox", name="ISO week (UTC)", exact=True)
        shown = picker.evaluate("box => [box.value, box.scrollWidth, box.clientWidth]")
        assert shown[1] <= shown[2], f"the picker's week is cut: {shown}"
        picker.click()
        listed = page.get_by_role("option")
        listed.first.wait_for()
        # the text clips in the option's inner box, whose parent's scrollWidth does not grow
        cut = listed.evaluate_all("options => options.filter(o => [o, ...o.querySelectorAll('*')]"
                                  ".some(box => box.scrollWidth > box.clientWidth)).map(o => o.innerText)")
        assert not cut, f"weeks cut in the picker's list: {cut}"
        page.keyboard.press("Escape")
        assert page.get_by_role("button", name="Definitions").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        _clean(page)
    finally:
        context.close()


def test_the_coverage_heatmaps_title_is_read_whole_on_a_phone(server, browser):
    """A marketer on a 390 px phone read 'Answered within H (72 h) by hour of week: Aldermo': the
    title, on one line, ran past the chart's edge. Each of its lines fits the chart."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.watcher = ui.Watcher(page)
        ui.open_page(page, server.page("ghost_town?section=Coverage"), "Ghost Town", timeout=120)
        title = page.locator(".js-plotly-plot .gtitle").first
        title.wait_for()
        [inside, outside] = title.evaluate("""t => {
            const chart = t.closest('.main-svg').getBoundingClientRect(), own = t.getBoundingClientRect();
            return [[own.left, own.right], [chart.left, chart.right]]; }""")
        assert outside[0] <= inside[0] and inside[1] <= outside[1], (title.text_content(), inside, outside)
        assert "by hour of week" in title.text_content()
        _clean(page)
    finally:
        context.close()
