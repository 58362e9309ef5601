"""app/sql's shared fragments (app.queries.sql_text): a query that names one on a line alone
runs with it written out, and one it names that is not there fails loudly."""

from __future__ import annotations

import re

import pytest

from app import queries


def test_every_fragment_a_query_names_is_written_out():
    for path in sorted(queries.SQL_DIR.glob("*.sql")):
        assert not re.search(r"^\{\w+\}$", queries.sql_text(path.stem), re.MULTILINE), path.name


SHARED = [
    ("audit_scope", ("audit_requests", "audit_ignored_complaints", "audit_deflections", "audit_comments")),
    ("cascade_selection", ("risk_cascades", "risk_open_high", "risk_cost_of_silence", "risk_any_cascade",
                           "risk_cascade_at")),
    # a cascade opened by its root (the One cascade view's link) is the list's row
    ("risk_cascade_columns", ("risk_cascades", "risk_cascade_at")),
    # the ranking's cut and its list rank the same rows: a condition in one alone would cut the list wrong
    ("risk_cascades_rows", ("risk_cascades", "risk_cascades_cut")),
    ("care_selection", ("care_requests_scope", "care_ignored", "care_deflections", "care_comments_scope")),
    ("deflection_columns", ("audit_deflections", "care_deflections")),
    ("open_complaint", ("risk_author_open_complaints", "risk_author_open_complaints_all", "risk_cascades",
                        "risk_open_high")),
    ("chosen_brands_platforms_pages", ("care_deleted", "care_selection", "chosen_slots", "complete_export_pages",
                                       "customer_mentions_chosen", "overview_volume", "risk_influencers",
                                       "trends_brand_starts", "trends_negative_counts_slots")),
    ("chosen_slots", ("overview_volume_slots", "trends_reasons_slots", "trends_volume_slots")),
    ("complete_export_pages", ("care_brands_compared", "care_complete_exports")),
    ("customer_mentions_chosen", ("trends_mentions", "trends_negative_counts", "trends_reasons", "trends_volume")),
    ("share_of_voice_sets", ("trends_share_of_voice", "trends_share_of_voice_slots")),
]


@pytest.mark.parametrize("fragment, names", SHARED)
def test_the_lists_of_one_scope_share_it(fragment, names):
    """Queries that must select alike read one fragment, not copies that could drift apart (the
    audit's and the Ghost Town's deflection lists, for one, show the same columns)."""
    for name in names:
        assert _code(fragment) in _code(name), name


def test_every_fragment_has_its_row_above():
    """A new fragment is declared in SHARED with the queries that must keep reading it."""
    named = {name for path in queries.SQL_DIR.glob("*.sql")
             for name in re.findall(r"^\{(\w+)\}$", path.read_text(), re.MULTILINE)}
    assert named == {fragment for fragment, _ in SHARED}


def _code(name: str) -> str:
    """A query or fragment as written out, without its comment lines (a fragment that names
    another holds that one's comments in the middle of its own code)."""
    return "\n".join(line for line in queries.sql_text(name).splitlines() if not line.startswith("--"))


def test_a_fragment_that_is_not_there_fails(tmp_path, monkeypatch):
    (tmp_path / "query.sql").write_text("SELECT 1 FROM t\n{no_such_fragment}\n")
    monkeypatch.setattr(queries, "SQL_DIR", tmp_path)
    queries.sql_text.cache_clear()
    try:
        with pytest.raises(FileNotFoundError):
            queries.sql_text("query")
    finally:
        queries.sql_text.cache_clear()
