"""Wall time and resident memory of each part of the cascade step on one warehouse.

Runs what the load's cascade step runs (etl.cascade_metrics._cascades, as a writer does,
with DuckDB's cache released after the fetch) on a read-only connection, and prints after
each part its time, the RSS and the peak RSS so far. Nothing is written.

    python bench/cascade_memory.py --db bench/out/ours_10000000.duckdb [--memory 2GB]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from etl import cascade_metrics, warehouse  # noqa: E402
from load_steps import rss_mb  # noqa: E402

PARTS = ["load_mentions", "gather_forest", "predict_spread", "answered_roots"]


def _timed(name: str, part):
    def run(*args, **kwargs):
        started = time.perf_counter()
        result = part(*args, **kwargs)
        print(f"{name:>16}: {time.perf_counter() - started:6.1f} s   RSS {rss_mb():6,} MB   "
              f"peak {rss_mb('VmHWM'):6,} MB", flush=True)
        return result
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--memory", default=warehouse.WRITER_MEMORY, help="DuckDB memory limit (default: the writer's)")
    args = parser.parse_args()
    for name in PARTS:
        setattr(cascade_metrics, name, _timed(name, getattr(cascade_metrics, name)))
    con = duckdb.connect(str(args.db), read_only=True, config={"memory_limit": args.memory})
    con.execute("SET TimeZone = 'UTC'")
    warehouse.WRITER_MEMORY = args.memory  # what release_cached_memory restores
    parts = cascade_metrics._cascades(con, None, cascade_metrics.DEFAULT_IMPRESSIONS, True,
                                      on_nodes=lambda _: None,  # nodes made, as a load makes them
                                      part_rows=cascade_metrics.PART_NODES)
    rows = sum(part.num_rows for part in parts)  # each part made and dropped, as a load stores them
    print(f"{rows:,} cascades; peak {rss_mb('VmHWM'):,} MB")


if __name__ == "__main__":
    main()
