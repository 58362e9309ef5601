"""A link opened before a load that brings what it names: while the user has changed no
filter, the session shows what the link asks of the database now published, and its notes
say what that database lacks, not what the one before it did."""

from __future__ import annotations

import re
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


def _load_brand_until(db, folder, last, ids="660") -> None:
    """Fictional complaints to NEW_BRAND, one a day up to `last` (mention ids starting `ids`)."""
    rows = [f"twitter:{ids}{day},twitter,{NEW_BRAND},@LarkspurLenses,6{day},lens_fan{day},90,false,"
            f"{(last - timedelta(days=day)).isoformat()},@LarkspurLenses my lenses never came,post,,"
            for day in range(12)]
    [report] = load(db, "csv", write_bytes(folder, f"larkspur{ids}.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n"))
    assert report.status == "complete", report.message


def test_dates_chosen_up_to_the_newest_day_run_on_to_the_days_a_load_brings(fresh_db, tmp_path, monkeypatch):
    """A care agent's 'since Monday' ends on the newest day when chosen: complaints loaded on
    the days after reach the care queue, as a fresh open of the page's link (no to=) shows them;
    a range ending earlier keeps its end."""
    newest = scalar(fresh_db, "SELECT max(created_at) FROM mentions")
    since = newest.date() - timedelta(days=6)
    at = page_test("amplification", fresh_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((since, newest.date())).run()
    queued = _queue_total(at)
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=10))

    at.run()
    assert not at.exception
    assert at.date_input(key="filter_dates").value == (since, (newest + timedelta(days=10)).date())
    new_open = scalar(fresh_db, "SELECT count(*) FROM cascades WHERE brand = ? AND is_complaint AND NOT answered "
                                "AND root_created_at >= ?", [NEW_BRAND, since])
    assert new_open > 0 and _queue_total(at) == queued + new_open
    at.date_input(key="filter_dates").set_value((since, since)).run()
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=11), ids="661")
    at.run()
    assert at.date_input(key="filter_dates").value == (since, since)


def test_dates_that_moved_with_the_data_say_what_was_chosen_until_dates_are_picked_again(fresh_db, tmp_path,
                                                                                          monkeypatch):
    """The widget shows only the new dates: an analyst's '1-30 Nov' read '1 Nov-1 Dec' after a
    load with nothing to say it had moved. All dates, never chosen, move without a note."""
    newest = scalar(fresh_db, "SELECT max(created_at) FROM mentions")
    since = newest.date() - timedelta(days=6)
    at = page_test("overview", fresh_db, monkeypatch).run()
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=1), ids="662")
    at.run()
    assert not _moved_notes(at)
    at.date_input(key="filter_dates").set_value((since, (newest + timedelta(days=1)).date())).run()
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=10))
    at.run()
    assert _moved_notes(at) == [f"Chosen as {since:%-d %b %Y} to {newest + timedelta(days=1):%-d %b %Y}"]
    at.date_input(key="filter_dates").set_value((since, since)).run()
    assert not _moved_notes(at)


def _moved_notes(at) -> list[str]:
    return [c.value.split(":")[0] for c in at.sidebar.caption if "moves with the data" in c.value]


def test_last_seven_days_stay_the_last_seven_after_a_load(fresh_db, tmp_path, monkeypatch):
    """'Last 7 days' rolls on with the data, both ends: run on at the end only, it grew to
    eight days and more with each load (a code review); dates the user then picks stay put."""
    newest = scalar(fresh_db, "SELECT max(created_at) FROM mentions")
    at = page_test("overview", fresh_db, monkeypatch).run()
    at.button[[b.label for b in at.button].index("Last 7 days")].click().run()
    assert at.date_input(key="filter_dates").value == (newest.date() - timedelta(days=6), newest.date())
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=10))
    at.run()
    assert not at.exception
    last = (newest + timedelta(days=10)).date()
    assert at.date_input(key="filter_dates").value == (last - timedelta(days=6), last)
    at.date_input(key="filter_dates").set_value((last - timedelta(days=2), last)).run()
    _load_brand_until(fresh_db, tmp_path, newest + timedelta(days=11), ids="661")
    at.run()
    assert at.date_input(key="filter_dates").value == (last - timedelta(days=2), last + timedelta(days=1))


def _queue_total(at) -> int:
    """The open complaints the care queue's caption says it lists of."""
    [total] = [int(m[1].replace(",", "")) for c in at.caption
               if (m := re.match(r"(?:All|The first [\d,]+ of) ([\d,]+) open complaints", c.value))]
    return total
