"""app/sql's shared fragments (app.queries.sql_text): a query that names one on a line alone
runs with it written out, and one it names that is not there fails loudly."""

from __future__ import annotations

import re

import pytest

from app import queries


def test_every_fragment_a_query_names_is_written_out():
    for path in sorted(queries.SQL_DIR.glob("*.sql")):
        assert not re.search(r"^\{\w+\}$", queries.sql_text(path.stem), re.MULTILINE), path.name


@pytest.mark.parametrize("fragment, names", [
    ("audit_scope", ("audit_requests", "audit_ignored_complaints", "audit_deflections", "audit_comments")),
    ("cascade_selection", ("risk_cascades", "risk_open_high", "risk_cost_of_silence", "risk_any_cascade")),
    ("care_selection", ("care_requests_scope", "care_ignored", "care_deflections", "care_comments_scope")),
])
def test_the_lists_of_one_scope_share_it(fragment, names):
    scope = [line for line in queries.sql_text(fragment).splitlines() if not line.startswith("--")]
    for name in names:
        assert "\n".join(scope) in queries.sql_text(name), name


def test_the_deflection_lists_share_their_columns():
    """The audit's and the Ghost Town's deflection lists read alike: one column list, not two copies."""
    columns = [line for line in queries.sql_text("deflection_columns").splitlines() if not line.startswith("--")]
    for name in ("audit_deflections", "care_deflections"):
        assert "\n".join(columns) in queries.sql_text(name), name


def test_a_fragment_that_is_not_there_fails(tmp_path, monkeypatch):
    (tmp_path / "query.sql").write_text("SELECT 1 FROM t\n{no_such_fragment}\n")
    monkeypatch.setattr(queries, "SQL_DIR", tmp_path)
    queries.sql_text.cache_clear()
    try:
        with pytest.raises(FileNotFoundError):
            queries.sql_text("query")
    finally:
        queries.sql_text.cache_clear()
