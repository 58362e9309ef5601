"""Time and peak resident memory of each step of one load, in this process.

Wraps the loader's steps (stage, attribute, merge) and the refresh steps (text scores, care
models, cascades) and prints, per step, its wall time and the process's peak RSS while it
ran (sampled every 50 ms). --skip leaves refresh steps out, e.g. to see how far a load gets
without the cascade step; --cascade-parts also times the cascade step's parts, --care-parts
an added load's care model parts.

    python bench/load_steps.py bench/out/pipeline_1000000.csv --db /tmp/steps.duckdb
    python bench/load_steps.py bench/out/pipeline_10000000.csv --db /tmp/steps.duckdb --skip cascades

The database is deleted first; with --into, it starts as a copy of that database instead
(an incremental load: e.g. bench/out/pipeline_10000000_increment.csv into the 10M warehouse), and
the writer's copy of the published file is timed as "clone" (and, in any load, the publish's
fsyncs as "fsync"). REPUTATION_WRITER_MEMORY sets the writer's DuckDB limit.

    python bench/load_steps.py bench/out/pipeline_10000000_increment.csv --db /tmp/inc.duckdb \
        --into bench/out/ours_10000000.duckdb"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from etl import attribute_stage, cascade_increment, cascade_metrics, load, pipeline, scores, warehouse  # noqa: E402
from etl.models import incremental  # noqa: E402


def rss_mb(field: str = "VmRSS") -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) // 1024
    return 0


class PeakSampler:
    """The process's peak RSS since the last reset, sampled in a daemon thread."""

    def __init__(self) -> None:
        self.peak = rss_mb()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.05)

    def timed(self, label: str, step, peak: bool = True):
        """step, printing its wall time and (peak) the peak RSS while it ran; without peak,
        for a part inside a step: resetting the sampler would cut the step's own peak."""
        def run(*args, **kwargs):
            started = time.perf_counter()
            if peak:
                self.peak = rss_mb()
            try:
                return step(*args, **kwargs)
            finally:
                took = f"{time.perf_counter() - started:7.1f} s"
                print(f"{label:>12}: {took}   peak {self.peak:6,} MB" if peak else
                      f"{'  ' + label:>20}: {took}   RSS {rss_mb():6,} MB   process peak {rss_mb('VmHWM'):6,} MB",
                      flush=True)
        return run


CASCADE_PARTS = [
    (pipeline, ("_write_out",)),
    (cascade_metrics, ("load_mentions", "gather_forest", "predict_spread")),
    (cascade_increment, ("_older_links_to_newer", "_typical_followers", "_Touched.read", "_Touched.rebuild",
                         "_Changes._stored_rows", "_Changes._open_events", "_complete_cascades",
                         "_Changes._reshare_followers", "_Changes._forecast", "_Changes.write")),
]
# An added load's care models (etl/models/incremental.py); build_model: the marts rebuilt whole.
CARE_PARTS = [
    (incremental, ("_narrow_to_touched_threads", "_recompute", "_recode_requests", "_note_backlog_hours",
                   "_replace", "_narrow_to_backlog_hours", "_narrow_to_new_slots", "build_model",
                   "_renumber_codes")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="a canonical CSV (bench/synthetic.py writes them)")
    parser.add_argument("--db", type=Path, required=True, help="database to create (deleted first)")
    parser.add_argument("--skip", action="append", default=[], help="refresh step to leave out (repeatable)")
    parser.add_argument("--into", type=Path, help="start --db as a copy of this database")
    parser.add_argument("--cascade-parts", action="store_true",
                        help="also time the cascade step's parts, with the RSS and the peak so far after each")
    parser.add_argument("--care-parts", action="store_true",
                        help="also time an added load's care model parts (each call)")
    args = parser.parse_args()
    sampler = PeakSampler()
    for module, name in ((load, "_stage"), (attribute_stage, "attribute"), (load, "_merge")):
        setattr(module, name, sampler.timed(name.strip("_"), getattr(module, name)))
    steps = {"text scores": (scores, "score_mentions"), "care models": (pipeline, "_care_models"),
             "cascades": (pipeline, "_cascades")}
    for name, (module, attribute) in steps.items():
        step = (lambda *_, **__: 0) if name in args.skip else getattr(module, attribute)
        setattr(module, attribute, sampler.timed(name, step))
    parts = (CASCADE_PARTS if args.cascade_parts else []) + (CARE_PARTS if args.care_parts else [])
    if parts:  # the cascade step's whole or added (etl/cascade_increment.py); the care models' added
        for module, names in parts:
            for name in names:
                owner, attribute = (module, name) if "." not in name else (
                    getattr(module, name.split(".")[0]), name.split(".")[1])
                step = owner.__dict__[attribute]
                timed = sampler.timed(name, getattr(step, "__func__", step), peak=False)
                setattr(owner, attribute, classmethod(timed) if isinstance(step, classmethod) else timed)
    for leftover in (args.db, args.db.with_name(args.db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if args.into:
        shutil.copyfile(args.into, args.db)
        # as a load publishes it: on disk, so the timed clone does not wait on its writeback
        warehouse._fsync(args.db)
    warehouse._clone = sampler.timed("clone", warehouse._clone)
    warehouse._fsync = sampler.timed("fsync", warehouse._fsync)
    started = time.perf_counter()
    load.load_files(args.db, "csv", [args.csv], show_progress=False)
    print(f"{'total':>12}: {time.perf_counter() - started:7.1f} s   peak {rss_mb('VmHWM'):6,} MB")


if __name__ == "__main__":
    main()
