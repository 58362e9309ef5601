"""The fixed cost of a small load: 20 loads of 1-3 rows each into a copy of a demo warehouse.

Each load is a canonical csv: a new customer post to a brand at a new hour, every other one
with the brand's reply, every third one with a reply to a stored mention (which touches a
stored thread and cascade). Prints each run's median and total load time; with --old, runs
the code of another checkout too, alternating (old, new, old, new, ...), each in its own
process, and prints the medians of both. --profile prints a cProfile of one load instead
(SORT=tottime sorts it by own time).

    python -m etl demo --mentions 4000 --db /tmp/demo4k.duckdb --quiet
    git archive --prefix=old/ main | tar -x -C /tmp        # the code to compare with
    python bench/small_loads.py --into /tmp/demo4k.duckdb --old /tmp/old --rounds 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ("mention_id,platform,brand,page,author_id,author_handle,author_followers,"
          "is_brand,created_at,text,kind,parent_id,shared_id")


def small_files(stored, directory: Path, count: int) -> list[Path]:
    """count csv files of 1-3 rows after the warehouse's last mention; `stored` is a list of
    (mention_id, brand, page, platform) of stored customer posts to reply to."""
    paths = []
    for i in range(count):
        stored_id, brand, page, platform = stored[i % len(stored)]
        at = f"2026-11-{1 + i // 20:02d}T{i % 20:02d}:{7 + i:02d}:00Z"
        reply_at = f"2026-11-{1 + i // 20:02d}T{i % 20:02d}:{30 + i:02d}:00Z"
        rows = [f"small{i},{platform},{brand},{page},9100{i},cust{i},10,false,{at},my order {i} never came,post,,"]
        if i % 2 == 0:
            rows.append(f"smallr{i},{platform},{brand},{page},7100000001,{page.lstrip('@')},5000,true,"
                        f"{reply_at},sorry please DM us,reply,{platform}:small{i},")
        if i % 3 == 0:
            rows.append(f"smallo{i},{platform},{brand},{page},7100000001,{page.lstrip('@')},5000,true,"
                        f"{reply_at},following up,reply,{stored_id},")
        path = directory / f"small{i}.csv"
        path.write_text("\n".join([HEADER, *rows, ""]))
        paths.append(path)
    return paths


def run_loads(into: Path, count: int) -> list[float]:
    """Time `count` small loads into a copy of `into`, in this process (the code on sys.path)."""
    from etl.load import load_files
    from etl.warehouse import connect_readonly
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.duckdb"
        shutil.copy(into, db)
        with connect_readonly(db) as con:
            stored = con.execute("""
                SELECT mention_id, brand, page, platform FROM mentions
                WHERE kind = 'post' AND NOT is_brand AND brand IS NOT NULL AND page IS NOT NULL
                ORDER BY mention_id LIMIT 20""").fetchall()
        times = []
        for path in small_files(stored, Path(tmp), count):
            started = time.perf_counter()
            load_files(db, "csv", [path], show_progress=False)
            times.append(time.perf_counter() - started)
        return times


def profile_one(into: Path) -> None:
    import cProfile
    import pstats
    from etl.load import load_files
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.duckdb"
        shutil.copy(into, db)
        paths = small_files([("twitter:none", "Zephyrine Airways", "@ZephyrineAir", "twitter")], Path(tmp), 2)
        load_files(db, "csv", [paths[0]], show_progress=False)
        profiler = cProfile.Profile()
        profiler.enable()
        load_files(db, "csv", [paths[1]], show_progress=False)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(70)


def in_process(code: Path, into: Path, count: int) -> list[float]:
    """run_loads with `code` on the path, in a fresh process: '<seconds> ...' on its stdout."""
    script = (f"import sys; sys.path.insert(0, {str(code)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r}); "
              f"import small_loads; print(*small_loads.run_loads(__import__('pathlib').Path({str(into)!r}), {count}))")
    out = subprocess.run([sys.executable, "-c", script], cwd=code, check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": ""})
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--into", type=Path, required=True, help="the demo warehouse to copy")
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.profile:
        sys.path.insert(0, str(ROOT))
        profile_one(args.into)
        return
    print(os.popen("uptime").read().strip())
    codes = {"old": args.old, "new": ROOT} if args.old else {"new": ROOT}
    runs: dict[str, list[float]] = {name: [] for name in codes}
    for round_ in range(args.rounds):
        for name, code in codes.items():
            times = in_process(code, args.into, args.loads)
            runs[name].append(sum(times))
            print(f"round {round_ + 1} {name}: {args.loads} loads {sum(times):.2f} s, "
                  f"median load {statistics.median(times):.3f} s", flush=True)
    for name, totals in runs.items():
        print(f"{name}: median of {args.rounds} rounds {statistics.median(totals):.2f} s for {args.loads} loads "
              f"({statistics.median(totals) / args.loads:.3f} s a load)")
    print(os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
