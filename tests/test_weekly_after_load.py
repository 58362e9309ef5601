"""The Weekly page of an open session when a load makes a later week complete: a session on
the last complete week moves on with it, as a new session opens there; a week picked stays."""

from __future__ import annotations

from datetime import timedelta

from app_support import page_test
from support import CANONICAL_HEADER, load, scalar, write_bytes


def test_a_session_on_the_last_complete_week_follows_it_after_a_load(fresh_db, tmp_path, monkeypatch):
    at = page_test("weekly", fresh_db, monkeypatch).run()
    before = at.selectbox(key="weekly_week").value
    _load_two_later_weeks(fresh_db, tmp_path)

    at.run()
    opened = page_test("weekly", fresh_db, monkeypatch).run().selectbox(key="weekly_week").value
    assert opened != before, "the load makes a later week the last complete one"
    assert at.selectbox(key="weekly_week").value == opened
    assert "week" not in at.query_params, "the default week stays out of the link"


def test_a_week_picked_stays_after_a_load(fresh_db, tmp_path, monkeypatch):
    at = page_test("weekly", fresh_db, monkeypatch).run()
    picked = at.selectbox(key="weekly_week").options[3].split(" · ")[0]  # its label: week · days
    at.selectbox(key="weekly_week").set_value(picked).run()
    _load_two_later_weeks(fresh_db, tmp_path)

    at.run()
    assert at.selectbox(key="weekly_week").value == picked


def _load_two_later_weeks(db, folder) -> None:
    """Fictional complaints every day of the fortnight after the newest mention."""
    newest = scalar(db, "SELECT max(created_at) FROM mentions")
    rows = [f"twitter:770{day},twitter,Larkspur Lenses,@LarkspurLenses,5{day},lens_fan{day},80,false,"
            f"{(newest + timedelta(days=day)).isoformat()},@LarkspurLenses still no refund for order {day},post,,"
            for day in range(1, 16)]
    [report] = load(db, "csv", write_bytes(folder, "later.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n"))
    assert report.status == "complete", report.message
