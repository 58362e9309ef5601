"""Demo generator: time and peak memory by size, to show linear time and bounded memory.

    python3 bench/bench_demo.py                 # N = 10k, 100k, 1M
    python3 bench/bench_demo.py --sizes 10000 100000
    python3 bench/bench_demo.py --with-10m      # adds N = 10M (an hour or more on 2 cores)

Each size runs in a fresh subprocess (its peak RSS is that process's alone) twice:
'generate' simulates and writes every export file without loading; 'full' is
`etl.demo.run` (simulate, write, load through load_files, publish). The baseline, measured
in the same child, is pandas writing the loaded mentions table to CSV: the cost of merely
writing that many rows once (its own child, so it does not count in the peak RSS). Figures
go to stdout; 'x baseline' is wall time over the baseline's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(mode: str, mentions: int, workdir: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    if mode == "generate":
        return _generate_only(mentions, workdir)
    from etl import demo, warehouse
    db = workdir / "bench.duckdb"
    if mode == "baseline":
        with warehouse.connect_readonly(db) as con, warnings.catch_warnings():
            warnings.simplefilter("ignore")   # pandas 3.1 deprecation noise from DuckDB's .df()
            frame = con.execute("SELECT * FROM mentions").df()
        started = time.perf_counter()
        frame.to_csv(workdir / "baseline.csv", index=False)
        return {"seconds": time.perf_counter() - started, "mentions": len(frame)}
    started = time.perf_counter()
    summary = demo.run(db, mentions=mentions, seed=7, show_progress=False)
    return {"seconds": time.perf_counter() - started, "mentions": summary["mentions"],
            "db_bytes": os.path.getsize(db)}


def _generate_only(mentions: int, workdir: Path) -> dict:
    from etl import demo
    from etl.demo_chunks import facebook_chunk, twitter_chunk
    from etl.demo_export import FacebookPulls, TwitterMonths
    from etl.demo_world import BRANDS, MONTHS, WEEKS
    started = time.perf_counter()
    plan = demo._Plan(mentions, seed=7)
    twitter, facebook = TwitterMonths(workdir), FacebookPulls(workdir)
    rows = 0
    for week in range(WEEKS):
        for brand in BRANDS:
            for platform in brand.platforms:
                chunk = plan.chunk(brand, platform, week)
                weight = plan.per_weight[brand.index, platform]
                rows += (twitter_chunk(chunk, week, weight, twitter) if platform == "twitter" else
                         facebook_chunk(chunk, week, weight, plan.schedules[brand.index], facebook))
    facebook.close()
    for month in range(len(MONTHS)):
        path = twitter.finish(month)
        if path:
            path.unlink()
        for page in sorted(facebook.pages):
            export = facebook.export(page, month)
            if export:
                export.unlink()
    return {"seconds": time.perf_counter() - started, "mentions": rows}


def measure(mode: str, mentions: int, workdir: Path) -> dict:
    out = workdir / f"{mode}.json"
    process = subprocess.Popen([sys.executable, __file__, "--child", mode, str(mentions), str(workdir),
                                str(out)], cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"bench child {mode} {mentions} failed with status {status}")
    result = json.loads(out.read_text())
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime   # unaffected by other jobs' load
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--with-10m", action="store_true", help="also run N = 10,000,000")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, mentions, workdir, out = args.child
        Path(out).write_text(json.dumps(child(mode, int(mentions), Path(workdir))))
        return
    sizes = args.sizes + ([10_000_000] if args.with_10m else [])
    print(f"{'N':>10} {'mode':>9} {'mentions':>10} {'wall s':>8} {'cpu s':>8} {'cpu us/mention':>14} "
          f"{'peak MB':>8} {'baseline s':>10} {'x baseline':>10}")
    for mentions in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-demo-") as scratch:
            results = {mode: measure(mode, mentions, Path(scratch)) for mode in ("generate", "full", "baseline")}
        base = results["baseline"]["seconds"]
        for mode in ("generate", "full"):
            r = results[mode]
            per = r["cpu_seconds"] / r["mentions"] * 1e6
            print(f"{mentions:>10,} {mode:>9} {r['mentions']:>10,} {r['seconds']:>8.1f} "
                  f"{r['cpu_seconds']:>8.1f} {per:>14.1f} {r['peak_rss_mb']:>8.0f} {base:>10.2f} "
                  f"{r['seconds'] / base:>10.1f}", flush=True)

if __name__ == "__main__":
    main()
