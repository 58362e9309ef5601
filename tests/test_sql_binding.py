"""Every query binds its parameters. SQL text built by interpolation is allowed only for
pieces reviewed as code-controlled (identifiers from fixed mappings, a quoted path); a new
interpolated SQL string fails here until someone reviews it and lists it with its reason.
A second test sends hostile values through the query functions that take user filters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SQL_METHODS = {"execute", "executemany", "sql", "query"}

# (file, interpolated expression) -> why it cannot carry user input.
REVIEWED = {
    ("etl/cli.py", "', '.join(LOADS_COLUMNS)"): "fixed column tuple",
    ("etl/metrics.py", "sql.format(by_select=by_select, by_names=by_names, in_scope=_IN_SCOPE)"):
        "by names validated by check_by against BY_COLUMNS, their expressions looked up there; "
        "the scope is etl/care_scope.sql",
    ("etl/warehouse.py", "quoted"): "database path with quotes doubled; ATTACH takes no parameters",
    ("etl/cascade_metrics.py", "name"): "table name: the literal 'cascades' or 'cascade_nodes' at each call",
    ("etl/cascade_metrics.py", "STAMP[1]"): "hex digest of the project's own source files",
    ("etl/cascade_increment.py", "near"): "a fixed filter of _stored_complete, its value bound as $cut",
    ("etl/cascade_increment.py", "read"): "a fixed column list of _stored_complete",
    ("etl/models/__init__.py", "kind"): "VIEW or TABLE, from the model's folder",
    ("etl/models/__init__.py", "model.name"): "model file name in etl/models",
    ("etl/models/__init__.py", "model.sql"): "the model file's own SQL",
    ("etl/models/__init__.py", "other"): "VIEW or TABLE",
    ("etl/models/__init__.py", "model.digest"): "hex digest of the model file's own SQL",
    ("etl/models/incremental.py", "stored"): "the writer's database name, quotes doubled, and 'main'",
    ("etl/models/incremental.py", "model.name"): "model file name in etl/models",
    ("etl/models/incremental.py", "model.sql"): "the model file's own SQL",
    ("etl/models/incremental.py", "where"): "_RECOMPUTED's fixed scope for the mart's kind, on the key column "
                                            "named in the model file's header",
    ("etl/models/incremental.py", "name"): "model file names and the module's fixed temporary table names",
    ("etl/models/incremental.py", "select_values"): "built from the fixed grouping names _CODED",
    ("etl/models/incremental.py", "joins"): "built from the fixed grouping names _CODED",
    ("etl/models/incremental.py", "recoded"): "built from the fixed grouping names _CODED",
    ("etl/models/incremental.py", "grouping"): "a fixed grouping name of _CODED",
    ("etl/models/incremental.py", "keys"): "'_touched' or 'temp.main.stg_mentions': literals at _narrow_staging's two calls",
    ("etl/models/incremental.py", "table"): "a staging model's table, named in its file's depends header, "
                                            "'_rows', or a mart of _CARRY_CODES",
    ("etl/models/incremental.py", "models[name].sql"): "the staging model file's own SQL",
    ("etl/snapshot.py", "columns"): "fixed column list of weekly_snapshots",
    ("etl/snapshot.py", "', '.join(_PREVIOUS_COLUMNS)"): "fixed column tuple",
    ("etl/snapshot.py", "', '.join(columns)"): "recomputed's fixed names: brand, horizon_hours, computed_at and "
                                               "DELTA_COLUMNS",
    ("etl/snapshot.py", "column"): "a fixed column name of ADDED_COLUMNS",
    ("etl/snapshot.py", "kind"): "a fixed column type of ADDED_COLUMNS",
    ("etl/snapshot.py", "stored_table(con)"): "weekly_snapshots, or a select of it adding fixed ADDED_COLUMNS as NULL",
    ("app/weekly.py", "snapshot.stored_table(cur)"): "weekly_snapshots, or a select of it adding fixed "
                                                    "ADDED_COLUMNS as NULL (etl/snapshot.py's stored_table)",
    ("app/weekly.py", "db.sql_text('weekly_stored')"): "the project's own app/sql/weekly_stored.sql",
    ("etl/load.py", "_MENTION_COLS"): "fixed column list of mentions",
    ("etl/attribute_stage.py", "_DECLARED"): "a fixed predicate whose values are bound ($ids, $handles)",
    ("etl/load.py", "table"): "'stage' or 'quarantine', literals of _flush and _flush_rejects",
    ("etl/scores.py", "_KNOWN_COLUMNS"): "fixed column list",
    ("etl/scores.py", "_SCORE_COLUMNS"): "fixed column list",
}


def project_files():
    for folder in ("etl", "app", "pages"):
        yield from sorted((ROOT / folder).rglob("*.py"))
    if (ROOT / "dashboard.py").exists():
        yield ROOT / "dashboard.py"


def interpolations(path: Path):
    """(expression source) for every dynamic piece of SQL handed to a query method."""
    source = path.read_text()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_METHODS and node.args):
            continue
        first = node.args[0]
        if isinstance(first, ast.JoinedStr):
            for part in first.values:
                if isinstance(part, ast.FormattedValue):
                    yield ast.get_source_segment(source, part.value)
        elif isinstance(first, ast.BinOp) and not _is_literal_concat(first):
            yield ast.get_source_segment(source, first)
        elif isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) \
                and first.func.attr == "format":
            yield ast.get_source_segment(source, first)


def _is_literal_concat(node) -> bool:
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.BinOp) and _is_literal_concat(node.left) and _is_literal_concat(node.right)


def test_every_interpolated_sql_piece_is_reviewed():
    found = {(str(path.relative_to(ROOT)), expr) for path in project_files() for expr in interpolations(path)}
    unreviewed = sorted(found - set(REVIEWED))
    assert not unreviewed, f"SQL built from values that may be user input: {unreviewed}"


def test_the_check_catches_sql_built_from_input(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(con, brand):\n    con.execute(f\"SELECT * FROM m WHERE brand = '{brand}'\")\n"
                   "    con.execute('SELECT * FROM m WHERE brand = ' + brand)\n")
    assert sorted(interpolations(bad)) == ["'SELECT * FROM m WHERE brand = ' + brand", "brand"]


HOSTILE = ["x' OR '1'='1", "'; DROP TABLE mentions; --", "\\' UNION SELECT 1 --", "%", "_"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_match_nothing(tmp_path, value):
    from etl import metrics, warehouse
    from support import FIXTURES, load
    db = tmp_path / "w.duckdb"
    load(db, "twcs", FIXTURES / "twcs_pandas.csv")
    with warehouse.connect_readonly(db) as con:
        frame = metrics.ghost_town(con, by=["brand"], requests="all", brand=value, page=value)
        assert frame.empty or int(frame["requests"].sum()) == 0
        assert con.execute("SELECT count(*) FROM mentions").fetchall() == [(7,)]
