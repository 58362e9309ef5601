"""The refresh after a load: steps that read only mentions are skipped when a load adds or
changes no mention, and run whenever their table is missing."""

from __future__ import annotations

import shutil

import pytest

from etl import pipeline, warehouse


@pytest.fixture
def db(dashboard_db, tmp_path):
    copy = tmp_path / "reputation.duckdb"
    shutil.copyfile(dashboard_db, copy)
    return copy


def _cascades(path):
    with warehouse.connect_readonly(path) as con:
        return con.execute("SELECT root_id, size, predicted_final_size FROM cascades ORDER BY root_id").fetchall()


def test_no_changed_mention_skips_the_mention_only_steps(db):
    before = _cascades(db)
    with warehouse.writer(db) as con:
        ran = pipeline.refresh(con, show_progress=False, mentions_changed=False)
    assert ran == ["care models"]
    assert _cascades(db) == before


def test_changed_mentions_run_every_step(db):
    with warehouse.writer(db) as con:
        assert pipeline.refresh(con, show_progress=False) == [name for name, *_ in pipeline.STEPS]


def test_a_missing_table_is_made_even_without_changes(db):
    with warehouse.writer(db) as con:
        con.execute("DROP TABLE cascades")
        ran = pipeline.refresh(con, show_progress=False, mentions_changed=False)
    assert "cascades" in ran and _cascades(db)
