"""End-to-end load against the pandas script a user would write, in the same run.

For each size: the baseline (bench/baseline_pandas.py: read CSV, VADER per row with apply,
merge replies, group by brand, store in DuckDB) and `python -m etl load csv` (parse, text
analytics, threads, care models, cascades, publish) on the same synthetic CSV, each in its
own child process so wall time and peak RSS are that process's alone; then an incremental
load of 10k new mentions into the database just built.

With --pages, each size's dashboard queries too: every page's cold queries and a brand
change (bench/page_timings.py, server side), beside the baseline's user answering the same
question from the baseline's database (bench/baseline_query.py: read the mentions back,
merge the replies, group by brand; for every brand, then one).

    python bench/bench_pipeline.py --sizes 100000,1000000 [--skip-baseline-above N] [--pages]

Prints one table; ratios compare figures from this run only (the machine is shared)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))
import synthetic  # noqa: E402

INCREMENT = 10_000


def measure(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process run to completion."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {child.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def run_size(size: int, run_baseline: bool) -> dict:
    csv_path, inc_path = OUT / f"pipeline_{size}.csv", OUT / f"pipeline_{size}_increment.csv"
    if not csv_path.exists():
        synthetic.write(str(csv_path), size, seed=1)
    if not inc_path.exists():
        synthetic.write(str(inc_path), INCREMENT, seed=2, first=size, reach_back=True)
    row = {"mentions": size}
    if run_baseline:
        base_db = OUT / f"baseline_{size}.duckdb"
        base_db.unlink(missing_ok=True)
        row["baseline_s"], row["baseline_mb"] = measure(
            [sys.executable, "bench/baseline_pandas.py", str(csv_path), str(base_db)])
    ours_db = OUT / f"ours_{size}.duckdb"
    ours_db.unlink(missing_ok=True)
    load = [sys.executable, "-m", "etl", "load", "csv", "--db", str(ours_db)]
    row["ours_s"], row["ours_mb"] = measure(load + [str(csv_path)])
    row["increment_s"], row["increment_mb"] = measure(load + [str(inc_path)])
    return row


def page_queries(size: int, with_baseline: bool) -> tuple[dict, dict]:
    """({page: {cold queries, brand change, ...}} on ours_<size>.duckdb, the baseline's
    {all brands, one brand} seconds on baseline_<size>.duckdb, {} without it)."""
    report = OUT / f"pages_{size}.json"
    run([sys.executable, "bench/page_timings.py", "--db", str(OUT / f"ours_{size}.duckdb"),
         *[arg for page in PAGES for arg in ("--page", page)], "--json", str(report)])
    baseline = {}
    if with_baseline:
        baseline = json.loads(run([sys.executable, "bench/baseline_query.py", str(OUT / f"baseline_{size}.duckdb")]))
    return json.loads(report.read_text()), baseline


def run(command: list[str]) -> str:
    """A child's standard output; its error output is shown if it fails."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return done.stdout


def print_pages(size: int, pages: dict, baseline: dict) -> None:
    print(f"  dashboard at {size:,} ({'cold queries':>12} / {'brand change':>12}):")
    for page, row in pages.items():
        print(f"    {page:<14} {row['cold queries']:>12.2f} s / {row['brand change']:>10.2f} s")
    if baseline:
        print(f"    {'baseline':<14} {baseline['all brands']:>12.2f} s / {baseline['one brand']:>10.2f} s"
              "  (its script's per-brand answer from its database: every brand / one brand)", flush=True)


PAGES = ("overview", "ghost_town", "amplification", "trends", "weekly", "audit", "data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated mention counts")
    parser.add_argument("--skip-baseline-above", type=int, default=2_000_000,
                        help="the baseline holds everything in memory; skip it above this size")
    parser.add_argument("--pages", action="store_true", help="also time every dashboard page's "
                        "queries on each size, beside the baseline's user asking the same")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}  (figures from one run; compare ratios, not absolute times)")
    print(f"{'mentions':>10} {'baseline s':>11} {'base MB':>8} {'ours s':>8} {'ours MB':>8} "
          f"{'speed-up':>9} {'mem ratio':>9} {'+10k s':>7} {'+10k MB':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        row = run_size(size, size <= args.skip_baseline_above)
        base_s, base_mb = row.get("baseline_s"), row.get("baseline_mb")
        speed = f"{base_s / row['ours_s']:.2f}x" if base_s else "-"
        mem = f"{row['ours_mb'] / base_mb:.2f}" if base_mb else "-"
        print(f"{size:>10,} {base_s or 0:>11.1f} {base_mb or 0:>8.0f} {row['ours_s']:>8.1f} "
              f"{row['ours_mb']:>8.0f} {speed:>9} {mem:>9} {row['increment_s']:>7.1f} "
              f"{row['increment_mb']:>8.0f}", flush=True)
        if args.pages:
            print_pages(size, *page_queries(size, base_s is not None))


if __name__ == "__main__":
    main()
