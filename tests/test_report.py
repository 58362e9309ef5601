"""The audit report: self-contained, hostile text inert, PDF printable, evidence CSV safe."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import hostile
from app import audit, audit_rules, export, formatting, report, safe
from etl import warehouse
from support import needs_browser


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def quill(dashboard_db):
    with warehouse.connect_readonly(dashboard_db) as con:
        return audit.build_audit(con, hostile.BRAND)


def parse(document: str) -> _Collect:
    parser = _Collect()
    parser.feed(document)
    parser.close()
    return parser


def test_hostile_report_has_no_active_markup(quill):
    document = report.build_html(quill)
    lowered = document.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<style>body" not in lowered
    parsed = parse(document)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "svg", "form"}
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
        if tag == "a":  # a mention's link, or one to a section of the report
            assert attrs["href"].startswith("https://twitter.com/i/web/status/") or \
                attrs["href"][1:] in report.SECTIONS
    # The hostile texts arrive, as text: the parser sees the markup as character data.
    text = "".join(parsed.text)
    assert "<script>window.hostile_fired=1</script>" in text
    assert '<img src=x onerror="window.hostile_fired=1">' in text
    assert "[click for refund](javascript:alert(1))" in text
    # Bidi overrides are shown, not obeyed.
    assert "\u202e" not in document and "<U+202E>evil" in text


def test_report_is_self_contained(quill):
    document = report.build_html(quill)
    parsed = parse(document)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "data", "action"):
            value = (attrs.get(name) or "").lower()
            if tag != "a":
                assert not value, (tag, name, value)
    assert "@import" not in document and "url(" not in document
    assert "default-src 'none'" in document  # and a CSP forbids loading anything anyway


def test_report_states_grade_thresholds_definitions_and_evidence(quill):
    text = "".join(parse(report.build_html(quill)).text)
    assert f"Overall grade {quill.grade}" in text
    for threshold in audit_rules.THRESHOLDS:
        assert threshold.describe() in text
    assert quill.metric_version in text and "ghost_town_rate" in text
    assert f"Evidence: ignored complaints ({len(quill.evidence)})" in text
    # each piece of evidence names its mention (a link alone dies with the post), and the
    # ignored requests the rate counts beyond the complaints are said to be questions
    assert "mention id" in text and all(i in text for i in quill.evidence["complaint_id"])
    ignored = int(quill.summary["ignored"])
    assert (f"The scorecard's {ignored:,} ignored requests: {len(quill.evidence):,} complaints listed here "
            f"and {formatting.counted(ignored - len(quill.evidence), 'question')}.") in text
    for trigger in quill.recommendations["trigger"]:
        assert trigger in text


def section_rows(document: str, section: str) -> int:
    """The rows of the first table after the heading with id `section` (its header row aside)."""
    start = document.index(f'<h2 id="{section}">')
    after = document[start:document.index("</table>", start)]
    return after.count("<tr>") - 1


def test_a_reports_numbers_link_to_the_rows_they_count(dashboard_db):
    """A consultant's review: 'Ignored complaints = 719 > 0' and '213 deleted' led nowhere in a
    report of hundreds of rows; each such number now links to its list, which has that many rows,
    and every link of the report lands on a heading that is there."""
    with warehouse.connect_readonly(dashboard_db) as con:
        result = audit.build_audit(con, "Marrowby Market")
    document = report.build_html(result)
    parsed = parse(document)
    ids = [attrs["id"] for _, attrs in parsed.tags if "id" in attrs]
    targets = [attrs["href"][1:] for tag, attrs in parsed.tags if tag == "a" and attrs["href"].startswith("#")]
    assert len(ids) == len(set(ids)) and set(targets) == set(ids) == set(report.SECTIONS)
    triggers = dict(zip(result.recommendations["rule"], result.recommendations["trigger"]))
    listed = {"work-the-evidence": ("evidence", len(result.evidence)),
              "staff-the-gaps": ("coverage", len(result.gaps))}
    assert set(listed) <= set(triggers)  # the demo brand's audit fires both
    for rule, (section, rows) in listed.items():
        trigger = html.escape(triggers[rule], quote=True)
        assert f'<a href="#{section}">{trigger}</a>' in document and f"= {rows:,} >" in triggers[rule]
    assert section_rows(document, "evidence") == len(result.evidence) == result.findings["ignored_complaints"]
    # the gaps' table comes after the heatmap and its legend, in the same section
    gaps = document[document.index('<h2 id="coverage">'):document.index('<h2 id="deflections">')]
    assert gaps.split('<table class="rows">')[-1].count("<tr>") - 1 == len(result.gaps)
    assert f'<a href="#deflections">{result.deflection_count:,} of ' in document


def test_the_evidence_gives_its_text_the_room_and_lets_ids_break(quill):
    # the text column was squeezed to a word a line by unbreakable ids (a 149-page PDF)
    parsed = parse(report.build_html(quill))
    cells = [attrs.get("class") for tag, attrs in parsed.tags if tag == "td"]
    assert cells.count("id") >= len(quill.evidence) and cells.count("text") >= len(quill.evidence)
    css = report._CSS
    assert "td.id { word-break: break-all" in css and "td.text {" in css and "width: 40%" in css


def test_shares_print_as_percentages_and_flags_as_words(dashboard_db):
    """The gaps' rates and intervals, and the reference lines, as the page shows them: a
    consultant's client read '0.4' for 41%."""
    import re
    with warehouse.connect_readonly(dashboard_db) as con:
        result = audit.build_audit(con, "Marrowby Market")
    assert len(result.gaps) > 0
    document = report.build_html(result)
    gaps = document[document.index('<h2 id="coverage">'):document.index('<h2 id="deflections">')]
    rows = re.findall(r"<tr>(.*?)</tr>", gaps.split('<table class="rows">')[-1])[1:]
    assert len(rows) == len(result.gaps)
    for row, gap in zip(rows, result.gaps.itertuples()):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells[2:5] == [f"{gap.response_rate:.1%}", f"{gap.response_rate_ci_low:.1%}",
                              f"{gap.response_rate_ci_high:.1%}"]
    references = document[document.index("<h2>Reference lines</h2>"):]
    assert '<td data-label="value" class="num">14.0%</td>' in references
    assert '<td data-label="value" class="num">50.0%</td>' in references


def test_a_deleted_comments_negative_flag_prints_as_a_word(tmp_path):
    from care_fixtures import load_with_deletions
    db = load_with_deletions(tmp_path)
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme")
    document = report.build_html(result)
    deleted = document[document.index('<h2 id="deleted">'):document.index('<h2 id="thresholds">')]
    assert len(result.deleted) == 2 and ">True<" not in deleted
    assert deleted.count('<td data-label="negative">yes</td>') == 1  # c1, scored negative; c2 has no score


def test_an_audit_as_of_a_moment_counts_only_deletions_evident_by_then(tmp_path):
    # the second export, covering minutes 0 to 10, is the first to lack c1 and c2
    from care_fixtures import at, load_with_deletions
    db = load_with_deletions(tmp_path)
    with warehouse.connect_readonly(db) as con:
        before, by_then = (audit.build_audit(con, "Acme", as_of=at(minutes)) for minutes in (9, 10))
    assert (len(before.deleted), len(by_then.deleted)) == (0, 2)


@pytest.mark.parametrize("complete, since, said", [
    (False, None, "Not checked: a deleted comment is found when a complete export of a page"),
    (True, None, "None found on 1 page with two or more complete exports up to the as-of time to compare (2 exports"),
    # with --since, only the exports ending from it count, and the note says so
    (True, 0, "None found on 1 page with two or more complete exports ending within the dates (up to the as-of "
              "time) to compare"),
])
def test_an_audit_without_deleted_comments_says_whether_any_could_be_found(tmp_path, complete, since, said):
    # 'No deleted comments detected' read as 'none deleted' on a handle nothing could check (review)
    from care_fixtures import at, load_rows, msg
    rows = [msg("c1", "u1", 0, page="@Acme"), msg("c2", "u2", 5, page="@Acme")]
    db = load_rows(tmp_path, rows, name="export1.csv", complete_export=complete)
    load_rows(tmp_path, rows, name="export2.csv", db=db, complete_export=complete)
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme", since=None if since is None else at(since))
    document = report.build_html(result)
    deleted = document[document.index('<h2 id="deleted">'):document.index('<h2 id="thresholds">')]
    assert result.deleted.empty and said in deleted


@pytest.mark.parametrize("complete, said", [(False, "not checked"), (True, "0")])
def test_a_report_counts_no_deleted_comment_where_none_could_be_found(tmp_path, monkeypatch, complete, said):
    # 'Contents: ... Deleted comments (0)' and a heading 'Deleted comments (0)' read as none
    # deleted, above a note that no page had the two complete exports a check needs
    from app_support import page_test
    from care_fixtures import load_rows, msg
    rows = [msg("c1", "u1", 0, page="@Acme"), msg("c2", "u2", 5, page="@Acme")]
    db = load_rows(tmp_path, rows, name="export1.csv", complete_export=complete)
    load_rows(tmp_path, rows, name="export2.csv", db=db, complete_export=complete)
    with warehouse.connect_readonly(db) as con:
        document = report.build_html(audit.build_audit(con, "Acme"))
    assert f'<a href="#deleted">Deleted comments</a> ({said})' in document
    assert f'<h2 id="deleted">Deleted comments ({said})</h2>' in document
    at = page_test("audit", db, monkeypatch).run()
    assert f"Deleted comments: {said}" in [h.value for h in at.header]


def test_a_demo_audit_says_its_data_is_fictional(dashboard_db, tmp_path):
    # a demo audit, with hundreds of links to made-up post ids, said nothing of it (a review)
    from care_fixtures import load_rows, msg
    with warehouse.connect_readonly(dashboard_db) as con:
        demo = report.build_html(audit.build_audit(con, "Aldermoor Air"))
    # (the fixture adds the hostile corpus to the demo: some of it)
    assert "Some of it is demo data (python -m etl demo): its brands, people and posts are fictional" in demo
    db = load_rows(tmp_path, [msg("c1", "u1", 0)])
    with warehouse.connect_readonly(db) as con:
        assert "demo data" not in report.build_html(audit.build_audit(con, "Acme"))


def test_the_report_names_the_text_scorer_behind_its_requests(tmp_path):
    # which messages are requests, complaints and deflections is the scorer's call (a review)
    from care_fixtures import load_rows, msg
    from etl import text
    db = load_rows(tmp_path, [msg("c1", "u1", 0), msg("c2", "u2", 5)])
    with warehouse.connect_readonly(db) as con:
        assert text.SCORER_VERSION in report.build_html(audit.build_audit(con, "Acme"))
    with warehouse.writer(db) as con:  # one score of an older scorer left
        con.execute("UPDATE mention_scores SET scorer_version = 'text-9' WHERE mention_id = 'twitter:c1'")
    with warehouse.connect_readonly(db) as con:
        assert audit.scorer_versions(con) == f"text-9, {text.SCORER_VERSION}"
    with warehouse.writer(db) as con:  # every score gone: none, whatever bounds the column's statistics keep
        con.execute("DELETE FROM mention_scores")
    with warehouse.connect_readonly(db) as con:
        assert audit.scorer_versions(con) == "none"


@pytest.mark.parametrize("value, whole, shown", [
    (17.25, False, "17.3"),  # an exact half up, as the page's grid ('%.1f') prints it; an f-string: 17.2
    (4055.35, False, "4,055.3"),  # the float is 4055.3499...
    (2.0, True, "2"), (1234, False, "1,234"),
])
def test_numbers_print_as_the_pages_grids_print_them(value, whole, shown):
    assert report._number(value, whole) == shown


def test_a_deflections_minutes_are_not_rounded_before_the_report_prints_them(tmp_path):
    # DuckDB's round gave 4,055.4 in the deflection table beside 4,055.3 for the same wait (a review)
    from care_fixtures import at, brand_msg, load_rows, msg, set_scores
    db = load_rows(tmp_path, [msg("r1", "u1", 0), brand_msg("b1", 30.35, parent="r1")])
    set_scores(db, {"r1": {"complaint": True, "needs_reply": True}, "b1": {"deflection": True}})
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme", as_of=at(100 * 60))
    assert result.deflections["response_minutes"].tolist() == [pytest.approx(30.35)]


def test_the_heatmap_has_a_legend_a_printed_report_can_read(quill):
    # a PDF has no hover: its cells showed colours and counts only (a review)
    document = report.build_html(quill)
    legend = document[document.index('<table class="legend">'):]
    legend = legend[:legend.index("</table>")]
    for rate in report.LEGEND_RATES:
        assert f'"{report._heat_style(rate, audit_rules.COLOURED_MIN_DECIDED)}">{rate:.0%}<' in legend
    assert document.index('<table class="heat">') < document.index('<table class="legend">')


@pytest.mark.parametrize("vision", ["deuteranopia", "protanopia"])
def test_the_heatmaps_rates_stay_apart_for_a_reader_without_red_green_vision(vision):
    # red to green put 25% and 75% answered a shade apart for a deuteranope (accessibility review)
    from colour_vision import seen_apart
    decided = audit_rules.COLOURED_MIN_DECIDED
    colours = {rate: report._heat_rgb(rate, decided) for rate in report.LEGEND_RATES}
    for low, high in ((0.0, 1.0), (0.25, 0.75), (0.0, 0.5), (0.5, 1.0)):
        assert seen_apart(colours[low], colours[high], vision) > 40, (low, high)


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0, None])
def test_a_heatmap_cells_count_reads_on_its_colour(rate):
    # the decided count in 9 px type: dark on the red end read at 3.7:1 (WCAG 1.4.3 asks 4.5)
    style = dict(part.split(":") for part in report._heat_style(rate, audit_rules.COLOURED_MIN_DECIDED).split(";"))
    background = report._heat_rgb(rate, audit_rules.COLOURED_MIN_DECIDED)
    if background is None:  # too few decided: hatched, the report's own body text on both its greys
        assert style["background"].startswith("repeating-linear-gradient") and "color" not in style
        body = re.search(r"body \{[^}]*color: #(\w{6})", report._CSS).group(1)
        for grey in (report.NO_HEAT, report.NO_HEAT_STRIPE):
            assert grey in style["background"] and report.contrast(_rgb(body), _rgb(grey.lstrip("#"))) >= 4.5
        return
    text = (0, 0, 0) if style["color"] == "#000" else (255, 255, 255)
    assert report.contrast(background, text) >= 4.5


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))


def _two_pages(tmp_path):
    """Acme's @Acme (two requests, one answered in 30 min) and @AcmeHelp (one, never answered),
    as of 100 h."""
    from care_fixtures import brand_msg, load_rows, msg
    return load_rows(tmp_path, [msg("a1", "u1", 0, page="@Acme"), msg("a2", "u2", 5, page="@Acme"),
                                brand_msg("b1", 30, parent="a1", page="@Acme"),
                                msg("h1", "u3", 10, page="@AcmeHelp"), msg("later", "u4", 100 * 60, page="@Acme")])


def test_an_audit_of_all_pages_gives_each_pages_figures_as_metrics_by_page_does(tmp_path):
    # a consultant could not tell the brand's pages apart (Twitter 7.9% against Facebook 8.1%)
    from etl import metrics
    db = _two_pages(tmp_path)
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme")
        one_page = audit.build_audit(con, "Acme", "@Acme")
        by_page = metrics.ghost_town(con, ["page"], result.as_of, brand="Acme")
    columns = ["page", "requests", "answered", "ignored", "pending", "ghost_town_rate", "sla_rate"]
    assert result.by_page[columns].to_dict("records") == by_page[columns].to_dict("records")
    assert result.by_page.set_index("page")["km_median"].to_dict() == {"@Acme": "30 min", "@AcmeHelp": "not reached"}
    document = report.build_html(result)
    section = document[document.index("<h2>By page</h2>"):document.index("<h2>Recommendations</h2>")]
    assert "@AcmeHelp" in section and "100.0%" in section  # its one request ignored
    assert one_page.by_page.empty and "<h2>By page</h2>" not in report.build_html(one_page)


def test_evidence_csv_neutralises_formulas(quill):
    data = audit.evidence_csv(quill)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == len(quill.evidence) + 1
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert any(c.startswith("'=HYPERLINK(") for c in cells)


@needs_browser
def test_pdf_is_printed(quill):
    pdf = report.build_pdf(quill)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000


def test_missing_chromium_is_a_clear_error(monkeypatch, quill):
    monkeypatch.setattr(export, "SYSTEM_CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(report.ReportError, match="Chromium"):
        report.html_to_pdf("<p>x</p>")


def test_the_pdf_prints_with_the_browser_path_browser_as_the_weekly_export(monkeypatch, tmp_path):
    """BROWSER_PATH names the browser for both PDFs: with no system Chromium, the audit report
    printed with it too (it used to look only at /usr/bin/chromium and `chromium`)."""
    browser = tmp_path / "my-chrome"
    browser.write_text("#!/bin/sh\nfor a in \"$@\"; do case $a in --print-to-pdf=*) "
                       "printf '%%PDF-fake' > \"${a#--print-to-pdf=}\";; esac; done\n")
    browser.chmod(0o755)
    monkeypatch.setattr(export, "SYSTEM_CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("BROWSER_PATH", str(browser))
    assert export.browser_available() == (True, "")
    assert report.html_to_pdf("<p>x</p>") == b"%PDF-fake"


def test_the_report_names_a_facebook_page_as_the_dashboard_does_and_the_csv_keeps_its_id(quill):
    """The HTML report printed '104729384756006' where the dashboard says 'Facebook page
    104729384756006' (formatting.page_label); the evidence CSV keeps the raw id for scripts."""
    from dataclasses import replace
    page, other = "104729384756006", "104729384756007"
    assert len(quill.evidence) >= 2, "the fixture has evidence to print"
    pages = [page] + [other] * (len(quill.evidence) - 1)
    facebook = replace(quill, evidence=quill.evidence.assign(page=pages, platform="facebook"))
    cells = [t.strip() for t in parse(report.build_html(facebook)).text]
    assert formatting.page_label(page, "facebook") == f"Facebook page {page}"
    assert f"Facebook page {page}" in cells and page not in cells
    rows = list(csv.DictReader(io.StringIO(audit.evidence_csv(facebook).decode("utf-8"))))
    assert {row["page"] for row in rows} == {page, other}
    # on one page, the table leaves its page column out and says the page above it, named alike
    one = report.build_html(replace(quill, evidence=quill.evidence.assign(page=page, platform="facebook")))
    assert f"Page: Facebook page {page} for every complaint listed." in one


def test_a_column_of_ages_prints_one_decimal_down_the_column(quill):
    """The evidence's ages read '294.3', '309', '334.5': a whole hour lost its decimal
    beside the others. A column of whole numbers prints none."""
    from dataclasses import replace
    assert len(quill.evidence) >= 2, "the fixture has evidence to print"
    ages = [294.3, 309.0] + [334.5] * (len(quill.evidence) - 2)
    cells = [t.strip() for t in parse(report.build_html(replace(quill, evidence=quill.evidence.assign(
        age_hours=ages)))).text]
    assert "309.0" in cells and "294.3" in cells and "309" not in cells
    whole = [t.strip() for t in parse(report.build_html(replace(quill, evidence=quill.evidence.assign(
        age_hours=[float(1200 + i) for i in range(len(quill.evidence))])))).text]
    assert "1,200" in whole and "1,200.0" not in whole


def test_an_audit_of_a_brand_with_no_post_in_the_data_says_its_silence_is_the_datas(tmp_path):
    from care_fixtures import load_one_brand_silent
    db = load_one_brand_silent(tmp_path)
    with warehouse.connect_readonly(db) as con:
        silent, answering = audit.build_audit(con, "Quietco"), audit.build_audit(con, "Acme")
    assert silent.no_replies_note.startswith("No post by any account of Quietco is in the data")
    assert report._e(silent.no_replies_note) in report.build_html(silent)
    assert answering.no_replies_note == "" and "No post by any account" not in report.build_html(answering)
    # and what to do comes first: "Answer every request" alone read as a finding about the brand
    assert silent.recommendations["recommendation"].iloc[0] == audit.LOAD_THE_BRANDS_POSTS
    assert audit.LOAD_THE_BRANDS_POSTS not in set(answering.recommendations["recommendation"])
    # and no grade: an F for the data's silence is what an executive would quote (a user review)
    assert silent.grade == "n/a" and set(silent.scorecard["grade"]) == {"n/a"}
    assert audit_rules.grading_note(silent.summary).startswith("Not graded: no post by the brand's accounts")
    assert "Not graded: no post by the brand" in report.build_html(silent)
    assert audit_rules.grading_note(answering.summary) is None or "no post" not in audit_rules.grading_note(
        answering.summary)


@pytest.mark.parametrize("rate", [0.0, 0.05, 0.25, 0.5, 0.6, 0.73, 1.0])
def test_the_reports_heatmap_colours_are_the_dashboards(rate):
    # the report copied 5 of the scale's 11 stops by hand and drifted between them (a code
    # review); it loads no plotly, so its stops are held to plotly's here
    from plotly.colors import sample_colorscale, unlabel_rgb
    [colour] = sample_colorscale(audit_rules.SHARE_COLOURS, [rate])
    ours = report._heat_rgb(rate, audit_rules.COLOURED_MIN_DECIDED)
    assert all(abs(a - b) <= 1 for a, b in zip(ours, unlabel_rgb(colour)))  # to the rounding of a half


def test_an_audit_with_no_request_says_there_was_nothing_to_answer(tmp_path):
    # a page of thanks alone, and no brand post: it read 'no request could count as answered
    # and every grade would be an F of the data's making', of a page with no request at all
    from care_fixtures import THANKS, load_rows, msg
    db = load_rows(tmp_path, [msg("t1", "u1", 0, text=THANKS), msg("t2", "u2", 5, text=THANKS)])
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme")
    assert result.summary.get("requests", 0) == 0 and result.grade == "n/a"
    note = audit_rules.grading_note(result.summary)
    assert note.startswith("Not graded: no care request") and "F of the data" not in note
    assert report._e(note) in report.build_html(result)


def test_a_period_with_nothing_decided_says_why_the_rate_has_no_interval(tmp_path):
    # '95% interval: n/a – n/a' read as a fault of the report, of a week whose requests were all
    # younger than H at its end
    from care_fixtures import THANKS, at, load_rows, msg
    db = load_rows(tmp_path, [msg("c1", "u1", 0), msg("c2", "u2", 5), msg("t1", "u3", 0, text=THANKS)])
    with warehouse.connect_readonly(db) as con:
        pending = audit.build_audit(con, "Acme", as_of=at(60))
        nothing = audit.build_audit(con, "Acme", since=at(1), as_of=at(4))
    said = report.build_html(pending)
    assert "n/a – n/a" not in said
    assert ("Ghost-town rate 95% interval: none yet, as all 2 requests of this period are still pending "
            "(unanswered but younger than H = 72 h at the as-of time): none has been answered within H or "
            "ignored, so there is no rate to bound</span>") in said
    assert ("Ghost-town rate 95% interval: none, as no request in this period needed a reply</span>"
            in report.build_html(nothing))
    with warehouse.connect_readonly(db) as con:
        decided = report.build_html(audit.build_audit(con, "Acme", as_of=at(73 * 60)))
    assert "Ghost-town rate 95% interval: <b>34.2% – 100.0%</b>" in decided  # 2 of 2 ignored, Wilson's


def test_a_reports_counts_of_one_are_in_the_singular(tmp_path):
    # one ignored complaint and one deflection: the contents read 'Evidence (1 ignored
    # complaints)' and the heading 'Deflection examples (1 deflections; 1 newest shown)'
    from care_fixtures import load_ignored_and_deflected
    with warehouse.connect_readonly(load_ignored_and_deflected(tmp_path)) as con:
        result = audit.build_audit(con, "Acme")
    assert len(result.evidence) == 1 and result.deflection_count == 1
    document = report.build_html(result)
    assert '<a href="#evidence">Evidence</a> (1 ignored complaint)' in document
    assert '<h2 id="deflections">Deflection examples (1 deflection; 1 newest shown)</h2>' in document
    assert "1 ignored complaints" not in document and "1 deflections" not in document


def test_every_mention_link_says_what_it_opens_and_where(dashboard_db):
    # a screen reader's list of the report's links read 'open', 'open', ... (accessibility review);
    # the hostile corpus's brand: loaded from a file, its posts have links (a demo brand's have none)
    with warehouse.connect_readonly(dashboard_db) as con:
        result = audit.build_audit(con, hostile.BRAND)
    document = report.build_html(result)
    names = {}
    for section in ("evidence", "deflections"):
        part = document[document.index(f'<h2 id="{section}">'):]
        part = part[:part.index("</table>")]
        names[section] = set(re.findall(r'<a href="https://[^"]+"[^>]*>([^<]*)</a>', part))
    assert names["evidence"] and names["evidence"] <= {"complaint on Twitter", "complaint on Facebook"}
    assert {name.rsplit(" on ", 1)[0] for name in names["deflections"]} == {"customer&#x27;s message", "brand response"}
    assert ">open</a>" not in document


@pytest.mark.parametrize("url", ["https://twitter.com.evil.example/i/web/status/1", "https://evil.example/",
                                 "javascript:alert(1)", "//www.facebook.com/1", None])
def test_a_link_column_links_only_to_a_platforms_own_mention(url):
    assert report._link(url, "complaint") == ""


def test_a_platforms_mention_link_is_a_link_named_by_its_site():
    link = report._link(safe.mention_link("twitter:1600000000000000000"), "complaint")
    assert link.startswith('<a href="https://twitter.com/i/web/status/1600000000000000000"')
    assert link.endswith(">complaint on Twitter</a>")


def test_minutes_print_whole_as_the_page_shows_them(quill):
    """A coverage gap's median response read '3,789.5' in the report beside '3,790' in the page's
    gaps table, a deflection's wait '828.7' beside '829' (Ghost Town's, the Page Audit's): the
    same minutes, whole on every page and card. Half a minute rounds up, as the grid's '%.0f'."""
    from dataclasses import replace
    moment = pd.Timestamp("2026-10-21 20:58", tz="UTC")
    deflections = pd.DataFrame({"requested_at": [moment], "answered_text": ["Where is my parcel?"],
                                "answered_link": [None], "responded_at": [moment], "response_minutes": [828.6667],
                                "response_text": ["Please DM us."], "response_link": [None]})
    gaps = pd.DataFrame({"day": ["Mon"], "hour": [20], "response_rate": [0.04], "response_rate_ci_low": [0.01],
                         "response_rate_ci_high": [0.19], "median_response_minutes": [3789.5], "decided": [26],
                         "answered": [1], "ignored": [25]})
    cells = [t.strip() for t in parse(report.build_html(replace(quill, deflections=deflections, gaps=gaps,
                                                                deflection_count=1))).text]
    assert "829" in cells and "3,790" in cells
    assert "828.7" not in cells and "3,789.5" not in cells


def test_a_page_on_two_platforms_is_named_with_both(tmp_path):
    # 'Shared' on Twitter and on Facebook: the audit counts both, yet its title read 'Facebook page
    # Shared' and its by-page table 'Twitter page Shared' (a review of a page name on two platforms)
    from care_fixtures import load_rows, msg
    rows = [msg("t1", "u1", 0, page="Shared"), {**msg("f1", "u2", 5, page="Shared"), "platform": "facebook"},
            msg("h1", "u3", 10, page="@AcmeHelp")]
    db = load_rows(tmp_path, rows)
    with warehouse.connect_readonly(db) as con:
        one, every = audit.build_audit(con, "Acme", "Shared"), audit.build_audit(con, "Acme")
    assert one.summary["requests"] == 2 and one.scope == "Acme — Facebook and Twitter page Shared"
    assert "<title>Page audit: Acme — Facebook and Twitter page Shared</title>" in report.build_html(one)
    document = report.build_html(every)
    section = document[document.index("<h2>By page</h2>"):document.index("<h2>Recommendations</h2>")]
    assert '<td data-label="page">Facebook and Twitter page Shared</td>' in section


def test_a_report_lists_the_files_its_mentions_came_from(tmp_path):
    # '2 loads, ids 1 to 2; python -m etl loads lists them' was all a client without the database
    # had of where the numbers came from and when they were loaded (a consultant's review)
    from care_fixtures import at, brand_msg, load_rows, msg
    db = load_rows(tmp_path, [msg("a1", "u1", 0), msg("o1", "u9", 1, brand="Other")], name="march.csv")
    load_rows(tmp_path, [msg("a1", "u1", 0), brand_msg("b1", 30, parent="a1"), msg("a2", "u2", 60)],
              name="april<&>.csv", db=db)
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme")
        loaded = con.execute("SELECT load_id, file, finished_at FROM loads ORDER BY load_id").fetchall()
    section = (document := report.build_html(result))[document.index('<h2 id="sources">'):]
    rows = _source_rows(section)
    # a1 stays the first file's, held again by the second; Other's o1 is no mention of this audit
    spans = ((1, 0, 0, 0), (2, 30, 60, 1))
    assert rows == [[str(load_id), "csv", html.escape(file), formatting.utc_minute(finished), str(count),
                     formatting.utc_minute(at(first)), formatting.utc_minute(at(last)), str(again)]
                    for (load_id, file, finished), (count, first, last, again) in zip(loaded, spans)]
    assert '<a href="#sources">Data sources</a>' in document


def _source_rows(section: str) -> list[list[str]]:
    """The data sources table's cells as written, without the break points a long path gets
    every report.UNBROKEN_MOST characters: where one fell depended on the length of pytest's
    temporary folder, so a test reading the file's name passed or failed by the run's number
    (nor the spans a time wraps between, report._on_two_lines)."""
    return [[re.sub(r"<wbr>|</?span>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr><td.*?</tr>", section)]


def test_a_report_lists_a_re_export_that_stored_nothing_new(tmp_path):
    # the second night's export held the brand's reply again, now linked to the complaint it answers:
    # it stored no mention, yet the audit counts the complaint answered by its word, and the
    # appendix listed the first file alone
    from care_fixtures import brand_msg, load_rows, msg
    db = load_rows(tmp_path, [msg("a1", "u1", 0), brand_msg("b1", 30)], name="night1.csv")
    load_rows(tmp_path, [brand_msg("b1", 30, parent="a1")], name="night2.csv", db=db)
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme")
    assert result.summary["answered"] == 1
    section = (document := report.build_html(result))[document.index('<h2 id="sources">'):]
    rows = _source_rows(section)
    assert [(row[0], Path(row[2]).name, row[4], row[7]) for row in rows] == [("1", "night1.csv", "2", "0"),
                                                                             ("2", "night2.csv", "0", "1")]


# A client reads the report on a phone and printed, without the app (a consultant's review).
LONG_HANDLE = "omar_" + "x" * 90  # an author handle of 95 letters without a space


def _with_long_handle(result):
    """The result with its newest evidence row's author given LONG_HANDLE."""
    evidence = result.evidence.copy()
    evidence.loc[evidence.index[0], "author_handle"] = LONG_HANDLE
    return dataclasses.replace(result, evidence=evidence)


def _rendered(document: str, width: int, script: str, media: str = "screen"):
    """`script` evaluated on the document as Chromium lays it out `width` px wide, in a thread of
    its own (the browser tests' Playwright runs an event loop in this one: test_export._drawn_texts)."""
    def render():
        from playwright.sync_api import sync_playwright
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=export.browser_path(), args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": width, "height": 800}, is_mobile=width < 600)
                page.emulate_media(media=media)
                page.set_content(document)
                return page.evaluate(script)
            finally:
                browser.close()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(render).result()


@needs_browser
def test_a_printed_time_wraps_between_its_date_and_its_clock_time_never_inside_either(quill):
    # a printed evidence row read '2026-10-' over '22 14:13' over 'BST' (its date broken at a hyphen)
    lines = _rendered(report.build_html(_with_long_handle(quill)), 1030, """() => {
        const cell = document.querySelector('#evidence ~ table tbody td');
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = [...range.getClientRects()].map(rect => Math.round(rect.top));
        return [cell.textContent, [...new Set(tops)].length];
    }""", media="print")
    moment, count = lines
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", moment) and count <= 2, lines


@needs_browser
def test_a_phone_lays_the_report_out_at_its_own_width_with_nothing_to_scroll_sideways(quill):
    # no viewport: a 390 px phone laid the report out 980 px wide and shrank it, its 12 px text to 5 px
    document = report.build_html(_with_long_handle(quill))
    width, scrolled, font, label = _rendered(document, 390, """() => [
        document.documentElement.clientWidth, document.documentElement.scrollWidth,
        parseFloat(getComputedStyle(document.body).fontSize),
        getComputedStyle(document.querySelector('#evidence ~ table td'), '::before').content]""")
    assert width == 390 and scrolled <= 390 and font >= 12
    assert label == '"requested: "'  # a stacked row's cells say which column they are


@needs_browser
def test_a_long_unbroken_handle_leaves_the_printed_complaint_its_room(quill):
    # a 95-letter handle made its column as wide and squeezed the complaint's text to two
    # letters a line (22 printed pages for 14 complaints)
    widths = """() => {
        const head = [...document.querySelectorAll('#evidence ~ table')][0].querySelectorAll('th');
        const width = name => [...head].find(th => th.textContent === name).getBoundingClientRect().width;
        return [width('author'), width('text')]; }"""
    author, text = _rendered(report.build_html(quill), 1030, widths, media="print")
    document = report.build_html(_with_long_handle(quill))
    long_author, long_text = _rendered(document, 1030, widths, media="print")
    assert long_author < author + 60 and long_text > 0.8 * text, (author, text, long_author, long_text)
    assert LONG_HANDLE not in document and "<wbr>" in document  # breakable, still all of it:
    assert LONG_HANDLE in "".join(parse(document).text)


@pytest.mark.parametrize("cluster", ["e\u0301", "\U0001F44D\U0001F3FD", "\u2764\ufe0f", "1\ufe0f\u20e3"])
def test_a_long_run_breaks_between_characters_never_inside_one(cluster):
    # a run past report.UNBROKEN_MOST gets break points; one falling before an accent, a skin tone,
    # a variation selector or a keycap's mark would show the mark alone on the next line
    run = "a" * (report.UNBROKEN_MOST - 1) + cluster + "b" * report.UNBROKEN_MOST
    written = report._breakable(run)
    assert written.replace("<wbr>", "") == run and written.count("<wbr>") == 2
    assert cluster in written.split("<wbr>")[0] or cluster in written.split("<wbr>")[1], written


def _css_text(css_string: str) -> str:
    """A CSS string's text as CSS reads it: a hex escape ends at six digits or at one whitespace,
    which it takes."""
    return re.sub(r"\\([0-9a-fA-F]{1,6})[ \t\n]?", lambda m: chr(int(m.group(1), 16)), css_string.strip('"'))


def test_every_printed_page_names_the_audit_its_period_and_its_number(quill):
    # a 37-page PDF said its brand and dates on page 1 only, and numbered no page
    hostile = dataclasses.replace(quill, brand='</style><script>x()</script>"Acme', since=quill.as_of)
    document = report.build_html(hostile)
    style = document[document.index("<style>"):document.index("</style>") + len("</style>")]
    assert style.count("</style") == 1 and "<script" not in style
    boxes = dict(re.findall(r"@([a-z-]+) \{ content: ((?:\"[^\"]*\"|[^;])*);", style))
    assert _css_text(boxes["top-left"]) == f"Page audit: {safe.visible(hostile.scope)}"
    period = report._period(hostile)
    assert _css_text(boxes["top-right"]) == period and period.startswith("requests from")
    assert boxes["bottom-right"] == '"Page " counter(page) " of " counter(pages)'
    assert "h1, h2 { break-after: avoid" in style  # a heading never ends a printed page


def test_the_report_defines_every_term_its_scorecard_uses_for_a_client_without_the_app(quill):
    # 'decided' and 'SLA' were used and never defined, the definitions named 'km_median_minutes'
    # where the scorecard said 'KM median response', the by-page note pointed to the app's
    # 'Ghost Town' page, and the grade bounds read as an industry standard
    document = report.build_html(quill)
    start = document.index('<h2 id="definitions">')
    defined = "".join(parse(document[start:document.index("<h2", start + 4)]).text)
    assert "Decided: answered or ignored" in defined and "SLA, the service-level target" in defined
    for threshold in audit_rules.THRESHOLDS:
        assert f"{threshold.label} ({threshold.metric})" in defined
    assert "Ghost Town" not in audit_rules.PAGES_NOTE
    assert report._e(audit_rules.THRESHOLDS_NOTE) in document and "assumption" in audit_rules.THRESHOLDS_NOTE


def test_a_single_coverage_gap_is_one_hour():
    findings = {"coverage_gaps": 1, "coverage_gaps_counted": formatting.counted(1, "hour"), "surest_gap": "Mon 10:00",
                "office_gaps": 1, "after_hours_gaps": 0}
    [advice] = audit_rules.recommend(findings)["recommendation"]
    assert advice.startswith("Cover the 1 hour of the week")


def _evidence_section(document: str) -> str:
    return document[document.index('<h2 id="evidence">'):document.index('<h2 id="coverage">')]


def test_the_evidence_leaves_out_a_column_empty_in_every_row_and_the_one_page_saying_so(quill):
    # an empty link column and the same page in every row took the complaint's width (a user review)
    assert len(quill.evidence) >= 2, "the fixture has evidence to print"
    bare = dataclasses.replace(quill, evidence=quill.evidence.assign(link=None, late_response_hours=None,
                                                                     page="@Acme", platform="twitter"))
    section = _evidence_section(report.build_html(bare))
    heads = re.findall(r"<th>(.*?)</th>", section)
    assert "link" not in heads and "late response (h)" not in heads and "page" not in heads
    assert heads[0] == "requested" and "mention id" in heads and ">text</th>" in section
    assert "Page: @Acme for every complaint listed." in section
    assert "Left out, empty for every complaint listed: late response (h), link." in section
    linked = quill.evidence.assign(late_response_hours=None, page=["@Acme"] + ["@AcmeHelp"] * (len(quill.evidence) - 1))
    section = _evidence_section(report.build_html(dataclasses.replace(quill, evidence=linked)))
    heads = re.findall(r"<th>(.*?)</th>", section)
    assert "page" in heads and "Page:" not in section and heads.index("page") == 2
    assert section.count("<col") == len(heads) + 1  # a <colgroup> of a <col> a column (and the group)


def test_the_requests_first_message_prints_under_the_complaint_not_in_a_column_of_its_own(quill):
    # an empty-in-most-rows column took as much width as the complaint's text (a user review)
    evidence = quill.evidence.assign(request_text=["<b>where is my bag?</b>"] + [None] * (len(quill.evidence) - 1))
    section = _evidence_section(report.build_html(dataclasses.replace(quill, evidence=evidence)))
    assert "request's first message</th>" not in section
    first = re.search(r'<td [^>]*data-label="text" class="text">(.*?)</td>', section).group(1)
    assert first.endswith("<span class=\"first\">request's first message: "
                          "&lt;b&gt;where is my bag?&lt;/b&gt;</span>"), first  # as text, escaped
    assert section.count('class="first"') == 1


@needs_browser
@pytest.mark.parametrize("width, media", [(900, "screen"), (1030, "print"), (1400, "screen")])
def test_the_complaint_text_takes_the_evidence_tables_width_and_numbers_stay_on_one_line(quill, width, media):
    # a column beside a dozen others, the text got about 100 px of a printed A4 page and 37 px at
    # 900 px (four letters a line; 92 pages for 441 complaints, a user review)
    document = report.build_html(_with_long_handle(quill))
    assert "<th>link</th>" in _evidence_section(document)  # every column there: the fixture's posts have links
    text, table, lines = _rendered(document, width, """() => {
        const table = [...document.querySelectorAll('#evidence ~ table')][0];
        const lines = cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; };
        const cells = [...table.querySelector('tbody tr').querySelectorAll('td')];
        return [table.querySelector('tbody td.text').getBoundingClientRect().width,
                table.getBoundingClientRect().width, cells.filter(td => td.matches('.num, .when')).map(lines)];
    }""", media=media)
    assert text >= 0.95 * table and lines and max(lines[1:]) == 1 and lines[0] <= 2, (text, table, lines)
