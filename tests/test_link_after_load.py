"""A link opened before a load that brings what it names: while the user has changed no
filter, the session shows what the link asks of the database now published, and its notes
say what that database lacks, not what the one before it did."""

from __future__ import annotations

from datetime import timedelta

from app_support import page_test, printed
from support import CANONICAL_HEADER, load, scalar, write_bytes

NEW_BRAND = "Larkspur Lenses"


def test_a_links_brand_and_dates_loaded_later_are_shown_and_no_longer_said_missing(fresh_db, tmp_path, monkeypatch):
    newest = scalar(fresh_db, "SELECT max(created_at) FROM mentions")
    first = scalar(fresh_db, "SELECT min(created_at) FROM mentions").date()
    asked_to = newest.date() + timedelta(days=5)  # within what the load brings, not after it
    at = page_test("overview", fresh_db, monkeypatch)
    at.query_params["brand"] = [NEW_BRAND]
    at.query_params["to"] = asked_to.isoformat()
    at.run()
    assert _notes(at) and at.multiselect(key="filter_brands").value == []
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=10))

    at.run()
    assert not at.exception
    assert at.multiselect(key="filter_brands").value == [NEW_BRAND]
    assert at.date_input(key="filter_dates").value == (first, asked_to)
    assert not [note for note in _notes(at) if "not in this database" in note or "the data runs" in note], _notes(at)


def test_filters_the_user_changed_stay_after_a_load(fresh_db, tmp_path, monkeypatch):
    newest = scalar(fresh_db, "SELECT max(created_at) FROM mentions")
    at = page_test("overview", fresh_db, monkeypatch)
    at.query_params["brand"] = [NEW_BRAND]
    at.run()
    brand = at.multiselect(key="filter_brands").options[0]
    at.multiselect(key="filter_brands").select(brand).run()
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=10))

    at.run()
    assert at.multiselect(key="filter_brands").value == [brand]
    assert not _notes(at)


def _notes(at) -> list[str]:
    return [printed(warning.value) for warning in at.sidebar.warning]


def _load_brand_until(db, folder, last) -> None:
    """Fictional complaints to NEW_BRAND, one a day up to `last`."""
    rows = [f"twitter:660{day},twitter,{NEW_BRAND},@LarkspurLenses,6{day},lens_fan{day},90,false,"
            f"{(last - timedelta(days=day)).isoformat()},@LarkspurLenses my lenses never came,post,,"
            for day in range(12)]
    [report] = load(db, "csv", write_bytes(folder, "larkspur.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n"))
    assert report.status == "complete", report.message

