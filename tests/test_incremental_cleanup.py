"""An added load's care step leaves none of its temporary tables behind: the cascade step
after it, in the same writer, binds `stg_mentions` and the marts temporary schema first, so
a narrowed one left over would be read in place of the stored one."""

from __future__ import annotations

from etl.models import incremental
from care_fixtures import brand_msg, load_rows, msg


def test_an_added_loads_update_drops_every_temporary_table_it_made(tmp_path, monkeypatch):
    db = load_rows(tmp_path, [msg("c1", "alice", 0), msg("c2", "bob", 5)], name="base.csv")
    monkeypatch.setattr(incremental, "_MOST_TOUCHED", 1.0)  # a small history: narrow regardless
    left = []
    real = incremental.update

    def update_then_list_temporaries(con, first_load_id):
        updated = real(con, first_load_id)
        left.append((updated, {name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'temp'").fetchall()}))
        return updated

    monkeypatch.setattr(incremental, "update", update_then_list_temporaries)
    load_rows(tmp_path, [msg("c3", "carol", 60 * 24 * 8), brand_msg("b1", 30, parent="c1")],
              name="increment.csv", db=db)
    [(updated, temporaries)] = left
    assert updated, "the load should have been an added one, updated in place"
    made = {m.name for m in incremental.load_models().values() if m.incremental} | set(incremental._STAGING) | {
        "_new", "_touched_roots", "_touched_stored", "_touched", "_slots", "_score_rows", "_codes", "_hours",
        "_rows", "_renumbered", "mention_scores", "mentions"}
    assert not temporaries & made, f"left behind: {sorted(temporaries & made)}"
