"""The refresh after a load: the cascades are skipped when a load adds or changes no mention
and their table was made by the current code; everything else always runs."""

from __future__ import annotations

import shutil

import pytest

from etl import cascade_metrics, models, pipeline, scores, warehouse
from etl.text import SCORER_VERSION


@pytest.fixture
def db(dashboard_db, tmp_path):
    copy = tmp_path / "reputation.duckdb"
    shutil.copyfile(dashboard_db, copy)
    return copy


def _cascades(path):
    with warehouse.connect_readonly(path) as con:
        return con.execute("SELECT root_id, size, predicted_final_size FROM cascades ORDER BY root_id").fetchall()


def test_no_changed_mention_skips_current_cascades(db, monkeypatch):
    def must_not_run(con):
        raise AssertionError("the cascades were recomputed")

    monkeypatch.setattr(cascade_metrics, "materialise", must_not_run)
    with warehouse.writer(db) as con:
        ran = pipeline.refresh(con, show_progress=False, mentions_changed=False)
    assert ran == ["text scores", "care models"]


def test_cascades_made_by_other_code_are_recomputed_without_changes(db):
    with warehouse.writer(db) as con:
        con.execute("COMMENT ON TABLE cascades IS 'code of an older release'")
        ran = pipeline.refresh(con, show_progress=False, mentions_changed=False)
    assert "cascades" in ran
    with warehouse.connect_readonly(db) as con:
        stamp = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'cascades'").fetchall()
    assert stamp == [(cascade_metrics.STAMP[1],)]


_MODULE = '''"""A module."""

LIMIT = 3  # at most three


def top(values):
    """The first LIMIT."""
    return values[:LIMIT]
'''


@pytest.mark.parametrize(("edited", "same"), [
    (_MODULE.replace("# at most three", "# no more than three"), True),
    (_MODULE.replace('"""The first LIMIT."""', '"""The first few values."""'), True),
    (_MODULE.replace('"""A module."""', '"""A module,\n\nsaid at length."""\n\n'), True),  # lines move
    (_MODULE.replace("LIMIT = 3", "LIMIT = 4"), False),
    (_MODULE.replace("values[:LIMIT]", "values[LIMIT:]"), False),
    (_MODULE.replace('    """The first LIMIT."""\n', "    # the first LIMIT\n"), True),
], ids=["comment", "docstring", "lines moved", "constant", "expression", "docstring to comment"])
def test_the_code_stamp_ignores_comments_and_docstrings_not_code(tmp_path, edited, same):
    before, after = tmp_path / "before.py", tmp_path / "after.py"
    before.write_text(_MODULE)
    after.write_text(edited)
    assert edited != _MODULE
    assert (cascade_metrics.code_of(before) == cascade_metrics.code_of(after)) is same


def test_the_code_stamp_reads_sql_as_written(tmp_path):
    before, after = tmp_path / "before.sql", tmp_path / "after.sql"
    before.write_text("SELECT 1 -- one\n")
    after.write_text("SELECT 1 -- the number one\n")
    assert cascade_metrics.code_of(before) != cascade_metrics.code_of(after)


def test_scores_of_an_older_scorer_are_replaced_without_changes(db):
    with warehouse.writer(db) as con:
        con.execute("UPDATE mention_scores SET scorer_version = 'older'")
        ran = pipeline.refresh(con, show_progress=False, mentions_changed=False)
    assert "cascades" in ran  # they read the scores' flags
    with warehouse.connect_readonly(db) as con:
        versions = con.execute("SELECT DISTINCT scorer_version FROM mention_scores").fetchall()
    assert versions == [(SCORER_VERSION,)]


def _derived(path):
    """What rests on the scores: the care requests, the cascades' complaint flags and risk."""
    with warehouse.connect_readonly(path) as con:
        return con.execute("""
            SELECT (SELECT count(*) FROM care_requests),
                   (SELECT count(*) FILTER (WHERE is_complaint) FROM cascades),
                   (SELECT round(sum(amplification_risk), 6) FROM cascades)""").fetchall()[0]


def _as_an_older_scorer_left_it(path):
    """Scores of another version that flagged no complaint, and the tables built on them."""
    with warehouse.writer(path) as con:
        con.execute("""UPDATE mention_scores SET scorer_version = 'older', is_complaint = false,
                       needs_reply = is_question, complaint_reason = NULL""")
        models.build_models(con)
        cascade_metrics.materialise(con)


def test_a_warehouse_of_an_older_scorer_is_rescored_with_what_rests_on_the_scores(db):
    current = _derived(db)
    _as_an_older_scorer_left_it(db)
    assert _derived(db) != current
    assert pipeline.refresh_outdated(db) == list(pipeline.STEPS)
    assert _derived(db) == current
    with warehouse.connect_readonly(db) as con:
        assert not scores.outdated(con)
    before = warehouse.generation(db)
    assert pipeline.refresh_outdated(db) == []  # nothing outdated: no writer, nothing published
    assert warehouse.generation(db) == before


def test_cascades_of_older_code_are_recomputed_alone(db, monkeypatch):
    def must_not_run(con):
        raise AssertionError("the care models were rebuilt")

    with warehouse.writer(db) as con:
        con.execute("COMMENT ON TABLE cascades IS 'code of an older release'")
    monkeypatch.setattr(models, "build_models", must_not_run)
    assert pipeline.refresh_outdated(db) == ["cascades"]
    with warehouse.connect_readonly(db) as con:
        assert not pipeline.outdated(con)
    assert _cascades(db)


def test_a_session_that_waited_for_anothers_refresh_publishes_nothing(db, monkeypatch):
    real, seen = pipeline.outdated, []

    def outdated_until_the_writer(con):
        seen.append(con)
        return len(seen) == 1 or real(con)

    monkeypatch.setattr(pipeline, "outdated", outdated_until_the_writer)
    before = warehouse.generation(db)
    assert pipeline.refresh_outdated(db) == []
    assert len(seen) == 2 and warehouse.generation(db) == before
    assert not list(db.parent.glob(db.name + ".next-*"))


def test_changed_mentions_run_every_step(db):
    with warehouse.writer(db) as con:
        assert pipeline.refresh(con, show_progress=False) == list(pipeline.STEPS)


def test_a_missing_table_is_made_even_without_changes(db):
    with warehouse.writer(db) as con:
        con.execute("DROP TABLE cascades")
        ran = pipeline.refresh(con, show_progress=False, mentions_changed=False)
    assert "cascades" in ran and _cascades(db)


def test_a_load_names_each_stage_as_it_starts(tmp_path):
    """The progress bars of the demo build and of an upload label the stage running: a label
    naming only the files sat still through the scores and models, as if the load were done."""
    from care_fixtures import brand_msg, load_rows, msg
    told = []
    load_rows(tmp_path, [msg("r0", "u0", 0), brand_msg("a0", 5, parent="r0")], on_step=told.append)
    assert told == ["reading the file", *(f"updating the {step}" for step in pipeline.STEPS), "publishing"]
