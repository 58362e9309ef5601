"""The shell: gate, filters in the URL, first start builds the demo."""

from __future__ import annotations

import pytest
from app_support import page_test, shell_test

from app.filters import ASSUMPTION_FIELDS


def test_dashboard_renders_default_page(dashboard_db, monkeypatch):
    from app import startup
    at = shell_test(dashboard_db, monkeypatch).run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == ["Overview"]
    # the demo with a corpus of other files loaded into it: made up in part
    captions = [c.value for c in at.sidebar.caption]
    assert startup.MIXED_DEMO_NOTE in captions and startup.DEMO_NOTE not in captions


def test_the_browser_tab_names_the_page_shown(dashboard_db, monkeypatch):
    """Every page's document title was 'Reputation risk': a screen reader announces it on each
    page change, and a reader with several of its tabs open could not tell them apart (WCAG 2.4.2)."""
    import streamlit as st
    titles, real = [], st.set_page_config

    def kept(*args, **kwargs):
        if kwargs.get("page_title"):
            titles.append(kwargs["page_title"])
        return real(*args, **kwargs)
    monkeypatch.setattr(st, "set_page_config", kept)
    at = shell_test(dashboard_db, monkeypatch).run()
    assert not at.exception and [t.value for t in at.title][:1] == ["Overview"]
    assert titles[-1] == "Overview · Reputation risk", titles


def test_password_gate_holds_until_the_right_password(dashboard_db, monkeypatch):
    at = shell_test(dashboard_db, monkeypatch, secrets={"password": "s3cret"}).run()
    assert not at.exception
    assert "Overview" not in [t.value for t in at.title]
    at.text_input(key="gate_password").input("wrong")
    at.button[0].click().run()
    assert "Overview" not in [t.value for t in at.title] and at.error
    at.text_input(key="gate_password").input("s3cret")
    at.button[0].click().run()
    assert "Overview" in [t.value for t in at.title]


def test_page_render_checks_the_gate_itself(dashboard_db, monkeypatch):
    at = page_test("ghost_town", dashboard_db, monkeypatch, secrets={"password": "s3cret"}).run()
    assert not at.exception
    assert "Ghost Town" not in [t.value for t in at.title]
    assert at.text_input(key="gate_password") is not None


def test_filters_come_from_the_url_and_go_back_to_it(dashboard_db, monkeypatch):
    at = page_test("overview", dashboard_db, monkeypatch)
    at.query_params["brand"] = ["Quillfeather", "No such brand"]
    at.query_params["tz"] = "Europe/London"
    at.run()
    assert not at.exception
    assert at.multiselect(key="filter_brands").value == ["Quillfeather"]
    assert at.selectbox(key="filter_tz").value == "Europe/London"
    at.multiselect(key="filter_platforms").select("twitter").run()
    assert _values(at.query_params["platform"]) == ["twitter"]
    assert _values(at.query_params["brand"]) == ["Quillfeather"]


@pytest.mark.parametrize("asked, shown", [("Asia/Kolkata", "Asia/Kolkata"), ("Australia/Eucla", "Australia/Eucla"),
                                           ("Mars/Olympus_Mons", "UTC"), ("localtime", "UTC")])
def test_any_time_zone_is_offered_and_a_links_unknown_one_is_said(dashboard_db, monkeypatch, asked, shown):
    # a user review: Kolkata was neither offered nor kept from a link, which showed UTC unsaid.
    # 'localtime' (the server's own zone, a file of Debian's zone directory that zoneinfo lists)
    # was offered and kept, and every page's query failed on it: DuckDB knows no such zone
    at = page_test("overview", dashboard_db, monkeypatch)
    at.query_params["tz"] = asked
    at.run()
    assert not at.exception
    assert at.selectbox(key="filter_tz").value == shown
    assert "Asia/Kolkata" in at.selectbox(key="filter_tz").options
    assert "localtime" not in at.selectbox(key="filter_tz").options
    said = [w.value for w in at.sidebar.warning if "time zone" in w.value]
    assert bool(said) == (asked != shown)


def test_assumptions_come_from_the_url_and_go_back_to_it(dashboard_db, monkeypatch):
    """A bookmarked view carries the assumptions its numbers rest on; a value out of range
    or not a number falls back to the default."""
    at = page_test("overview", dashboard_db, monkeypatch)
    at.query_params["wom"] = "10"
    at.query_params["value"] = "120"
    at.query_params["horizon"] = "-5"
    at.query_params["sla"] = "soon"
    at.run()
    assert not at.exception
    assert at.number_input(key="assume_wom").value == 10.0
    assert at.number_input(key="assume_value").value == 120.0
    assert at.number_input(key="assume_horizon").value == 72.0
    assert at.number_input(key="assume_sla").value == 60.0
    assert any(m.label == "Revenue at risk (assumed)" for m in at.metric)
    # hours, minutes and the multiplier print as typed ('72', not '72.00'); money keeps cents
    assert [at.number_input(key=k).proto.format for k in ("assume_horizon", "assume_sla", "assume_wom",
                                                           "assume_value")] == ["%g", "%g", "%g", "%.2f"]
    at.number_input(key="assume_horizon").set_value(24.0).run()
    assert _values(at.query_params["horizon"]) == ["24"]
    assert _values(at.query_params["wom"]) == ["10"] and "sla" not in at.query_params
    at.number_input(key="assume_wom").set_value(5.0).run()  # the default leaves the URL
    assert "wom" not in at.query_params


@pytest.mark.parametrize("url_key", ["value", "wom"])
@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e999"])
def test_an_assumption_that_is_no_finite_number_is_its_default(url_key, text):
    # ?value=inf made revenue at risk infinite (a review): the customer value has no upper bound
    [field] = [f for f in ASSUMPTION_FIELDS if f.url_key == url_key]
    assert field.from_url(text) == field.default


def test_an_sla_longer_than_the_horizon_is_the_horizon_and_says_so(dashboard_db, monkeypatch):
    # H = 1 h: a response after 60 min is an ignored request, so an SLA of 120 min can count
    # nothing more than one of 60; the labels must not claim 120.
    at = page_test("overview", dashboard_db, monkeypatch)
    at.query_params["horizon"] = "1"
    at.query_params["sla"] = "120"
    at.run()
    assert not at.exception
    assert any("longer than the horizon" in w.value for w in at.sidebar.warning)
    [sla] = [m for m in at.metric if m.label.startswith("SLA")]
    assert "within 60 minutes" in sla.help and "120" not in sla.help


def _values(value) -> list:
    return value if isinstance(value, list) else [value]


def test_first_start_builds_the_demo(tmp_path, monkeypatch):
    from etl import demo

    monkeypatch.setattr(demo, "DEFAULT_MENTIONS", 1_500)
    db = tmp_path / "new" / "reputation.duckdb"
    at = shell_test(db, monkeypatch, timeout=300)
    at.run()
    assert not at.exception
    assert db.exists()
    assert "Overview" in [t.value for t in at.title]
    from app import startup  # the reader is told the brands and people are fictional
    assert startup.DEMO_NOTE in [c.value for c in at.sidebar.caption]


def test_the_database_named_on_the_command_line_is_the_one_shown(dashboard_db, tmp_path, monkeypatch):
    """`streamlit run dashboard.py -- --db PATH`, as the etl commands take --db: the argument
    was dropped without a word, and the dashboard opened REPUTATION_DB's database or built a
    demo at data/reputation.duckdb (session 48). It wins over REPUTATION_DB."""
    import sys

    from app import shell, startup
    elsewhere = tmp_path / "elsewhere.duckdb"
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(dashboard_db)])
    at = shell_test(elsewhere, monkeypatch).run()
    assert not at.exception
    assert not elsewhere.exists()  # no demo built where the variable pointed
    assert startup.MIXED_DEMO_NOTE in [c.value for c in at.sidebar.caption]  # dashboard_db's own note
    assert shell.database_argument(["--db=/tmp/x.duckdb", "--other", "1"]) == "/tmp/x.duckdb"
    assert shell.database_argument(["--d", "/tmp/x.duckdb"]) is None  # no abbreviation of another option
    assert shell.database_argument([]) is None


def test_db_without_a_path_is_said_not_a_blank_page(dashboard_db, monkeypatch):
    """`streamlit run dashboard.py -- --db` with the path forgotten: argparse's exit ended the
    script thread, its usage on the server's console and nothing in the browser."""
    import sys
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db"])
    at = shell_test(dashboard_db, monkeypatch).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["`--db` needs a path after it: streamlit run dashboard.py -- --db PATH"]


def test_every_page_url_is_its_file_name_in_pages():
    """A fresh server's first run goes through pages/ auto-discovery, which knows only the file
    names: any other url_path is answered with "Page not found" (see app/shell.py)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    paths = re.findall(r'url_path="([^"]+)"', (root / "app" / "shell.py").read_text())
    assert len(paths) >= 8
    missing = [p for p in paths if p != "home" and not (root / "pages" / f"{p}.py").exists()]
    assert missing == []


def test_a_database_of_an_older_scorer_is_rescored_before_any_page(fresh_db, monkeypatch):
    from etl import scores, warehouse
    with warehouse.writer(fresh_db) as con:
        con.execute("UPDATE mention_scores SET scorer_version = 'older', is_complaint = false")
    at = shell_test(fresh_db, monkeypatch).run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == ["Overview"]
    with warehouse.connect_readonly(fresh_db) as con:
        assert not scores.outdated(con)
        assert con.execute("SELECT count(*) FILTER (WHERE is_complaint) FROM mention_scores").fetchall()[0][0] > 0


def test_cascades_of_older_code_are_recomputed_before_any_page(fresh_db, monkeypatch):
    from etl import pipeline, warehouse
    with warehouse.writer(fresh_db) as con:
        con.execute("COMMENT ON TABLE cascades IS 'code of an older release'")
    at = shell_test(fresh_db, monkeypatch).run()
    assert not at.exception
    with warehouse.connect_readonly(fresh_db) as con:
        assert not pipeline.outdated(con)


def test_old_cascades_and_a_missing_model_are_both_brought_up_before_any_page(fresh_db, monkeypatch):
    from etl import models, pipeline, warehouse
    with warehouse.writer(fresh_db) as con:
        con.execute("COMMENT ON TABLE cascades IS 'code of an older release'")
        con.execute("DROP TABLE dash_care_groups")  # the Overview reads it
    at = shell_test(fresh_db, monkeypatch).run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == ["Overview"]
    with warehouse.connect_readonly(fresh_db) as con:
        assert not pipeline.outdated(con) and models.stale(con) == []


def test_a_database_of_an_older_version_gets_its_derived_tables_before_any_page(fresh_db, monkeypatch):
    from etl import models, warehouse
    with warehouse.writer(fresh_db) as con:
        con.execute("DROP TABLE dash_care_groups")  # the Overview reads it
    at = shell_test(fresh_db, monkeypatch).run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == ["Overview"]
    with warehouse.connect_readonly(fresh_db) as con:
        assert models.stale(con) == []


def test_a_link_asking_for_what_the_data_lacks_says_so_until_a_filter_changes(dashboard_db, monkeypatch):
    at = page_test("overview", dashboard_db, monkeypatch)
    at.query_params["brand"] = ["Quillfeather", "<b>No such brand</b>"]
    at.query_params["from"] = "1999-01-01"
    at.query_params["to"] = "not a date"
    at.run()
    assert not at.exception
    escaped = [w.value for w in at.sidebar.warning]
    assert all("<b>" not in n for n in escaped)  # the link's text is shown as text, not markup
    notes = [n.replace("\\", "") for n in escaped]
    assert any("'&lt;b&gt;No such brand&lt;/b&gt;'" in n and "left out" in n for n in notes)
    first, last = at.date_input(key="filter_dates").value
    assert any("1999-01-01" in n and f"so {first} to {last} is shown" in n for n in notes)
    at.multiselect(key="filter_platforms").select("twitter").run()
    assert not at.sidebar.warning


def test_a_link_the_data_can_show_has_no_note(dashboard_db, monkeypatch):
    at = page_test("overview", dashboard_db, monkeypatch)
    at.query_params["brand"] = ["Quillfeather"]
    at.run()
    assert not at.exception and not at.sidebar.warning


@pytest.mark.parametrize("page", ["overview", "ghost_town", "amplification", "weekly", "audit", "data"])
def test_every_grid_heads_its_columns_in_words_and_shows_a_missing_value_as_a_dash(
        dashboard_db, monkeypatch, page):
    import json

    from app_support import code_named, missing_shown

    from app.formatting import MISSING
    at = page_test(page, dashboard_db, monkeypatch).run()
    assert not at.exception
    assert at.dataframe and {missing_shown(d) for d in at.dataframe} == {MISSING}, page
    for grid in at.dataframe:
        labels = json.loads(grid.proto.columns or "{}")
        shown = list(grid.proto.column_order) or list(grid.value.columns)
        headers = [labels.get(c, {}).get("label", c) for c in shown]
        assert not code_named(headers), (page, headers)


def test_registering_the_menu_imports_no_page_nor_pandas():
    """A fresh server's first visit shows auto-discovery's menu of file names until the shell
    registers its own: seconds, while that registration imported every page and pandas."""
    import subprocess
    import sys
    from pathlib import Path

    check = ("import sys; from app import shell; pages = shell._pages(); "
             "loaded = sorted(m for m in sys.modules if m == 'pandas' or m == 'duckdb' or m.startswith('pages')); "
             "print(len(pages), loaded)")
    done = subprocess.run([sys.executable, "-c", check], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "8" and done.stdout.strip().endswith("[]"), done.stdout


def test_a_brand_narrows_the_platforms_and_an_empty_selection_names_the_filter_to_clear(tmp_path, monkeypatch):
    """A brand chosen with a platform it is not on held nothing at any date, and the pages
    said to widen the dates (user review): the platforms now narrow to the brands chosen, as
    the pages do, and a selection empty at every date names the filter to clear."""
    from care_fixtures import THANKS, brand_msg, load_rows, msg
    facebook = {"platform": "facebook", "page": "1040001"}
    rows = [msg("r0", "u0", 0), brand_msg("b0", 10, parent="r0"),
            {**msg("f0", "u2", 0, brand="Birch", text=THANKS), **facebook}]  # no request of Birch's
    at = page_test("ghost_town", load_rows(tmp_path, rows), monkeypatch).run()
    at.multiselect(key="filter_platforms").set_value(["twitter"]).run()
    at.multiselect(key="filter_brands").set_value(["Birch"]).run()
    assert not at.exception
    assert at.multiselect(key="filter_platforms").options == ["facebook"]
    assert at.multiselect(key="filter_platforms").value == []  # twitter, not Birch's, dropped
    [page] = at.multiselect(key="filter_pages").options
    assert page == "Birch · Facebook page 1040001"  # a page id alone names no one; the brand first
    [note] = [i.value for i in at.info if i.value.startswith("No ")]
    assert note == "No care requests in this selection at any date. Clear the brands filter in the sidebar."
    at.multiselect(key="filter_brands").set_value([]).run()
    at.multiselect(key="filter_platforms").set_value(["twitter"]).run()  # pages narrow to platforms too
    assert not at.exception and at.multiselect(key="filter_pages").options == ["@Acme"]


def test_a_link_naming_a_platform_its_brand_is_not_on_says_it_is_left_out(tmp_path, monkeypatch):
    """The sidebar offers only the chosen brands' platforms (and their pages): a link asking
    for another is shown without it, and says so (code review: it was dropped unsaid)."""
    from care_fixtures import load_rows, msg
    facebook = {"platform": "facebook", "page": "1040001"}
    rows = [msg("r0", "u0", 0), {**msg("f0", "u2", 0, brand="Birch"), **facebook}]
    at = page_test("overview", load_rows(tmp_path, rows), monkeypatch)
    at.query_params["brand"] = ["Birch"]
    at.query_params["platform"] = ["twitter"]
    at.query_params["page"] = ["@Acme", "1040001"]
    at.run()
    assert not at.exception
    assert (at.multiselect(key="filter_platforms").value, at.multiselect(key="filter_pages").value) == (
        [], ["1040001"])
    notes = [w.value.replace("\\", "") for w in at.sidebar.warning]
    assert any("platforms 'twitter' are not of the brands it names" in n for n in notes), notes
    assert any("pages '@Acme' are not of the brands and platforms it names" in n for n in notes), notes


def test_a_warehouse_without_the_demo_says_nothing_of_it(tmp_path):
    from care_fixtures import load_rows, msg

    from app import startup
    from etl import warehouse
    with warehouse.connect_readonly(load_rows(tmp_path, [msg("r0", "u0", 0)])) as con:
        assert startup.demo_note.uncached(con) is None


def test_the_customer_value_box_has_a_value_escape_cannot_clear(dashboard_db, monkeypatch):
    # Streamlit lets Escape clear a number box with no default (None): closing the sidebar's
    # Assumptions with Escape cleared a typed 150, the revenue card and value=150 in the link (a
    # review). 0 is not set, as no value was: no card, nothing in the link; old links still read
    at = page_test("overview", dashboard_db, monkeypatch)
    at.query_params["value"] = "0"  # an old link's 0 is not set either
    at.run()
    box = at.number_input(key="assume_value")
    assert box.proto.HasField("default") and box.proto.default == 0.0 and box.value == 0.0
    assert not any(m.label == "Revenue at risk (assumed)" for m in at.metric) and "value" not in at.query_params
    box.set_value(150.0).run()
    assert any(m.label == "Revenue at risk (assumed)" for m in at.metric)
    assert _values(at.query_params["value"]) == ["150"]
    at.number_input(key="assume_value").set_value(0.0).run()
    assert not any(m.label == "Revenue at risk (assumed)" for m in at.metric) and "value" not in at.query_params
