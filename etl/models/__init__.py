"""The SQL models: staging (rename, cast, dedupe) then marts (joins, aggregates).

Each model is one .sql file whose name is the relation it defines. Its header declares
what it reads and how it is kept:

    -- depends: stg_mentions, stg_mention_scores
    -- materialized: table        (or: view)
    -- incremental: thread request_id   (optional; see incremental.py)

build_models() orders the files by those declarations and (re)creates every relation, so
it is safe to run after every load; it stamps each with a digest of its SQL, by which
stale() finds the relations of a database loaded by an older version. Staging models are
views (they only rename and cast, so copying the mentions table would cost space for
nothing); marts are tables. After loads that only added mentions, incremental.update()
brings the marts up to date instead, recomputing the rows the new mentions touch.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .. import warehouse

MODELS_DIR = Path(__file__).parent
LAYERS = ("staging", "marts")
_HEADER_RE = re.compile(r"^--\s*(depends|materialized|incremental)\s*:\s*(.*)$", re.MULTILINE)
INCREMENTAL_KINDS = ("thread", "slot", "hour")


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    depends: tuple[str, ...]
    materialized: str
    sql: str
    incremental: tuple[str, str] | None = None  # (kind, key column): how a load updates it

    @property
    def digest(self) -> str:
        """Identifies the SQL (and so the relation) this version makes."""
        return hashlib.sha256(f"{self.materialized}\n{self.sql}".encode()).hexdigest()[:16]


def load_models() -> dict[str, Model]:
    models = {}
    for layer in LAYERS:
        for path in sorted((MODELS_DIR / layer).glob("*.sql")):
            models[path.stem] = _parse(path, layer)
    return models


def _parse(path: Path, layer: str) -> Model:
    sql = path.read_text()
    headers = {key: value.strip() for key, value in _HEADER_RE.findall(sql)}
    depends = tuple(d.strip() for d in headers.get("depends", "").split(",") if d.strip())
    materialized = headers.get("materialized", "view" if layer == "staging" else "table")
    if materialized not in ("view", "table"):
        raise ValueError(f"{path}: materialized must be view or table, not {materialized!r}")
    incremental = tuple(headers["incremental"].split()) if "incremental" in headers else None
    if incremental is not None and (len(incremental) != 2 or incremental[0] not in INCREMENTAL_KINDS):
        raise ValueError(f"{path}: incremental must be one of {INCREMENTAL_KINDS} and a key column")
    return Model(path.stem, layer, depends, materialized, sql.strip().rstrip(";"), incremental)


def build_order(models: dict[str, Model]) -> list[Model]:
    """Models sorted so each comes after everything it depends on (depth-first)."""
    ordered: list[Model] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ValueError(f"models depend on each other in a cycle: {' -> '.join(trail + (name,))}")
        state[name] = "visiting"
        for dep in models[name].depends:
            if dep in models:  # anything else is a source table of the warehouse
                visit(dep, trail + (name,))
        state[name] = "done"
        ordered.append(models[name])

    for name in models:
        visit(name, ())
    return ordered


def build_models(con) -> list[str]:
    """(Re)create every model in dependency order; returns the names built. Each relation's
    comment is the digest of the SQL that made it (see stale())."""
    built = []
    for model in build_order(load_models()):
        build_model(con, model)
        built.append(model.name)
    return built


def build_model(con, model: Model) -> None:
    """(Re)create one model's relation from everything it depends on, stamped with its digest."""
    kind = "VIEW" if model.materialized == "view" else "TABLE"
    _drop_other_kind(con, model)
    con.execute(f"CREATE OR REPLACE {kind} {model.name} AS\n{model.sql}")
    con.execute(f"COMMENT ON {kind} {model.name} IS '{model.digest}'")  # hex digits only


def stale(con) -> list[str]:
    """The models whose relation is missing or was made by other SQL than this version's:
    a database loaded by an older version, whose pages would read tables it lacks."""
    made = dict(con.execute("""
        SELECT table_name, comment FROM duckdb_tables() WHERE database_name = current_database()
        UNION ALL
        SELECT view_name, comment FROM duckdb_views() WHERE database_name = current_database()
        """).fetchall())
    return [name for name, model in load_models().items() if made.get(name) != model.digest]


def refresh_stale(db_path) -> list[str]:
    """Rebuild the models of the database at db_path if any is stale (in one writer, so
    readers see the old state or the new one); returns the names rebuilt, [] if none was
    stale. Nothing stale: no writer, so no copy of the file and no new state to publish."""
    return warehouse.update_if(db_path, stale, build_models) or []


def _drop_other_kind(con, model: Model) -> None:
    # A model that changed from view to table (or back) would otherwise fail to replace.
    other = "TABLE" if model.materialized == "view" else "VIEW"
    existing = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = ?",
        [model.name]).fetchall()
    if existing and existing[0][0] == ("BASE TABLE" if other == "TABLE" else "VIEW"):
        con.execute(f"DROP {other} {model.name}")
