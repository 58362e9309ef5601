"""A load that publishes while a session's run is drawing: the run shows one database.

The sidebar is drawn first, then the page; a load publishing in between left the sidebar
(its brands, its dates) of the old database and the page's figures of the new one, on one
screen until the user touched something."""

from __future__ import annotations

import io
import shutil
from datetime import timedelta

import pandas as pd
from app_support import download_buttons, downloaded, shell_test
from support import CANONICAL_HEADER, load, scalar, write_bytes

from app import filters


def test_a_load_publishing_mid_run_leaves_that_run_on_one_database(fresh_db, tmp_path, monkeypatch):
    twin = tmp_path / "twin" / "reputation.duckdb"  # the same state under another path: its own cache keys
    twin.parent.mkdir()
    shutil.copyfile(fresh_db, twin)
    expected = _figures(shell_test(twin, monkeypatch).run())
    extra = _complaints_inside_the_data(fresh_db, tmp_path)
    _load_between_sidebar_and_page(monkeypatch, fresh_db, extra)

    at = shell_test(fresh_db, monkeypatch).run()
    assert not at.exception
    assert "Larkspur Lenses" not in at.multiselect(key="filter_brands").options  # the sidebar: before the load
    assert _figures(at) == expected, "the page's figures are of the database its sidebar shows"

    at.run()  # the next run reads the new state, sidebar and page alike
    assert "Larkspur Lenses" in at.multiselect(key="filter_brands").options
    assert _figures(at) != expected


def _figures(at) -> dict:
    return {metric.label: metric.value for metric in at.metric}


def _complaints_inside_the_data(db, folder, brand="Larkspur Lenses", handle="@LarkspurLenses"):
    """A file of fictional complaints a day before the newest mention: inside the dates the
    sidebar offers before it is loaded, so the page's figures change with it."""
    newest = scalar(db, "SELECT max(created_at) FROM mentions")
    rows = [f"twitter:880{i},twitter,{brand},{handle},4{i},lens_fan{i},120,false,"
            f"{(newest - timedelta(days=1, minutes=i)).isoformat()},"
            f"{handle} my order {i} never arrived and nobody answers,post,,"
            for i in range(12)]
    return write_bytes(folder, "complaints.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n")


def _load_between_sidebar_and_page(monkeypatch, db, extra) -> None:
    """The shell draws the sidebar, then the assumption inputs, then the page: the load
    publishes as the assumption inputs are drawn, once."""
    draw_inputs, done = filters.assumption_inputs, []

    def load_first():
        if not done:
            [report] = load(db, "csv", extra)
            assert report.status == "complete", report.message
            done.append(report)
        return draw_inputs()
    monkeypatch.setattr(filters, "assumption_inputs", load_first)


def test_a_file_built_when_clicked_is_of_the_database_its_page_showed(fresh_db, tmp_path, monkeypatch):
    """The whole care queue is read when its button is clicked: read from the newest state, a
    load since the page was drawn put rows in the file that its button's count had not."""
    given = download_buttons(monkeypatch)
    at = shell_test(fresh_db, monkeypatch)
    at.switch_page("pages/amplification.py").run()
    assert not at.exception
    before = _queue_file(given)
    [report] = load(fresh_db, "csv", _complaints_inside_the_data(fresh_db, tmp_path))
    assert report.status == "complete", report.message

    assert _queue_file(given).equals(before), "a click after the load: the page's state, not the load's"
    at.run()  # the page drawn again offers the new state's queue
    assert "Larkspur Lenses" in set(_queue_file(given)["brand"]) - set(before["brand"])


def _queue_file(given) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(downloaded(given, "risk_queue_csv")))


def test_an_audit_export_made_after_a_load_is_of_the_audit_shown(fresh_db, tmp_path, monkeypatch):
    """The audit's files are built when clicked: its requests CSV, read from the newest state,
    listed requests a load had added since, which its scorecard's counts had not."""
    given = download_buttons(monkeypatch)
    at = shell_test(fresh_db, monkeypatch)
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    brand = at.selectbox(key="audit_brand").value
    handle = scalar(fresh_db, "SELECT any_value(page) FROM mentions WHERE brand = ? AND platform = 'twitter' "
                              "AND page LIKE '@%'", [brand])
    before = pd.read_csv(io.BytesIO(downloaded(given, "audit_requests_csv")))
    [report] = load(fresh_db, "csv", _complaints_inside_the_data(fresh_db, tmp_path, brand, handle))
    assert report.status == "complete", report.message

    after = pd.read_csv(io.BytesIO(downloaded(given, "audit_requests_csv")))
    assert len(after) == len(before), "a click after the load: the audit shown, not the load's"
    at.run()
    assert len(pd.read_csv(io.BytesIO(downloaded(given, "audit_requests_csv")))) > len(before)
