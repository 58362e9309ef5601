"""Does each table model build under a given DuckDB memory cap? One warehouse, read-only.

The writer's cap (etl.warehouse.WRITER_MEMORY, 2 GB) bounds every query of a load; this finds
how far below it each model still builds. For each table model in build order it opens a
scratch database with memory_limit = --cap (spilling to a temporary directory, as the writer
does), attaches --db read only, and creates the model there from the warehouse's own current
relations; it prints ok or DuckDB's error, and the time. Nothing in --db is written.

    python bench/model_memory.py --db bench/out/ours_10000000.duckdb --cap 500MB
    python bench/model_memory.py --db bench/out/ours_10000000.duckdb --cap 750MB --model threads
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from etl import models  # noqa: E402


def build_under_cap(db: Path, model: models.Model, cap: str, scratch: Path) -> str:
    """'ok' or the first line of DuckDB's error, building `model` from `db` under `cap`."""
    con = duckdb.connect(str(scratch / "scratch.duckdb"),
                         config={"memory_limit": cap, "temp_directory": str(scratch / "spill")})
    try:
        con.execute("SET GLOBAL TimeZone = 'UTC'")  # as etl.warehouse's connections
        con.execute(f"ATTACH '{db}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")  # the model's names are the warehouse's relations
        con.execute(f"CREATE TABLE scratch.main.{model.name} AS\n{model.sql}")
        return "ok"
    except duckdb.Error as error:
        return str(error).splitlines()[0]
    finally:
        con.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="warehouse to read (read-only)")
    parser.add_argument("--cap", required=True, help="DuckDB memory_limit, e.g. 500MB")
    parser.add_argument("--model", action="append", help="only this model (repeatable)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"no database at {args.db}")
    tables = [m for m in models.build_order(models.load_models())
              if m.materialized == "table" and (not args.model or m.name in args.model)]
    for model in tables:
        with tempfile.TemporaryDirectory(prefix="model_memory_") as scratch:
            started = time.perf_counter()
            outcome = build_under_cap(args.db.resolve(), model, args.cap, Path(scratch))
            print(f"{model.name:<28} cap {args.cap}: {outcome} ({time.perf_counter() - started:.1f} s)",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
