"""The audit's times as a client in the brand's zone reads them: on the brand's clock, named
('2026-03-02 00:00 PST'), right either side of a clock change, in the page, the HTML report, the
files and the command that makes the report again. A Los Angeles week read '07:00 UTC to 06:59
UTC', and each complaint's time was UTC's."""

from __future__ import annotations

import csv
import io
import re
import shlex
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from app_support import page_test, printed
from care_fixtures import brand_msg, load_rows, msg, set_scores
from support import etl

from app import audit, audit_dashboard, report
from etl import warehouse

LA = ZoneInfo("America/Los_Angeles")
# Monday 2 March 2026 to Sunday 8 March in Los Angeles: its clocks go forward at 02:00 on the 8th
WEEK_START = datetime(2026, 3, 2, tzinfo=LA)
WEEK_END = datetime(2026, 3, 9, tzinfo=LA) - timedelta(microseconds=1)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def la_db(tmp_path_factory):
    """Acme in Los Angeles: a complaint at 00:30 PST on the week's first day, answered late at
    10:00 PDT on its last (by a deflection), one pending from 09:00 PDT, and one before and
    after the week."""
    folder = tmp_path_factory.mktemp("la")
    rows = [msg("c0", "u0", 0, when=utc(2026, 3, 1, 12)),
            msg("c1", "u1", 0, when=utc(2026, 3, 2, 8, 30)),
            brand_msg("b1", 0, parent="c1", when=utc(2026, 3, 8, 17)),
            msg("c2", "u2", 0, when=utc(2026, 3, 8, 16)),
            msg("c9", "u9", 0, when=utc(2026, 3, 12, 12))]
    db = load_rows(folder, rows, brand_settings={"Acme": {"timezone": "America/Los_Angeles"}})
    set_scores(db, {"b1": {"deflection": True}})
    return db


@pytest.fixture(scope="module")
def week(la_db):
    with warehouse.connect_readonly(la_db) as con:
        return audit.build_audit(con, "Acme", since=WEEK_START, as_of=WEEK_END)


def test_the_report_gives_a_la_week_on_the_brands_clock_across_its_clock_change(week):
    document = re.sub(r"</?span>", "", report.build_html(week))  # a time's two halves (report._on_two_lines)
    assert "requests from 2026-03-02 00:00 PST to 2026-03-08 23:59 PDT" in document
    assert "As of 2026-03-08 23:59 PDT" in document
    assert "Times are on the brand&#x27;s clock, America/Los_Angeles (PST = UTC-08:00, PDT = UTC-07:00" in document
    evidence = document[document.index('<h2 id="evidence">'):document.index('<h2 id="coverage">')]
    assert ">2026-03-02 00:30 PST<" in evidence  # c1, 08:30 UTC
    deflections = document[document.index('<h2 id="deflections">'):document.index('<h2 id="deleted">')]
    assert ">2026-03-08 10:00 PDT<" in deflections  # b1, 17:00 UTC: after the change, seven hours behind
    assert not re.findall(r"\d\d:\d\d UTC", document)  # no time left on UTC's clock
    # every printed page's running head gives the period as the first page does
    assert report._css_string("requests from 2026-03-02 00:00 PST to 2026-03-08 23:59 PDT") in document


def test_the_files_write_the_brands_clock_with_its_offset(week, la_db):
    [row] = list(csv.DictReader(io.StringIO(audit.evidence_csv(week).decode())))
    assert row["requested_at"] == "2026-03-02T00:30:00-08:00"
    assert row["late_response_at"] == "2026-03-08T10:00:00-07:00"
    assert (row["since"], row["as_of"]) == ("2026-03-02T00:00:00-08:00", "2026-03-08T23:59:59.999999-07:00")
    with warehouse.connect_readonly(la_db) as con:
        requests = audit.all_requests(con, "Acme", None, week.as_of, week.since, 72, 60)
        deflections = audit.all_deflections(con, "Acme", None, week.as_of, week.since)
    assert {str(requests["requested_at"].dt.tz), str(deflections["responded_at"].dt.tz)} == {"America/Los_Angeles"}
    assert str(requests["as_of"].dt.tz) == "America/Los_Angeles"


def test_the_command_a_la_report_states_names_its_times_and_makes_it_again(week, la_db, tmp_path):
    out = tmp_path / "evidence.csv"
    command = week.command(str(out))
    assert "--since 2026-03-02T00:00:00-08:00 --as-of 2026-03-08T23:59:59.999999-07:00" in command
    done = etl(*shlex.split(command)[3:], "--db", la_db)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == audit.evidence_csv(week)
    html_out = tmp_path / "report.html"
    assert etl(*shlex.split(week.command(str(html_out)))[3:], "--db", la_db).returncode == 0
    assert "requests from 2026-03-02 00:00 PST to 2026-03-08 23:59 PDT" in html_out.read_text()


def test_the_page_states_the_week_on_the_brands_clock(la_db, monkeypatch):
    import json
    at = page_test("audit", la_db, monkeypatch)
    at.query_params.update({"tz": "America/Los_Angeles", "from": "2026-03-02", "to": "2026-03-08"})
    at.run()
    assert not at.exception
    [caption] = [printed(c.value) for c in at.caption if "Evaluated as of" in c.value]
    assert caption.startswith("Evaluated as of 2026-03-08 23:59 PDT (the end of the chosen dates, or the newest "
                              "mention if earlier), requests from 2026-03-02 00:00 PST (the dates chosen in "
                              "America/Los_Angeles). Times are on the brand's clock, America/Los_Angeles (PST = ")
    assert "sidebar" not in caption  # the sidebar's clock is the brand's
    [grid] = [d for d in at.dataframe if "requested_at" in d.value and "age_hours" in d.value]
    assert json.loads(grid.proto.columns)["requested_at"]["label"] == "requested at (America/Los_Angeles)"
    [deflections] = [d for d in at.dataframe if "responded_at" in d.value]
    labels = json.loads(deflections.proto.columns)
    assert labels["requested_at"]["label"] == "requested at (newest first, America/Los_Angeles)"
    assert labels["responded_at"]["label"].endswith("(America/Los_Angeles)")


def test_a_week_chosen_on_another_clock_says_so_beside_the_brands(week):
    note = audit_dashboard.period_note(week, "Asia/Singapore")
    assert note.startswith("Evaluated as of 2026-03-08 23:59 PDT (the end of the chosen dates, or the newest "
                           "mention if earlier, 2026-03-09 14:59 UTC+08:00 on the sidebar's clock), requests from "
                           "2026-03-02 00:00 PST (the dates chosen in Asia/Singapore). Times are on the brand's")


@pytest.mark.parametrize("settings", [None, {"Acme": {"industry": "telecoms"}}])
def test_a_brand_with_no_zone_of_its_own_is_said_to_be_in_utc(tmp_path, settings):
    # a brand with no zone set read 'Times are on the brand's clock, UTC (UTC)' (a review); one
    # saved with its industry alone had 'UTC' stored as its zone, and read as set
    db = load_rows(tmp_path, [msg("c1", "u1", 0, when=utc(2026, 3, 2, 8, 30))], brand_settings=settings)
    with warehouse.connect_readonly(db) as con:
        result = audit.build_audit(con, "Acme", since=utc(2026, 3, 2), as_of=utc(2026, 3, 8, 23, 59))
    note = result.clock_note
    # and with no zone set, UTC is said to be no zone of the brand's: a Kolkata brand loaded without
    # one had its hours judged in UTC as if they were its own (a review)
    assert note == ("Times are in UTC (no time zone set for Acme), as the hours of the week are; the CSV files "
                    "write each with its offset from UTC."), note
    # the handed-over report's heatmap said 'in UTC' bare, beside a note that says no zone was set
    assert "Response rate per hour of the week in UTC (no time zone set for Acme) (blue" in report.build_html(result)


def test_a_brand_whose_zone_is_set_to_utc_is_in_utc_alone(tmp_path):
    db = load_rows(tmp_path, [msg("c1", "u1", 0, when=utc(2026, 3, 2, 8, 30))],
                   brand_settings={"Acme": {"timezone": "UTC"}})
    with warehouse.connect_readonly(db) as con:
        note = audit.build_audit(con, "Acme", since=utc(2026, 3, 2), as_of=utc(2026, 3, 8, 23, 59)).clock_note
    assert note.startswith("Times are in UTC, as the hours of the week are"), note
