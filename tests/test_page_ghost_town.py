"""Ghost Town page: renders; its numbers equal etl.metrics for the same selection (the
audit trail); hostile text only as text; empty selections say so."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from app_support import (assert_reads_text_first, download_buttons, downloaded, expected_links, page_test,
                         plotly_spec)
from care_fixtures import THANKS, at, brand_msg, load_rows, msg

import hostile
from app import care, widgets
from app.filters import Filters
from etl import metrics, warehouse

NUMBERS = ["requests", "answered", "ignored", "pending", "ghost_town_rate", "ghost_town_ci_low",
           "ghost_town_ci_high", "sla_rate", "median_response_minutes", "km_median_minutes",
           "p_answered_1h", "deflection_rate", *metrics.VENDOR_COLUMNS]


def _span(db):
    with warehouse.connect_readonly(db) as con:
        first, last = con.execute("SELECT min(created_at)::DATE, max(created_at)::DATE FROM mentions").fetchall()[0]
        brands = [b for (b,) in con.execute("SELECT DISTINCT brand FROM care_requests WHERE brand IS NOT NULL "
                                            "ORDER BY brand").fetchall()]
    return first, last, brands


def _range_as_of(con, end: date) -> datetime:
    """The moment a date range ending on `end` (UTC) is evaluated at: its last microsecond,
    or the newest mention if that is earlier (as the Weekly Snapshot and Page Audit do)."""
    last_instant = datetime.combine(end + timedelta(days=1), time(), timezone.utc) - timedelta(microseconds=1)
    newest = con.execute("SELECT max(created_at) FROM mentions").fetchall()[0][0]
    return min(newest, last_instant)


def _charts(at) -> list[str]:
    """Specs of the drawn charts: Vega-Lite (rates) and plotly (the other sections)."""
    return [c.proto.spec for kind in ("vega_lite_chart", "plotly_chart") for c in at.get(kind)]


def _section(at, name: str):
    at.radio(key="ghost_section").set_value(name).run()
    assert not at.exception
    return at


SECTIONS = ["Rates", "Over time", "Response times", "Coverage", "Deflection & deleted", "Vendor definitions",
            "Ignored complaints"]


@pytest.fixture
def app_db(dashboard_db, monkeypatch):
    monkeypatch.setenv("REPUTATION_DB", str(dashboard_db))
    return dashboard_db


def test_ghost_town_renders(dashboard_db, monkeypatch):
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Ghost Town"]
    assert at.radio(key="ghost_section").options == SECTIONS
    charts = {}
    for name in SECTIONS:
        charts[name] = len(_charts(_section(at, name)))
        assert [t.value for t in at.title] == ["Ghost Town"]
        assert at.get("popover"), name  # the definitions stay one click away in every section
    assert sum(charts.values()) >= 6
    assert charts["Rates"] == charts["Over time"] == charts["Response times"] == charts["Coverage"] == 1
    assert charts["Deflection & deleted"] == 2


def test_only_the_chosen_section_is_drawn(dashboard_db, monkeypatch):
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    assert at.radio(key="ghost_section").value == "Rates"  # the default
    captions = " ".join(c.value for c in at.caption)
    assert "Wilson intervals" in captions
    for other in ("Kaplan–Meier", "hour of week", "first response only redirects", "complaint requests with no"):
        assert other not in captions
    assert not any("late_response_at" in d.value for d in at.dataframe)
    assert "ghost_coverage_brand" not in [s.key for s in at.selectbox]  # belongs to Coverage
    _section(at, "Response times")
    captions = " ".join(c.value for c in at.caption)
    assert "Kaplan–Meier" in captions and "Wilson intervals" not in captions
    assert not any("ghost_town_rank" in d.value for d in at.dataframe)


def test_the_section_survives_a_filter_change(dashboard_db, monkeypatch):
    _, _, brands = _span(dashboard_db)
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Vendor definitions")
    at.multiselect(key="filter_brands").select(brands[0]).run()
    assert not at.exception
    assert at.radio(key="ghost_section").value == "Vendor definitions"
    vendor = next(d.value for d in at.dataframe if metrics.VENDOR_COLUMNS[0] in d.value)
    assert vendor["brand"].tolist() == [brands[0]]
    # an empty window draws no selector; the choice is still there when data comes back
    at.date_input(key="filter_dates").set_value((date(2025, 4, 1), date(2025, 4, 7))).run()
    assert at.info and not at.radio
    first, last, _ = _span(dashboard_db)
    at.date_input(key="filter_dates").set_value((first, last)).run()
    assert not at.exception
    assert at.radio(key="ghost_section").value == "Vendor definitions"


def test_numbers_equal_etl_metrics_for_each_brand(app_db):
    first, last, brands = _span(app_db)
    start = date(first.year, first.month, 1)
    with warehouse.connect_readonly(app_db) as con:
        for brand in brands:
            chosen = Filters(brands=(brand,), start=start, end=last)
            ours = care.vendor_ghost_town(chosen, ("brand",), 48.0, 30.0)
            theirs = metrics.ghost_town(con, ["brand"], horizon_hours=48, sla_minutes=30, brand=brand,
                                        since=pd.Timestamp(start, tz="UTC"))
            pd.testing.assert_frame_equal(ours[["brand", *NUMBERS]], theirs[["brand", *NUMBERS]],
                                          check_dtype=False)


def test_a_window_equals_etl_metrics_since_and_as_of(app_db):
    first, last, brands = _span(app_db)
    brand = brands[0]
    start, end = date.fromordinal(last.toordinal() - 40), date.fromordinal(last.toordinal() - 10)
    chosen = Filters(brands=(brand,), start=start, end=end)
    ours = care.ghost_town(chosen, ("week",))
    with warehouse.connect_readonly(app_db) as con:
        as_of = _range_as_of(con, end)
        theirs = metrics.ghost_town(con, ["week"], as_of=as_of, brand=brand,
                                    since=pd.Timestamp(start, tz="UTC"))
        hours = metrics.coverage(con, brand, as_of=as_of)
    cols = ["week", "requests", "answered", "ignored", "pending", "ghost_town_rate", "sla_rate",
            "km_median_minutes"]
    pd.testing.assert_frame_equal(ours[cols], theirs[cols], check_dtype=False)
    # coverage over everything up to as_of equals etl.metrics.coverage
    everything = care.coverage(Filters(brands=(brand,), end=end), brand)
    shared = ["hour_of_week", "requests", "answered", "ignored", "response_rate", "p_answered_1h"]
    pd.testing.assert_frame_equal(everything[shared], hours[shared], check_dtype=False)


def test_km_curve_reproduces_p_answered_within_an_hour(app_db):
    chosen = Filters()
    curves = care.km_curves(chosen, "brand")
    frame = care.ghost_town(chosen, ("brand",))
    for row in frame.itertuples():
        curve = curves[curves["brand"] == row.brand]
        at_hour = curve.loc[curve["minutes"] <= 60, "p_answered"].iloc[-1]
        assert at_hour == pytest.approx(row.p_answered_1h, abs=1e-3)  # curve thinned to 0.001 steps
        exact = care.kaplan_meier_curve(care.request_rows(chosen, 72.0), "brand", horizon_minutes=72 * 60.0)
        exact = exact[exact["brand"] == row.brand]
        assert exact.loc[exact["minutes"] <= 60, "p_answered"].iloc[-1] == pytest.approx(row.p_answered_1h)
        km_median = curve.loc[curve["p_answered"] >= 0.5 - 1e-12, "minutes"]
        assert (km_median.iloc[0] if len(km_median) else np.nan) == pytest.approx(row.km_median_minutes,
                                                                                  nan_ok=True)


def test_ignored_list_matches_the_ignored_count(app_db):
    chosen = Filters()
    ignored = care.ignored_complaints(chosen, 72.0, limit=None)
    assert len(ignored) == care.ignored_complaint_count(chosen, 72.0) > 0
    assert ignored["request_id"].is_unique


def test_the_ignored_list_quotes_each_requests_first_complaint_and_links_it(app_db):
    ignored = care.ignored_complaints(Filters(), 72.0, limit=None).set_index("request_id")
    with warehouse.connect_readonly(app_db) as con:
        first_complaints = con.execute("""
            SELECT c.request_id, m.mention_id, m.text FROM care_messages c
            JOIN mention_scores s ON s.mention_id = c.mention_id AND s.is_complaint
            JOIN mentions m ON m.mention_id = c.mention_id
            QUALIFY row_number() OVER (PARTITION BY c.request_id ORDER BY c.position) = 1""").df()
    first_complaints = first_complaints.set_index("request_id").loc[ignored.index]
    assert (ignored["complaint_id"] != ignored.index).any()  # some requests start with a question
    assert ignored["complaint_id"].tolist() == first_complaints["mention_id"].tolist()
    assert ignored["text"].tolist() == first_complaints["text"].tolist()
    links = [link if isinstance(link, str) else None for link in ignored["link"]]
    assert links == expected_links(ignored["complaint_id"], app_db)  # the demo's: none
    # and, where the complaint came later, what the request first asked
    with warehouse.connect_readonly(app_db) as con:
        asked = con.execute("SELECT mention_id, text FROM mentions").df().set_index("mention_id")["text"]
    later = ignored["complaint_id"] != ignored.index
    assert ignored.loc[later, "request_text"].tolist() == asked[ignored.index[later]].tolist()
    assert ignored.loc[~later, "request_text"].isna().all()


def test_each_ignored_complaint_says_how_long_it_has_waited_by_the_as_of_moment(app_db):
    """The list gave when a complaint was made, not how long it had gone unanswered by the
    moment the page states (the audit's evidence gives its age): an agent worked it out by hand."""
    chosen = Filters()
    ignored = care.ignored_complaints(chosen, 72.0, limit=None)
    as_of = care.scope(chosen).as_of
    waited = (pd.Timestamp(as_of) - pd.to_datetime(ignored["requested_at"], utc=True)).dt.total_seconds() / 3600
    assert ignored["age_hours"].to_numpy() == pytest.approx(waited.to_numpy(), abs=0.0501)  # to 0.1 h
    assert (ignored["age_hours"] >= 72).all()  # ignored: older than H


@pytest.mark.parametrize("section, column", [("Ignored complaints", "late_response_at"),
                                             ("Deflection & deleted", "response_text")])
def test_lists_name_a_facebook_page_as_the_filters_do(dashboard_db, monkeypatch, section, column):
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), section)
    [listed] = [d.value for d in at.dataframe if column in d.value and "page" in d.value]
    facebook = listed[listed["platform"] == "facebook"]
    assert len(facebook) and facebook["page"].str.startswith("Facebook page ").all()
    assert listed.loc[listed["platform"] == "twitter", "page"].str.startswith("@").all()


@pytest.mark.parametrize("section, column, time", [("Ignored complaints", "late_response_at", "requested_at"),
                                                   ("Deflection & deleted", "response_text", "responded_at")])
def test_the_lists_give_their_times_on_the_chosen_zones_clock(dashboard_db, monkeypatch, section, column, time):
    # a London team read its ignored complaints' and deflections' times in UTC, beside the
    # sidebar's London dates and the heatmap's London hours (a head of customer service's review)
    utc = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), section)
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.selectbox(key="filter_tz").set_value("Europe/London").run()
    at = _section(at, section)
    assert not at.exception
    [before] = [d.value for d in utc.dataframe if column in d.value]
    [grid] = [d for d in at.dataframe if column in d.value]
    assert str(grid.value[time].dt.tz) == "Europe/London"
    assert json.loads(grid.proto.columns)[time]["label"].endswith("(Europe/London)")
    # the same instants, on another clock (the dates cut in London hold the newest ones)
    shared = set(before[time]) & set(grid.value[time])
    assert len(shared) >= min(len(before), len(grid.value)) // 2


def test_brand_filter_changes_the_table_to_that_brand(dashboard_db, monkeypatch):
    _, _, brands = _span(dashboard_db)
    brand = brands[-1]
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").select(brand).run()
    assert not at.exception
    grid = next(d for d in at.dataframe if "ghost_town_rank" in d.value)
    table = grid.value
    with warehouse.connect_readonly(dashboard_db) as con:
        theirs = metrics.ghost_town(con, ["brand"], brand=brand)
    assert table["brand"].tolist() == [brand]
    assert table["ignored"].tolist() == theirs["ignored"].tolist()
    # in percent, to one decimal: the grid's own 'percent' put '87.21%' above '60%' (user review)
    assert table["ghost_town_rate"].tolist() == pytest.approx([100 * r for r in theirs["ghost_town_rate"]])
    assert json.loads(grid.proto.columns)["ghost_town_rate"]["type_config"]["format"] == "%.1f%%"
    # counts with thousands separators, as on the cards: the grid wrote 2419 (Chromium check)
    assert json.loads(grid.proto.columns)["requests"]["type_config"]["format"] == "localized"


def test_the_rates_table_shows_the_number_its_rank_sorts_on(dashboard_db, monkeypatch):
    """The rank sorts on the shrunk rate's lower bound; shown only the shrunk rate, a higher rate
    ranked below a lower one with nothing on screen to say why."""
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    grid = next(d for d in at.dataframe if "ghost_town_rank" in d.value)
    ranked = grid.value.sort_values("ghost_town_rank")
    assert ranked["ghost_town_shrunk_low"].is_monotonic_decreasing
    # a short header, its wording on hover: 'ranked on: shrunk rate's lower bound' was cut at 1400 px (a review)
    ranked_on = json.loads(grid.proto.columns)["ghost_town_shrunk_low"]
    assert ranked_on["label"] == "ranked on" and "shrunk rate's lower bound" in ranked_on["help"]
    # the rank and the rate first: at 1280 px the columns past the counts were off screen
    assert list(grid.value.columns[:3]) == ["brand", "ghost_town_rank", "ghost_town_rate"]
    # and the counts it is of right after it: at 1024 px they were off the grid's edge (a review)
    assert list(grid.value.columns[3:6]) == ["ignored", "answered", "pending"]
    assert any("ranked worst first on the shrunk rate's conservative lower bound" in c.value for c in at.caption)


def _one_decided_one_pending(tmp_path):
    """Acme's request answered in 5 minutes; Bolt's, the newest mention, still pending."""
    return load_rows(tmp_path, [msg("a1", "u1", 0), brand_msg("a1r", 5, parent="a1"),
                                msg("b1", "u2", 100, brand="Bolt")])


def test_a_brand_with_no_decided_request_has_no_rank(tmp_path, monkeypatch):
    """Ranked last, a brand whose requests were all still pending read as the best, and the one
    brand with a rate (0% ghost town) as the worst: rank 1 of 2."""
    at = page_test("ghost_town", _one_decided_one_pending(tmp_path), monkeypatch).run()
    table = next(d.value for d in at.dataframe if "ghost_town_rank" in d.value).set_index("brand")
    assert table.loc["Bolt", "pending"] == 1 and pd.isna(table.loc["Bolt", "ghost_town_rate"])
    assert pd.isna(table.loc["Bolt", "ghost_town_rank"]) and table.loc["Acme", "ghost_town_rank"] == 1


@pytest.mark.parametrize("group, named", [("brand", "Bolt (1 request)"), ("platform", None)])
def test_a_brand_with_no_decided_request_is_said_to_have_no_point_on_the_rates_chart(tmp_path, monkeypatch,
                                                                                      group, named):
    """Its row dropped from the chart unsaid: the chart held Acme alone, as if Bolt had no requests."""
    at = page_test("ghost_town", _one_decided_one_pending(tmp_path), monkeypatch).run()
    at.button_group(key="ghost_group").set_value(group).run()
    notes = [c.value for c in at.caption if c.value.startswith("No point yet")]
    assert notes == ([f"No point yet, every request still pending: {named}. A rate counts decided requests "
                      "only (answered within H, or ignored)."] if named else [])


def test_a_median_under_half_a_minute_reads_under_1_min_not_0_min(tmp_path, monkeypatch):
    """An hour of the week answered in 25 seconds showed a median of '0 min': no wait at all."""
    db = load_rows(tmp_path, [msg("a1", "u1", 0), brand_msg("a1r", 25 / 60, parent="a1")])
    at = page_test("ghost_town", db, monkeypatch).run()
    table = next(d.value for d in at.dataframe if "ghost_town_rank" in d.value)
    assert table["km_median_minutes"].tolist() == ["under 1 min"]


def _subtitles(at) -> list[str]:
    """The subtitle of each chart drawn with a title (an empty one has none): Vega-Lite's (its
    lines joined) and plotly's."""
    said = []
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec)["title"]
        subtitle = title.get("subtitle", "") if isinstance(title, dict) else ""
        said.append(" / ".join(subtitle) if isinstance(subtitle, list) else subtitle)
    layouts = [plotly_spec(chart)["layout"] for chart in at.get("plotly_chart")]
    return said + [layout["title"].get("subtitle", {}).get("text", "") for layout in layouts if "title" in layout]


def test_each_chart_says_its_dates_zone_and_platforms_under_its_title(tmp_path, monkeypatch):
    """A chart saved as a picture for a team review said the brand and, on the heatmap, the
    hours' zone, but not which dates, in which zone, nor which platforms it was of."""
    from care_fixtures import load_with_deletions
    db = _one_decided_one_pending(tmp_path)
    (tmp_path / "deleted").mkdir()
    for db, charts in ((db, {"Rates": 1, "Over time": 1, "Response times": 1, "Coverage": 1,
                             "Deflection & deleted": 1}),
                       (load_with_deletions(tmp_path / "deleted"), {"Deflection & deleted": 1})):
        page = page_test("ghost_town", db, monkeypatch).run()
        page.selectbox(key="filter_tz").set_value("Europe/London").run()
        page.multiselect(key="filter_platforms").set_value(["twitter"]).run()
        day = at(0).date()
        for section, count in charts.items():
            said = _subtitles(_section(page, section))
            assert len(said) == count, section
            assert all(s.startswith(f"{day.day} {day:%b %Y} to {day.day} {day:%b %Y} (Europe/London) · twitter")
                       for s in said), (section, said)


def test_group_by_platform(dashboard_db, monkeypatch):
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.segmented_control(key="ghost_group").set_value("platform").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "ghost_town_rank" in d.value)
    assert "platform" in table and set(table["platform"]) <= {"twitter", "facebook"}


def test_group_by_page_names_a_facebook_page_as_the_filters_do(dashboard_db, monkeypatch):
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.segmented_control(key="ghost_group").set_value("page").run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "ghost_town_rank" in d.value)["page"].tolist()
    with warehouse.connect_readonly(dashboard_db) as con:
        pages = con.execute("SELECT DISTINCT page, platform FROM care_requests "
                            "WHERE page IS NOT NULL").fetchall()
    facebook = [f"Facebook page {page}" for page, platform in pages if platform == "facebook"]
    handles = [page for page, platform in pages if platform == "twitter"]
    assert facebook and set(facebook) <= set(shown)
    assert set(handles) <= set(shown)
    assert not any(page.isdigit() for page in shown)


def test_the_rates_chart_names_a_page_with_its_brand(dashboard_db, monkeypatch):
    import pyarrow as pa
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.segmented_control(key="ghost_group").set_value("page").run()
    assert not at.exception
    [chart] = at.get("vega_lite_chart")  # the Rates section draws the one chart
    drawn = {name for data in chart.proto.datasets
             for name in pa.ipc.open_stream(data.data.data).read_all().to_pydict().get("name", [])}
    with warehouse.connect_readonly(dashboard_db) as con:
        pages = con.execute("SELECT DISTINCT brand, page FROM care_requests WHERE platform = 'facebook' "
                            "AND page IS NOT NULL").fetchall()
    assert pages and {f"{brand} · Facebook page {page}" for brand, page in pages} <= drawn
    table = next(d.value for d in at.dataframe if "ghost_town_rank" in d.value)
    assert list(table.columns[:2]) == ["brand", "page"]


def test_hostile_text_is_shown_as_text_only(dashboard_db, monkeypatch):
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").select(hostile.BRAND).run()
    assert not at.exception
    for name in SECTIONS:
        _section(at, name)
        for spec in _charts(at):
            assert "<script" not in spec.lower() and "\\u003cscript" not in spec.lower()
        for element in [*at.caption, *at.markdown, *at.info, *at.success]:
            assert "<script" not in element.value
    ignored = next(d.value for d in at.dataframe if "request_id" in d.value and "late_response_at" in d.value)
    assert hostile.TEXTS[1] in set(ignored["text"])  # the <img onerror> complaint, unanswered, raw


def test_a_date_range_without_data_says_so(dashboard_db, monkeypatch):
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2025, 4, 1), date(2025, 4, 7))).run()
    assert not at.exception
    assert at.info and "No care requests in the chosen dates. Widen the dates" in at.info[0].value


def test_the_vendor_table_shows_our_km_median_before_the_flattering_timings(dashboard_db, monkeypatch):
    # at 1024 px only the first two timings fit, the flattering ones, while the caption says
    # they flatter brands that ignore: ours comes first (a review at narrow widths)
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Vendor definitions")
    [grid] = [d for d in at.dataframe if metrics.VENDOR_COLUMNS[-1] in d.value]
    assert list(grid.value.columns[:2]) == ["brand", "km_median_minutes"]
    # short headers, the definitions on hover: the long ones put two timings off the grid's edge
    # even at 1440 px (a review at narrow widths)
    config = json.loads(grid.proto.columns)
    timings = [c for c in metrics.VENDOR_COLUMNS if c != "km_median_minutes"]
    assert all(len(config[c]["label"]) <= 27 and config[c]["help"] for c in timings)
    # numbers to sort by, each with its unit: a bare '2,347' beside our '39.1 h' read as no time (a review)
    assert all(config[c]["type_config"]["format"].endswith(" min") for c in timings)
    # the vendors' timings right after ours: at 1024 px the answered-only ones pushed them off
    assert [c.startswith("vendor_") for c in grid.value.columns[2:7]] == [True] * 3 + [False] * 2


def test_vendor_times_of_an_earlier_window_equal_etl_metrics(app_db):
    # per-comment reply times come from a mart of each message's earliest brand reply: a reply
    # made after the window's as-of moment must not count
    first, last, brands = _span(app_db)
    start, end = date.fromordinal(last.toordinal() - 60), date.fromordinal(last.toordinal() - 20)
    with warehouse.connect_readonly(app_db) as con:
        as_of = _range_as_of(con, end)
        for brand in brands[:3]:
            ours = care.vendor_ghost_town(Filters(brands=(brand,), start=start, end=end), ("brand",))
            theirs = metrics.ghost_town(con, ["brand"], as_of=as_of, brand=brand,
                                        since=pd.Timestamp(start, tz="UTC"))
            pd.testing.assert_frame_equal(ours[["brand", *NUMBERS]], theirs[["brand", *NUMBERS]],
                                          check_dtype=False)


def test_the_command_line_reproduces_a_windows_coverage_and_vendor_times(app_db, capsys):
    # coverage had no --since (nor --sla) and vendor no --brand or --since: a window's heatmap
    # and vendor table could not be reproduced from the command line (a user review)
    from etl import cli
    first, last, brands = _span(app_db)
    start, end = date.fromordinal(last.toordinal() - 40), date.fromordinal(last.toordinal() - 10)
    chosen = Filters(brands=(brands[0],), start=start, end=end)
    with warehouse.connect_readonly(app_db) as con:
        as_of = _range_as_of(con, end)
    window = ["--db", str(app_db), "--brand", brands[0], "--since", f"{start}T00:00:00Z", "--as-of", as_of.isoformat()]

    def printed(command: str, *more: str) -> pd.DataFrame:
        assert cli.main(["metrics", command, *window, *more]) == 0
        return pd.read_csv(io.StringIO(capsys.readouterr().out))

    shared = ["hour_of_week", "requests", "answered", "ignored", "response_rate", "sla_rate", "p_answered_1h"]
    ours = care.coverage(chosen, brands[0], sla_minutes=30.0)
    pd.testing.assert_frame_equal(ours[shared], printed("coverage", "--sla", "30")[shared], check_dtype=False)
    assert ours["requests"].sum() < care.coverage(Filters(brands=(brands[0],), end=end), brands[0])["requests"].sum()
    vendor = care.vendor_ghost_town(chosen, ("brand",))
    pd.testing.assert_frame_equal(vendor[["brand", *metrics.VENDOR_COLUMNS]],
                                  printed("vendor")[["brand", *metrics.VENDOR_COLUMNS]], check_dtype=False)


def test_ignored_caption_gives_the_total_and_the_list_the_newest(dashboard_db, monkeypatch):
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Ignored complaints")
    monkeypatch.setenv("REPUTATION_DB", str(dashboard_db))
    total = care.ignored_complaint_count(Filters(), 72.0)
    caption = next(c.value for c in at.caption if "complaint requests with no brand response" in c.value)
    assert caption.startswith(f"{total:,} complaint requests")
    element = next(d for d in at.dataframe if "late_response_at" in d.value)
    listed = element.value
    # the text first, the ids last
    assert assert_reads_text_first(element)[-2:] == ["request_id", "complaint_id"]
    assert len(listed) == min(total, care.IGNORED_SHOWN)
    assert listed["requested_at"].is_monotonic_decreasing


@pytest.mark.parametrize("count", [1, 3])
def test_no_ignored_complaint_yet_is_no_all_clear_while_complaints_are_pending(tmp_path, monkeypatch, count):
    """The last days chosen, every complaint still younger than H: the section's green 'No
    ignored complaints' read as a team that answered everyone, where none could yet be ignored."""
    from care_fixtures import load_all_pending
    at = _section(page_test("ghost_town", load_all_pending(tmp_path, count), monkeypatch).run(),
                  "Ignored complaints")
    assert not at.success
    [note] = [i.value for i in at.info if "pending" in i.value]
    said = "1 complaint request is" if count == 1 else f"{count} complaint requests are"
    assert note.startswith(f"No complaint ignored yet: {said} still pending") and "72 h" in note


def _under_half_answered(tmp_path):
    """Acme answers one of its three complaints, Bolt its one (after 20 min); a later
    mention makes every request decided. Returns the database."""
    from care_fixtures import THANKS, brand_msg, load_rows, msg, set_scores
    rows = [msg(f"r{i}", f"u{i}", 0) for i in range(3)] + [brand_msg("a0", 30, parent="r0")]
    rows += [msg("s0", "v0", 0, brand="Bolt"), brand_msg("c0", 20, parent="s0", brand="Bolt")]
    rows += [msg("later", "u9", 5 * 24 * 60, text=THANKS)]
    db = load_rows(tmp_path, rows)
    set_scores(db, {**{r: {"complaint": True, "needs_reply": True, "label": "negative"}
                       for r in ("r0", "r1", "r2", "s0")},
                    "a0": {}, "c0": {}, "later": {}})
    return db


def test_a_km_median_not_reached_reads_not_reached_in_every_table(tmp_path, monkeypatch):
    # as the Overview card says it; a table cell of a missing number read "None"
    db = _under_half_answered(tmp_path)
    at = page_test("ghost_town", db, monkeypatch).run()
    import json
    for name in ("Rates", "Response times", "Vendor definitions"):
        _section(at, name)
        [element] = [d for d in at.dataframe if "km_median_minutes" in d.value]
        shown = dict(zip(element.value["brand"], element.value["km_median_minutes"]))
        assert shown == {"Acme": "not reached", "Bolt": "20 min"}, name
        # the values carry their unit: a header '(min)' over '20 min' said it twice
        assert json.loads(element.proto.columns)["km_median_minutes"]["label"] == "KM median response"


@pytest.mark.parametrize("section,column", [("Rates", "ghost_town_rank"), ("Response times", "p_answered_1h"),
                                            ("Vendor definitions", "vendor_fastest90_mean_minutes")])
def test_the_care_tables_name_their_columns_in_words(dashboard_db, monkeypatch, section, column):
    import json
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    _section(at, section)
    [grid] = [d for d in at.dataframe if column in d.value]  # the section's table of groups
    config = json.loads(grid.proto.columns)
    headers = [config.get(c, {}).get("label", c) for c in grid.value.columns]
    assert headers and not [h for h in headers if "_" in h], headers


def test_answered_within_an_hour_and_the_sla_rate_say_how_they_differ(dashboard_db, monkeypatch):
    """29.44% answered within 1 h beside an SLA rate of 29.75% at SLA = 60 min reads as an
    error without the note: a Kaplan–Meier estimate over every request (pending censored)
    against a share of the decided ones. The note quotes the published definitions."""
    import json

    from etl.care_definitions import DEFINITIONS
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    _section(at, "Response times")
    [note] = [c.value for c in at.caption if "SLA rate" in c.value and "Answered within 1 h" in c.value]
    assert DEFINITIONS["p_answered_1h"] in note and DEFINITIONS["sla_rate"] in note
    assert "pending" in note.lower() and "censored" in note and "SLA = 60 min" in note
    [grid] = [d for d in at.dataframe if "p_answered_1h" in d.value]
    config = json.loads(grid.proto.columns)
    assert config["p_answered_1h"]["help"] == DEFINITIONS["p_answered_1h"]
    assert config["sla_rate"]["help"] == DEFINITIONS["sla_rate"]


def test_deleted_comments_show_when_a_load_noticed_them_to_the_minute_in_utc(tmp_path, monkeypatch):
    """'first noticed at' printed as 2026-12-03 09:08:00+00:00 and read as the deletion's
    time: it is the time of the load that found the comment missing, shown to the minute, in UTC."""
    import json

    from care_fixtures import load_with_deletions

    from app.formatting import GRID_TIME
    db = load_with_deletions(tmp_path)
    at = page_test("ghost_town", db, monkeypatch).run()
    _section(at, "Deflection & deleted")
    [grid] = [d for d in at.dataframe if "first_noticed_at" in d.value]
    config = json.loads(grid.proto.columns)
    for column, first_word in (("first_noticed_at", "first"), ("last_noticed_at", "last")):
        assert config[column]["label"] == f"{first_word} noticed missing (load time, UTC)"
        assert config[column]["type_config"]["format"] == GRID_TIME
        assert "load" in config[column]["help"] and "not at this time" in config[column]["help"]


@pytest.mark.parametrize("complete, said", [
    (False, "Not checked: a deleted comment is found when a complete export of a page"),
    # only the exports ending within the sidebar's dates count: 'up to the as-of time' alone
    # read as a contradiction of the exports before them (a user review)
    (True, "None found on 1 page with two or more complete exports ending within the dates (up to the as-of "
           "time) to compare"),
])
def test_no_deleted_comments_says_whether_any_could_be_found(tmp_path, monkeypatch, complete, said):
    # 'No deleted comments detected' read as 'none deleted' where nothing could check (the
    # audit's review); the page now says which, as the audit does
    from care_fixtures import load_rows, msg
    rows = [msg("c1", "u1", 0), msg("c2", "u2", 10)]
    db = load_rows(tmp_path, rows, name="export1.csv", complete_export=complete)
    load_rows(tmp_path, rows, name="export2.csv", db=db, complete_export=complete)
    at = _section(page_test("ghost_town", db, monkeypatch).run(), "Deflection & deleted")
    [note] = [i.value for i in at.info if "deleted comment" in i.value or "None found" in i.value]
    assert note.startswith(said)
    assert complete or "The selection's pages have 0 such exports ending within the dates" in note
    assert not any("deleted" in spec.lower() for spec in _charts(at)), "no empty chart beside it"


def test_brands_missing_from_the_deleted_chart_say_whether_they_were_checked(tmp_path, monkeypatch):
    """A brand absent from the deleted-comments chart read as one with none deleted, though its
    pages had no complete exports to compare (the demo: two Twitter-only brands beside Tessaro's
    213, unsaid); the chart's brands had a note only when none at all were found."""
    from care_fixtures import load_with_deletions
    db = load_with_deletions(tmp_path)  # Acme: two complete exports, two comments deleted
    compared = [msg("k1", "u7", 0, brand="Keptco"), msg("k2", "u8", 5, brand="Keptco")]
    load_rows(tmp_path, compared, name="keptco1.csv", db=db, complete_export=True)
    load_rows(tmp_path, compared, name="keptco2.csv", db=db, complete_export=True)
    load_rows(tmp_path, [msg("u1", "u9", 0, brand="Unseenco")], name="unseenco.csv", db=db)
    at = _section(page_test("ghost_town", db, monkeypatch).run(), "Deflection & deleted")
    [table] = [d.value for d in at.dataframe if "deleted_comments" in d.value]
    assert table["brand"].tolist() == ["Acme"]
    [note] = [c.value for c in at.caption if c.value.startswith("Not in the chart")]
    assert "none found for Keptco" in note and "Unseenco not checked" in note
    at.multiselect(key="filter_brands").set_value(["Acme", "Keptco"]).run()
    [note] = [c.value for c in at.caption if c.value.startswith("Not in the chart")]
    assert "Keptco" in note and "Unseenco" not in note, "only the chosen brands"
    at.multiselect(key="filter_brands").set_value(["Acme"]).run()
    assert not [c for c in at.caption if c.value.startswith("Not in the chart")]


def test_the_brands_missing_from_the_deleted_chart_are_checked_in_one_query(tmp_path, monkeypatch):
    """The note asked complete_exports once per brand it named (76 queries on the twcs export's
    brands); brands_compared asks once for them all, and says what the per-brand queries said."""
    from care_fixtures import load_with_deletions
    db = load_with_deletions(tmp_path)  # Acme: two complete exports, two comments deleted
    for brand in ("Keptco", "Keptmore"):
        compared = [msg(f"{brand}1", "u7", 0, brand=brand), msg(f"{brand}2", "u8", 5, brand=brand)]
        for n in (1, 2):
            load_rows(tmp_path, compared, name=f"{brand}{n}.csv", db=db, complete_export=True)
    load_rows(tmp_path, [msg("u1", "u9", 0, brand="Unseenco")], name="unseenco.csv", db=db)
    monkeypatch.setenv("REPUTATION_DB", str(db))
    asked, one_brand = [], care.complete_exports
    monkeypatch.setattr(care, "complete_exports", lambda filters: asked.append(filters) or one_brand(filters))
    note = care.unshown_deleted_note(Filters(), ["Acme"])
    assert note.startswith("Not in the chart: none found for Keptco and Keptmore (on their pages with two or "
                           "more complete exports to compare); Unseenco not checked"), note
    assert asked == []
    assert {brand: one_brand(Filters(brands=(brand,)))[1] > 0 for brand in ("Keptco", "Keptmore", "Unseenco")} == {
        "Keptco": True, "Keptmore": True, "Unseenco": False}


def test_deletions_a_later_export_found_are_counted_only_with_its_period(tmp_path, monkeypatch):
    # the second export, which lacks "gone", runs into the next day: the chosen day alone
    # cannot know of it, and says so; with the next day chosen too, it counts
    from datetime import timedelta

    from care_fixtures import at as minutes_after, load_rows, msg
    day = minutes_after(0).date()
    tomorrow = minutes_after(0).replace(hour=0) + timedelta(days=1, hours=1)
    first = [msg("kept", "u0", 0), msg("gone", "u1", 10), msg("last", "u2", 0, when=tomorrow)]
    db = load_rows(tmp_path, first, name="export1.csv", complete_export=True)
    load_rows(tmp_path, [first[0], first[2]], name="export2.csv", db=db, complete_export=True)
    page = _section(page_test("ghost_town", db, monkeypatch).run(), "Deflection & deleted")
    page.date_input(key="filter_dates").set_value((day, day)).run()
    assert not page.exception
    # none counted here, so no "more"; the end date is what to move
    assert any(c.value.startswith("1 comment of these days was found deleted by a complete export whose last "
                                  "mention is after the as-of time") and "Move the end date" in c.value
               for c in page.caption)
    assert not [d for d in page.dataframe if "deleted_comments" in d.value]
    page.date_input(key="filter_dates").set_value((day, day + timedelta(days=1))).run()
    [table] = [d.value for d in page.dataframe if "deleted_comments" in d.value]
    assert table["deleted_comments"].tolist() == [1]
    assert not any("found deleted by a complete export" in c.value for c in page.caption)


def test_the_deleted_comments_caption_states_the_rule_the_audit_report_states(dashboard_db, monkeypatch):
    """One wording of what counts as deleted: the later export must have held the comment's post
    again (the report said so; this page and the audit page still said only 'a later export')."""
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Deflection & deleted")
    captions = " ".join(c.value for c in at.caption)
    assert "held their post again" in captions
    assert "vouches for none" in captions


def test_a_blank_brand_time_zone_reads_utc_as_the_care_metrics_read_it(tmp_path):
    """brands.timezone '' or '  ' is UTC to stg_brands (and so to etl.metrics); the dashboard
    read the raw table with coalesce only and passed the blank on as a zone name. A blank zone
    was never set: brand_timezones leaves it out, and its readers take UTC for a brand not in it."""
    from care_fixtures import load_rows, msg

    from app import filters
    db = load_rows(tmp_path, [msg("p1", "u1", 0)])
    with warehouse.writer(db) as con:
        con.execute("INSERT OR REPLACE INTO brands (brand, timezone) VALUES "
                    "('Blank', '  '), ('Empty', ''), ('Paris', 'Europe/Paris')")
    with warehouse.connect_readonly(db) as con:
        zones = filters.brand_timezones.uncached(con)
        assert zones == {"Paris": "Europe/Paris"}
        assert metrics.brand_timezone(con, "Blank") == metrics.brand_timezone(con, "Empty") == "UTC"
        assert zones == {brand: metrics.brand_timezone(con, brand) for brand in zones}


@pytest.mark.parametrize("shown_at_most, listed, in_csv", [
    (1_000, "newest first", None),
    (3, "the newest 3 are listed", "(the CSV has all {total:,})"),
])
def test_the_ignored_complaints_caption_says_what_is_listed_once(dashboard_db, monkeypatch, shown_at_most,
                                                                 listed, in_csv):
    # "719 ...; the newest 719 are listed (the CSV has the newest 719)" said one number three
    # times (user review): all listed reads "newest first"; a cut list says where it stops,
    # and a CSV of them all says 'all', not 'the newest 4,876' of 4,876.
    from app import care
    monkeypatch.setattr(care, "IGNORED_SHOWN", shown_at_most)
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Ignored complaints")
    [caption] = [c.value for c in at.caption if "complaint requests with no brand response" in c.value]
    total = int(caption.split(" ")[0].replace(",", ""))
    assert total > 5 and listed in caption
    assert ("CSV has" in caption) == (in_csv is not None)
    assert in_csv is None or in_csv.format(total=total) in caption


def test_the_ignored_complaints_csv_is_read_when_clicked_and_holds_more_than_the_list(dashboard_db, monkeypatch):
    """Code review: the page read the CSV's 5,000 rows on every filter change, before any click."""
    import io

    from care_fixtures import spy_calls

    from app import care, db
    monkeypatch.setattr(care, "IGNORED_SHOWN", 2)
    monkeypatch.setattr(care, "IGNORED_LIMIT", 5)
    given = download_buttons(monkeypatch)
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Ignored complaints")
    listed = next(d.value for d in at.dataframe if "late_response_at" in d.value)
    assert callable(given["ghost_ignored_csv"]["data"])  # nothing read until clicked
    reads = spy_calls(monkeypatch, db, "read_now")
    exported = pd.read_csv(io.BytesIO(downloaded(given, "ghost_ignored_csv")))
    assert len(listed) == 2 and len(exported) == 5
    assert reads == [1]  # read past the cache, which every session shares (db.read_now)
    assert exported["request_id"].head(2).tolist() == listed["request_id"].tolist()
    [caption] = [c.value for c in at.caption if "complaint requests with no brand response" in c.value]
    assert "the newest 2 are listed (the CSV has the newest 5)" in caption


def test_every_link_column_of_the_deflection_list_opens_as_a_link(dashboard_db, monkeypatch):
    import json
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Deflection & deleted")
    [grid] = [d for d in at.dataframe if "response_link" in d.value.columns]
    config = json.loads(grid.proto.columns)
    for column in ("answered_link", "response_link"):
        assert config[column]["type_config"] == {"type": "link", "display_text": "open"}, config[column]
        # the word 'open' in a narrow column: a wide one pushed the request's time off screen;
        # 'small' cut the header to 'response lin' (Chromium check)
        assert config[column]["width"] == widgets.NAMED_LINK_WIDTH, config[column]


def _office_hours(tmp_path, **load_options):
    """Acme (UTC) answers its Monday 09:00 requests in 10 minutes and its Monday 02:00 ones
    in three hours, every one within H; a mention days later decides them all."""
    from care_fixtures import THANKS, brand_msg, load_rows, msg, set_scores

    from app.audit_rules import COLOURED_MIN_DECIDED
    rows, scores = [], {}
    for n in range(COLOURED_MIN_DECIDED):
        for name, asked, wait in (("day", 5 * n, 10), ("night", -7 * 60 + 5 * n, 180)):  # T0 is Monday 09:00
            rows += [msg(f"{name}{n}", f"{name}_u{n}", asked), brand_msg(f"{name}_a{n}", asked + wait, f"{name}{n}")]
            scores.update({f"{name}{n}": {"complaint": True, "needs_reply": True, "label": "negative"},
                           f"{name}_a{n}": {}})
    rows.append(msg("later", "u9", 5 * 24 * 60, text=THANKS))
    db = load_rows(tmp_path, rows, **load_options)
    set_scores(db, {**scores, "later": {}})
    return db


def _plotly(at) -> dict:
    """The section's one plotly figure, its arrays as lists."""
    [chart] = at.get("plotly_chart")
    return plotly_spec(chart)


def test_coverage_is_coloured_by_the_measure_chosen_and_says_which(tmp_path, monkeypatch):
    # user review: coloured only by 'answered within 72 h', a brand with office hours was as
    # green at night as by day; by the SLA rate or the KM median the nights show
    at = _section(page_test("ghost_town", _office_hours(tmp_path), monkeypatch).run(), "Coverage")
    choice = at.radio(key="ghost_coverage_colour")
    assert choice.value == "response_rate"
    assert choice.options == ["answered within H (72 h)", "answered within the SLA (60 min)",
                              "median response time (Kaplan–Meier)"]
    day, night = {}, {}
    for measure in ("response_rate", "sla_rate", "km_median_minutes"):
        at.radio(key="ghost_coverage_colour").set_value(measure).run()
        assert not at.exception
        [heat] = _plotly(at)["data"]
        day[measure], night[measure] = heat["z"][0][9], heat["z"][0][2]
        assert "3.0 h" in heat["hovertext"][0][2] and "10 min" in heat["hovertext"][0][9]
        caption = " ".join(c.value for c in at.caption)
        assert "Colour: " + {"response_rate": "Share of decided care requests answered within H (72 h)",
                             "sla_rate": "Share of decided care requests answered within the SLA (60 min)",
                             "km_median_minutes": "Kaplan–Meier median time to first response"}[measure] in caption
    assert day["response_rate"] == night["response_rate"] == 1.0
    assert (day["sla_rate"], night["sla_rate"]) == (1.0, 0.0)
    assert (day["km_median_minutes"], night["km_median_minutes"]) == pytest.approx((np.log10(10), np.log10(180)))


@pytest.mark.parametrize("zone,said", [
    (None, "in UTC (no time zone set for Acme); "), ("", "in UTC (no time zone set for Acme); "),
    ("Asia/Kolkata", "in Acme's time zone (Asia/Kolkata); ")])
def test_coverage_names_the_brands_zone_or_that_none_was_set(tmp_path, monkeypatch, zone, said):
    # a Kolkata brand loaded without a zone read 'in Tiffin Telecom's time zone (UTC)' (a review);
    # zone "": a brand saved with its industry alone, whose zone was stored as 'UTC'
    settings = {"Acme": {"industry": "telecoms"} if zone == "" else {"timezone": zone}}
    db = _office_hours(tmp_path, brand_settings=settings if zone is not None else None)
    at = _section(page_test("ghost_town", db, monkeypatch).run(), "Coverage")
    assert not at.exception
    assert said in " ".join(c.value for c in at.caption).replace("\\", "")  # Markdown's escapes left out
    assert _plotly(at)["layout"]["xaxis"]["title"]["text"] == f"hour of day ({zone or 'UTC'})"


def test_the_km_curves_run_flat_to_h_and_label_their_reference_lines(tmp_path, monkeypatch):
    # Acme answered one request of three after 30 min; the other two are 5 days old: its
    # curve ran to 30 min and stopped, hiding the two thirds never answered
    at = _section(page_test("ghost_town", _under_half_answered(tmp_path), monkeypatch).run(), "Response times")
    figure = _plotly(at)
    curves = {trace["name"]: trace for trace in figure["data"]}
    assert (curves["Acme"]["x"][-1], curves["Acme"]["y"][-1]) == (72.0, pytest.approx(1 / 3))
    assert (curves["Bolt"]["x"][-1], curves["Bolt"]["y"][-1]) == (pytest.approx(20 / 60), 1.0)  # all answered
    labels = {a["text"]: a for a in figure["layout"]["annotations"]}
    assert labels["1 h"]["x"] == 0.0  # log10(1 h): at its dotted line, not at 10 h
    # the survey's words, as the caption and the audit have them (it said '50%', user review),
    # in the legend: on the plot the label crossed some brand's curve wherever it sat
    [expectation] = [trace["name"] for trace in figure["data"] if "expect" in trace["name"]]
    assert expectation.replace("<br>", " ") == (
        "industry survey: nearly half of customers expect an answer within the hour")
    caption = " ".join(c.value for c in at.caption)
    assert "not a share answered nor a target" in caption and "Source: Customer-service literature" in caption


@pytest.mark.parametrize("counts, overall, named", [
    # (brand, answered, ignored, pending) each
    ([("Acme", 8, 4, 2)], True, False),                     # 2 of 14: the selection's note
    ([("Acme", 0, 1, 4), ("Birch", 20, 20, 0)], False, True),  # over both 4 of 45; Acme 4 of 5 named
    ([("Acme", 0, 1, 0), ("Birch", 20, 20, 1)], False, False),  # 1 of 42, Birch 1 of 41: nothing to say
])
def test_pending_requests_are_said_to_flatter_every_rate_of_the_page(tmp_path, monkeypatch, counts, overall,
                                                                     named):
    """The Ghost Town's rates leave pending requests out as the Overview's do, and said
    nothing of it (user review: a week 17.6% pending read 29.4% ghost town where, settled, it
    was 40.2%): the page says so above its sections, with the worst case, and names each
    brand with a tenth or more pending when there are several."""
    from care_fixtures import THANKS, brand_msg, load_rows, msg
    rows = [msg("t", "z", 100 * 60, text=THANKS)]  # the newest mention: the as-of moment
    for brand, answered, ignored, pending in counts:
        for i in range(answered + ignored):
            rows.append(msg(f"{brand}{i}", f"{brand}u{i}", 0, brand=brand))
            if i < answered:
                rows.append(brand_msg(f"{brand}b{i}", 30, parent=f"{brand}{i}", brand=brand))
        rows += [msg(f"{brand}p{i}", f"{brand}w{i}", 99 * 60, brand=brand) for i in range(pending)]
    at = page_test("ghost_town", load_rows(tmp_path, rows), monkeypatch).run()
    assert not at.exception
    notes = [w.value for w in at.warning if "pending" in w.value]
    assert len(notes) == (overall or named)
    # what a request is, in words (the caption said 'requests counted: needs-reply')
    assert any(care.REQUESTS_COUNTED["needs-reply"] in c.value for c in at.caption)
    if overall:
        assert notes[0].startswith("2 of 14 requests (14%) are pending")
        assert notes[0].endswith("the ghost-town rate would be 42.9% (leaving them out: 33.3%).")
    if named:
        assert "pending for Acme (4 of 5, 80%): their rates" in notes[0] and "Birch" not in notes[0]


def test_brands_with_many_pending_are_named_most_pending_first():
    """The Ghost Town named them in its chart's order (worst rate first), so the shares read
    44%, 29%, 37%, 22% (user review): the brand whose rates flatter most comes first."""
    rows = pd.DataFrame({"brand": ["Acme", "Birch", "Cobalt"], "answered": [8, 4, 9],
                         "ignored": [1, 1, 1], "pending": [1, 5, 0]})
    flagged = care.notably_pending_brands(rows)
    assert flagged["brand"].tolist() == ["Birch", "Acme"] and flagged["share"].tolist() == [0.5, 0.1]


@pytest.mark.parametrize("tz", ["UTC", "Asia/Singapore"])
def test_the_weekly_chart_says_its_weeks_are_the_chosen_zones(dashboard_db, monkeypatch, tz):
    at = page_test("ghost_town", dashboard_db, monkeypatch).run()
    at.selectbox(key="filter_tz").set_value(tz).run()
    at = _section(at, "Over time")
    assert not at.exception
    assert any(f"(ISO weeks, Monday to Sunday in {tz})" in c.value for c in at.caption)
    # the source, itself in brackets, was in brackets too (Chromium check)
    assert not any("(source:" in c.value for c in at.caption)


# Sunday 2024-01-14 and the Monday after, in UTC: each zone's week turns at another of them
# (Singapore 16:00, Kolkata 18:30, UTC 00:00, New York 05:00), Kolkata's inside an hour.
WEEK_TURNS = [datetime(2024, 1, 14, 15, 50, tzinfo=timezone.utc) + timedelta(minutes=step * 25)
              for step in range(34)]


@pytest.mark.parametrize("tz", ["UTC", "Asia/Singapore", "Asia/Kolkata", "America/New_York"])
def test_weeks_are_counted_in_the_chosen_zone(tmp_path, monkeypatch, tz):
    # a Singapore week of dates fell into a UTC week of 4 requests and one of 74 (code review);
    # the answered requests are read one by one, the others, long past, mostly come counted per
    # hour (the backlog), and Kolkata's 18:00 UTC hour holds the end of one week and the start of
    # the next
    rows = [msg(f"r{n}", f"user{n}", 0, when=moment) for n, moment in enumerate(WEEK_TURNS)]
    rows += [brand_msg(f"answer{n}", 0, parent=f"r{n}", when=moment + timedelta(minutes=10))
             for n, moment in enumerate(WEEK_TURNS) if n % 3 == 0]
    rows += [msg("p0", "early", 0), brand_msg("a0", 5, parent="p0"),
             msg("later", "late", 0, text=THANKS, when=WEEK_TURNS[-1] + timedelta(days=20))]
    db = load_rows(tmp_path, rows)
    monkeypatch.setenv("REPUTATION_DB", str(db))
    weeks = care.ghost_town(Filters(tz=tz), ("week",))
    zone = ZoneInfo(tz)
    expected = pd.Series([moment.astimezone(zone).strftime("%G-W%V") for moment in [*WEEK_TURNS, at(0)]])
    assert dict(zip(weeks["week"], weeks["requests"])) == expected.value_counts().to_dict()


def test_a_week_whose_requests_are_all_pending_is_said_to_have_no_point_yet(tmp_path, monkeypatch):
    # W40's 11 requests, all pending, dropped out of the chart unsaid (a review)
    from care_fixtures import set_scores
    rows = [msg("r0", "u0", 0), brand_msg("b0", 30, parent="r0"),
            msg("p0", "u1", 8 * 24 * 60), msg("p1", "u2", 8 * 24 * 60 + 10)]  # the next ISO week, pending
    db = load_rows(tmp_path, rows)
    set_scores(db, {m: {"complaint": True, "needs_reply": True} for m in ("r0", "p0", "p1")})
    page = _section(page_test("ghost_town", db, monkeypatch).run(), "Over time")
    assert not page.exception
    week = (at(8 * 24 * 60)).strftime("%G-W%V")
    assert f"No point yet, every request still pending: Acme {week} (2 requests)." in [c.value.split(" A rate")[0]
                                                                                      for c in page.caption]


@pytest.mark.parametrize("page", ["ghost_town", "overview"])
def test_the_as_of_moment_is_said_on_the_chosen_clock_with_utc_beside_it(tmp_path, monkeypatch, page):
    # in Singapore the caption said '15:59 UTC', read as the day before the chosen last day (a review)
    rows = [msg("r0", "u0", 0), brand_msg("b0", 30, parent="r0"), msg("r1", "u1", 600)]
    app = page_test(page, load_rows(tmp_path, rows), monkeypatch).run()
    app.selectbox(key="filter_tz").set_value("Asia/Singapore").run()
    assert not app.exception
    newest = pd.Timestamp(at(600)).tz_convert("UTC")  # 19:00 UTC: 03:00 the next day in Singapore
    said = (f"Evaluated as of {newest.tz_convert('Asia/Singapore'):%Y-%m-%d %H:%M} Asia/Singapore "
            f"({newest:%Y-%m-%d %H:%M} UTC)")
    assert any(said in c.value for c in app.caption)


def test_the_response_times_table_shows_the_hour_and_the_sla_rate_side_by_side(dashboard_db, monkeypatch):
    # the caption tells the two apart; at 1024 px the SLA rate, last, was off the grid's edge
    # (a review at narrow widths)
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Response times")
    [table] = [d.value for d in at.dataframe if "sla_rate" in d.value]
    assert list(table.columns[:4]) == ["brand", "km_median_minutes", "p_answered_1h", "sla_rate"]


@pytest.mark.parametrize("section, rows", [("Over time", None), ("Coverage", 168)])
def test_the_weekly_rates_and_the_coverage_hours_are_given_as_a_table(dashboard_db, monkeypatch, section, rows):
    # the heatmap gave an hour's numbers only as colour and on hover, the weekly chart a week's
    # as a point: nothing a screen reader or keyboard could reach (an accessibility review)
    from app.widgets import CHART_NUMBERS
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), section)
    [numbers] = [e for e in at.expander if e.label == CHART_NUMBERS]
    [table] = [frame.value for frame in numbers.dataframe]
    assert "requests" in table and (rows is None or len(table) == rows)
    assert len(table) > 0 and table["requests"].sum() > 0


def test_the_deflection_rates_are_given_as_a_table(dashboard_db, monkeypatch):
    # each brand's bar gave its rate and counts only on hover: nothing a screen reader or a
    # keyboard could reach (accessibility review, WCAG 1.1.1)
    from app.widgets import CHART_NUMBERS
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Deflection & deleted")
    [numbers] = [e for e in at.expander if e.label == CHART_NUMBERS]
    [table] = [frame.value for frame in numbers.dataframe]
    assert list(table.columns) == ["brand", "deflection_rate", "deflections", "scored_responses"]
    assert table["deflections"].sum() > 0 and table["deflection_rate"].is_monotonic_decreasing  # as the bars
    shown = 100 * table["deflections"] / table["scored_responses"]  # the grid shows a share in percent
    assert (table["deflection_rate"] - shown).abs().max() < 1e-9


def test_the_deflection_bars_are_worst_first_each_with_its_counts_in_words():
    by_brand = pd.DataFrame({"brand": ["A", "B", "C"], "deflection_rate": [0.25, 1.0, 0.5],
                             "deflections": [3, 1, 1_200], "scored_responses": [12, 1, 2_400]})
    table = care.deflection_table(by_brand)
    assert table["brand"].tolist() == ["B", "C", "A"]  # the bars' order, and the table's
    assert table["of_responses"].tolist() == ["(1 of 1 response)", "(1,200 of 2,400 responses)",
                                              "(3 of 12 responses)"]


def test_over_time_says_which_lines_cross_weeks_without_a_request(tmp_path, monkeypatch):
    # a brand's line joined its weeks either side of months with no request, as if week to week
    # (a real-data review: 2015-W09 to 2016-W31)
    week = 7 * 24 * 60
    rows = [msg("a1", "u1", 0), brand_msg("b1", 30, parent="a1"), msg("a2", "u2", 5 * week),
            msg("c1", "v1", 0, brand="Bolt"), msg("c2", "v2", week, brand="Bolt"),
            msg("later", "u9", 9 * week, text=THANKS)]  # needs no reply: no request, every one decided
    at = _section(page_test("ghost_town", load_rows(tmp_path, rows), monkeypatch).run(), "Over time")
    notes = [c.value for c in at.caption if "no point" in c.value]
    assert notes == ["A week with no request has no point, and the line breaks there. "
                     "Between its first week and its last, no request came to Acme in 4 weeks."]


def test_a_link_column_says_when_its_cell_is_empty(dashboard_db, monkeypatch):
    # twcs' tweet ids get no link (app/safe.mention_link): an empty cell said nothing of why
    import json
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Ignored complaints")
    [grid] = [d for d in at.dataframe if "link" in d.value]
    assert json.loads(grid.proto.columns)["link"]["help"].startswith("Opens the mention on its platform. Empty where")


def test_counts_of_one_are_said_in_the_singular(tmp_path, monkeypatch):
    """Acme's one complaint left unanswered and one answered by a deflection: '1 complaint
    request with no brand response', '(1 of 1 response)', not '1 complaint requests', '1 responses'."""
    from care_fixtures import load_ignored_and_deflected
    at = page_test("ghost_town", load_ignored_and_deflected(tmp_path), monkeypatch).run()
    assert not at.exception
    assert any("(1 of 1 response)" in spec for spec in _charts(_section(at, "Deflection & deleted")))
    captions = [c.value for c in _section(at, "Ignored complaints").caption]
    assert any(c.startswith("1 complaint request with no brand response within 72 h;") for c in captions), captions


def test_the_coverage_hours_give_each_rates_interval_in_percent_as_the_rate(dashboard_db, monkeypatch):
    """An hour's response rate read '80.0%' beside its interval '0.3755' to '0.9638', headed
    'response rate ci low': a reader reproducing the hour's numbers took the interval for
    another measure (a reproduction audit). The interval is in the rate's unit, headed as the
    rates tables head theirs."""
    import json as json_module
    from app.widgets import CHART_NUMBERS
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Coverage")
    [numbers] = [e for e in at.expander if e.label == CHART_NUMBERS]
    [grid] = numbers.dataframe
    table, config = grid.value, json_module.loads(grid.proto.columns)
    decided = table[table["answered"] + table["ignored"] > 0]
    assert len(decided) > 0
    # all three in percent: the rate within its interval, the interval within 0..100
    assert (decided["response_rate_ci_low"] <= decided["response_rate"] + 1e-9).all()
    assert (decided["response_rate"] <= decided["response_rate_ci_high"] + 1e-9).all()
    assert decided["response_rate_ci_high"].max() > 1  # not a share of 1 beside a percentage
    for column, header in (("response_rate_ci_low", "95% CI from"), ("response_rate_ci_high", "95% CI to")):
        assert config[column]["label"] == header
        assert config[column]["type_config"]["format"] == config["response_rate"]["type_config"]["format"]


def test_the_deleted_comments_caption_says_customers_posts_on_the_page_count_too(tmp_path, monkeypatch):
    """A post a customer wrote on the page, missing from a later complete export, is counted
    among the deleted comments (the demo's 213 held 34 such posts), and the caption said only
    'customer comments': a reader counting comments and replies found 179 (a reproduction audit)."""
    from care_fixtures import load_with_deletions
    db = load_with_deletions(tmp_path)  # c1 and c2: customers' posts to @Acme, gone from export 2
    with warehouse.connect_readonly(db) as con:
        assert con.execute("SELECT DISTINCT m.kind FROM deleted_mentions d JOIN mentions m USING (mention_id) "
                           "WHERE NOT d.is_brand").fetchall() == [("post",)]
    at = _section(page_test("ghost_town", db, monkeypatch).run(), "Deflection & deleted")
    [table] = [d.value for d in at.dataframe if "deleted_comments" in d.value]
    assert table["deleted_comments"].tolist() == [2]
    captions = " ".join(c.value for c in at.caption)
    assert "posts customers wrote on the page, count too" in captions
    assert "for a comment or reply, held their post again" in captions


def test_a_week_the_dates_cut_is_named_under_the_weekly_rates(dashboard_db, monkeypatch):
    # 28 days from Sunday 4 Oct 2026: that Sunday's requests were drawn as week W40, beside whole
    # weeks, with no note (a review: 86.7% of 15 requests against the week's 66.1% of 124)
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Over time")
    at.date_input(key="filter_dates").set_value((date(2026, 10, 4), date(2026, 10, 31))).run()
    assert not at.exception
    [note] = [c.value for c in at.caption if c.value.startswith("Not whole weeks")]
    assert "the first (week of 28 Sep 2026) has only 1 of its 7 days" in note, note
    # a rate of fewer requests, not Trends' counts that 'dip for less time' (said of a chart of counts)
    assert note.endswith("so their rates are of the requests of those days alone and can differ from a whole "
                         "week's with no change in care."), note
    at.date_input(key="filter_dates").set_value((date(2026, 9, 7), date(2026, 10, 25))).run()  # whole weeks
    assert not any("whole week" in c.value for c in at.caption)


def test_the_ignored_complaints_file_is_named_by_its_brands_and_dates(dashboard_db, monkeypatch):
    # every export was ignored_complaints.csv, whatever its brands and dates (a review): named as the
    # audit's and the care queue's files are (Filters.file_stem)
    import re
    given = download_buttons(monkeypatch)
    at = _section(page_test("ghost_town", dashboard_db, monkeypatch).run(), "Ignored complaints")
    first, last = at.date_input(key="filter_dates").value  # the data's days
    assert given["ghost_ignored_csv"]["file_name"] == f"ignored-complaints-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    brand = at.multiselect(key="filter_brands").options[0]
    at.multiselect(key="filter_brands").select(brand).run()
    at.date_input(key="filter_dates").set_value((date(2026, 9, 1), date(2026, 9, 30))).run()
    assert not at.exception
    slug = re.sub(r"[^a-z0-9]+", "-", brand.lower()).strip("-")
    assert given["ghost_ignored_csv"]["file_name"] == f"ignored-complaints-{slug}-20260901-20260930.csv"
