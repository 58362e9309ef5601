"""An audit of a brand whose data ends before the database's: its own export, loaded beside
another brand's that runs on. At the database's newest mention its last complaints read as
ignored with nothing of the brand's after them (a review: one posted 54 h before its file ended
was evidence '612.9 h' old). Where the brand has no mention in the horizon before the as-of
moment, the audit says so, counts the ignored complaints in doubt and gives the audit as of that
end, without changing the numbers every page shows. A period that holds none of the brand's
requests says where its data runs, rather than reading as a clean bill."""

from __future__ import annotations

from datetime import timedelta

import pytest
from app_support import page_test, printed
from care_fixtures import DAY, at, brand_msg, load_rows, msg, set_scores
from support import etl

from app import audit, report
from etl import warehouse

HORIZON_HOURS = 72
ACME_END = 2 * DAY  # Acme's newest mention (a complaint), in minutes after T0


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """Acme: a complaint answered in 30 minutes, and one at ACME_END, where its data ends.
    Bolt's data runs on for 30 days."""
    rows = [msg("c1", "u1", 0), brand_msg("b1", 30, parent="c1"), msg("c2", "u2", ACME_END),
            msg("k1", "v1", 0, brand="Bolt"), brand_msg("kb1", 10, parent="k1", brand="Bolt"),
            msg("k2", "v2", 30 * DAY, brand="Bolt")]
    db = load_rows(tmp_path_factory.mktemp("data_end"), rows)
    set_scores(db, {m: {"complaint": True, "needs_reply": True, "label": "negative"} for m in ("c1", "c2", "k1", "k2")})
    return db


def build(db, brand="Acme", **kw):
    with warehouse.connect_readonly(db) as con:
        return audit.build_audit(con, brand, horizon_hours=HORIZON_HOURS, **kw)


def test_a_brand_whose_data_ended_is_said_to_with_the_complaints_in_doubt(db):
    result = build(db)
    assert result.as_of == at(30 * DAY)  # the moment every page takes
    assert (result.summary["answered"], result.summary["ignored"], result.summary["pending"]) == (1, 1, 0)
    note = result.data_end_note
    assert note.startswith(f"Acme's data ends at {result.local_minute(at(ACME_END))}, 28 days before the as-of moment")
    assert "1 of the ignored complaints was posted then" in note
    assert note.endswith(f"--as-of {result.local_iso(at(ACME_END))} (on the dashboard, dates ending 2024-01-10).")
    assert note in report.build_html(result).replace("&#x27;", "'")


def test_the_audit_as_of_that_end_counts_them_pending(db):
    result = build(db, as_of=at(ACME_END))
    assert (result.summary["answered"], result.summary["ignored"], result.summary["pending"]) == (1, 0, 1)
    assert not result.data_end_note


@pytest.mark.parametrize("hours_after, said", [(HORIZON_HOURS - 1, False), (HORIZON_HOURS, True)])
def test_only_a_brand_silent_for_a_whole_horizon_is_said_to_have_ended(db, hours_after, said):
    result = build(db, as_of=at(ACME_END) + timedelta(hours=hours_after))
    assert bool(result.data_end_note) is said


def test_a_brand_whose_data_runs_on_is_not_said_to_have_ended(db):
    assert not build(db, "Bolt").data_end_note


def test_the_command_line_says_it_too(db, tmp_path):
    out = tmp_path / "acme.html"
    done = etl("audit", "--brand", "Acme", "--db", str(db), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "etl: audit: Acme's data ends at" in done.stderr


def test_a_period_with_none_of_the_brands_requests_says_where_its_data_runs(db):
    result = build(db, since=at(10 * DAY))
    assert result.summary.get("requests", 0) == 0
    assert result.grading_said.endswith(f"Acme's mentions run from {result.local_minute(at(0))} "
                                        f"to {result.local_minute(at(ACME_END))}.")
    document = report.build_html(result).replace("&#x27;", "'")
    assert "No recommendation: the period holds no care request to judge." in document
    assert "No rule triggered" not in document


def test_the_page_warns_of_it(db, monkeypatch):
    at = page_test("audit", db, monkeypatch).run()
    at.selectbox(key="audit_brand").select("Acme").run()
    assert not at.exception
    assert any(printed(w.value).startswith("Acme's data ends at") for w in at.warning)
    at.selectbox(key="audit_brand").select("Bolt").run()
    assert not any("data ends at" in w.value for w in at.warning)
