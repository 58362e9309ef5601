"""`python -m etl demo`: a realistic synthetic history of social customer service, loaded
through the same path as real exports.

Six fictional brands in three industries, on Twitter and Facebook, from April to October
2026, each with a care policy the metrics should reveal (always-on, office hours, slow,
ghost town, deflector, deletes negative comments). The history is simulated week by week
in chunks with their own seeds and written as periodic exports would be (a Twitter file per
month, a pull of every Facebook page at each month's end) to a scratch directory; then each
format's exports are loaded oldest first in one load_files call, so the derived tables are
computed once per format, not once per month. Memory stays bounded (rows go to files, not
lists) and time grows linearly with the number of mentions.

The database is built beside its final path and moved into place when complete, so a
reader never sees half a demo.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import metrics, warehouse
from .cli_output import db_option
from .demo_chunks import PostSchedule, facebook_chunk, schedule_size, twitter_chunk
from .demo_export import FacebookPulls, TwitterMonths
from .demo_sim import Chunk
from .demo_text import Wording
from .demo_world import BRANDS, MONTHS, PLATFORMS, WEEKS, BrandClock, Customers
from .load import load_files
from .progress import Progress
from .usage import UsageError

DEFAULT_MENTIONS = 50_000
DEFAULT_SEED = 7
# Mentions per customer-initiated message, measured on this simulation: threads
# (follow-ups, answers, reply-backs) and, on Twitter, shares and quotes.
_YIELD = {"twitter": 2.5, "facebook": 1.82}
# Share of a deleting page's mentions that any export ever shows, per unit of deletion
# probability (most removed comments go before the next monthly pull); measured.
_UNSEEN_PER_DELETE = 0.4
# Rows the loader reads per mention: facebook pulls repeat the page's history.
_LOAD_FACTOR = 2.0
# One load_files call takes about this much export data, so parsing memory stays bounded as N
# grows. At 1M mentions the peak (2.2-2.3 GB with 32 or 96 MB batches alike) comes from the
# derived steps over the whole database (care models ~1.1 GB, cascades ~1.4 GB), not from this.
LOAD_BATCH_BYTES = 96 * 1024 * 1024


class DemoError(warehouse.WarehouseError):
    pass


def run(db_path, mentions: int = DEFAULT_MENTIONS, seed: int = DEFAULT_SEED,
        show_progress: bool = True, on_progress=None, replace: bool = False) -> dict:
    """Generate the demo history and load it into a new database at db_path.

    on_progress(fraction, message) is called as work advances (fraction in 0..1).
    Refuses to overwrite an existing database unless replace is true.
    Returns summary counts (see `summarise`).
    """
    if mentions < 1000:
        raise UsageError("--mentions must be at least 1000 (the demo spans seven months)")
    if seed < 0:  # numpy's SeedSequence said 'expected non-negative integer', naming no option
        raise UsageError(f"--seed {seed}: must be at least 0")
    path = Path(db_path)
    if path.exists() and not replace:
        raise DemoError(f"{path} already exists; pass --replace to overwrite it with the demo, "
                        "or choose another --db")
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.demo-{os.getpid()}")
    started = time.monotonic()
    try:
        _build(building, mentions, seed, show_progress, on_progress)
        summary = summarise(building)
        os.replace(building, path)
    finally:
        for leftover in (building, building.with_name(building.name + ".lock"),
                         building.with_name(building.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["db"] = str(path)
    return summary


def ensure_demo(db_path, on_progress=None, mentions: int = DEFAULT_MENTIONS,
                seed: int = DEFAULT_SEED) -> bool:
    """Build the demo at db_path unless a database is already there; True if it built one.

    Safe when several dashboard sessions start at once: one builds, the others wait for it
    and find the database in place. In dashboard.py, before anything reads the database:

        if not Path(db_path).exists():
            bar = st.progress(0.0, text="Building the demo database")
            ensure_demo(db_path, on_progress=lambda f, m: bar.progress(f, text=m))
            bar.empty()
    """
    path = Path(db_path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".demo-lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():
                return False
            run(path, mentions=mentions, seed=seed, show_progress=False, on_progress=on_progress)
            return True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _Plan:
    """How many customer messages each brand and platform gets, and the shared world."""

    def __init__(self, mentions: int, seed: int):
        self.mentions, self.seed = mentions, seed
        self.customers = Customers(max(2_000, mentions // 6), seed)
        self.clocks = {b.index: BrandClock(b) for b in BRANDS}
        self.wordings = {b.index: Wording(b) for b in BRANDS}
        self.cascade_cap = 400   # fixed, so the expected shares per tweet do not depend on N
        total = sum(b.volume for b in BRANDS)
        self.per_weight, self.schedules = {}, {}
        for brand in BRANDS:
            clock = self.clocks[brand.index]
            for platform, share in brand.platforms.items():
                expected = mentions * brand.volume / total * share
                if platform == "facebook":
                    count = schedule_size(expected)
                    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2, brand.index)))
                    self.schedules[brand.index] = PostSchedule.build(clock, count, rng)
                    expected -= count
                seen = 1 - _UNSEEN_PER_DELETE * brand.policy.p_delete_negative if platform == "facebook" else 1
                roots = expected / (_YIELD[platform] * seen)
                # Incidents move volume into their hours; they do not add to the total asked for.
                self.per_weight[brand.index, platform] = roots / (clock.activity * clock.incident).sum()

    def chunk(self, brand, platform: str, week: int) -> Chunk:
        key = (3, brand.index, PLATFORMS.index(platform), week)
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))
        return Chunk(brand, platform, self.clocks[brand.index], self.customers,
                     self.wordings[brand.index], rng, self.cascade_cap)


def _build(db_path: Path, mentions: int, seed: int, show_progress: bool, on_progress) -> None:
    plan = _Plan(mentions, seed)
    progress = Progress("demo", total=int(mentions * (1 + _LOAD_FACTOR)), unit="rows",
                        enabled=show_progress)
    settings = {b.name: b.settings for b in BRANDS}

    def report(message: str) -> None:
        if on_progress is not None:
            on_progress(min(progress.done / progress.total, 0.99), message)

    with tempfile.TemporaryDirectory(prefix="reputation-demo-") as scratch:
        twitter, facebook = TwitterMonths(Path(scratch)), FacebookPulls(Path(scratch))
        for week in range(WEEKS):
            for brand in BRANDS:
                for platform in brand.platforms:
                    chunk = plan.chunk(brand, platform, week)
                    per_weight = plan.per_weight[brand.index, platform]
                    if platform == "twitter":
                        rows = twitter_chunk(chunk, week, per_weight, twitter)
                    else:
                        rows = facebook_chunk(chunk, week, per_weight, plan.schedules[brand.index], facebook)
                    progress.advance(rows)
            report(f"simulated week {week + 1} of {WEEKS}")
        facebook.close()
        months = range(len(MONTHS))
        exports = [("csv", "monthly Twitter exports", [twitter.finish(m) for m in months]),
                   ("facebook-json", "monthly Facebook page pulls",
                    [facebook.export(page, m) for m in months for page in sorted(facebook.pages)])]
        for fmt, what, paths in exports:
            paths = [p for p in paths if p is not None]
            loaded = 0
            for batch in _batches(paths, LOAD_BATCH_BYTES):
                # each stage named as it starts: the scores and models of a batch take most of
                # the build, and a label saying only which files sat still as if done
                span = (f"all {len(paths)} {what}" if len(batch) == len(paths) else
                        f"{what} {loaded + 1} of {len(paths)}" if len(batch) == 1 else
                        f"{what} {loaded + 1}-{loaded + len(batch)} of {len(paths)}")
                _load_exports(db_path, fmt, batch, settings, progress, show_progress,
                              on_step=lambda message, span=span: report(f"Loading {span}: {message}"))
                loaded += len(batch)
    progress.close("demo loaded")
    if on_progress is not None:
        on_progress(1.0, "demo loaded")


def _batches(paths: list[Path], budget: int) -> list[list[Path]]:
    """Consecutive runs of files of about `budget` bytes together (at least one file each):
    few publishes and refreshes for a small demo, bounded memory for a large one."""
    batches: list[list[Path]] = [[]]
    size = 0
    for path in paths:
        if batches[-1] and size >= budget:
            batches.append([])
            size = 0
        batches[-1].append(path)
        size += path.stat().st_size
    return [batch for batch in batches if batch]


def _load_exports(db_path: Path, fmt: str, paths: list[Path], settings: dict, progress: Progress,
                  show_progress: bool, on_step=None) -> None:
    """Load a format's exports, oldest first, in one call: one publish and one refresh of the
    derived tables, yet each file its own row in `loads` as a periodic export would be."""
    reports = load_files(db_path, fmt, paths, brand_settings=settings, show_progress=show_progress,
                         names=[f"demo:{path.name}" for path in paths], on_step=on_step)
    for report in reports:
        if report.status != "complete":
            raise DemoError(f"demo export {report.file} did not load cleanly: {report.message}")
        progress.advance(report.rows_read)
    for used in paths:
        used.unlink()


_SUMMARY_SQL = """
SELECT count(*), count(DISTINCT brand), count(DISTINCT platform), min(created_at), max(created_at),
       count(*) FILTER (WHERE kind = 'share'), count(*) FILTER (WHERE kind = 'quote'),
       count(*) FILTER (WHERE is_brand)
FROM mentions
"""

def summarise(db_path) -> dict:
    """Counts a person (or a test) checks a demo by."""
    with contextlib.closing(warehouse.connect_readonly(db_path)) as con:
        row = con.execute(_SUMMARY_SQL).fetchall()[0]
        # as the dashboard and `metrics deleted` count them (etl/care_deleted.sql): customers' only
        deleted = dict(metrics.deleted_comments(con)[["brand", "deleted_comments"]].itertuples(index=False))
        loads = con.execute("SELECT count(*) FROM loads").fetchall()[0][0]
    first, last = row[3], row[4]
    return {"mentions": row[0], "brands": row[1], "platforms": row[2],
            "first": first.isoformat() if first else None, "last": last.isoformat() if last else None,
            "days": round((last - first).total_seconds() / 86400, 1) if first else 0,
            "shares": row[5], "quotes": row[6], "brand_replies": row[7], "loads": loads,
            "deleted_detected": deleted}


# ----------------------------------------------------------------------------- CLI

def add_command(subparsers) -> None:
    """Register `demo [--mentions N] [--seed S] [--db PATH] [--replace] [--quiet]`."""
    cmd = subparsers.add_parser("demo", help="generate a synthetic history (fictional brands) and load it")
    cmd.add_argument("--mentions", type=int, default=DEFAULT_MENTIONS, metavar="N",
                     help="about how many mentions to generate (default: %(default)s)")
    cmd.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                     help="same seed, same history (default: %(default)s)")
    db_option(cmd)
    cmd.add_argument("--replace", action="store_true", help="overwrite an existing database")
    cmd.add_argument("--quiet", action="store_true", help="no progress output")
    cmd.set_defaults(run=_run_cli)


def _run_cli(args) -> int:
    summary = run(args.db, mentions=args.mentions, seed=args.seed, show_progress=not args.quiet,
                  replace=args.replace)
    deleted = sum(summary["deleted_detected"].values())
    print(f"etl: demo: {summary['mentions']:,} mentions of {summary['brands']} brands on "
          f"{summary['platforms']} platforms over {summary['days']:.0f} days "
          f"({summary['shares']:,} shares, {summary['quotes']:,} quotes, {deleted:,} deleted customer "
          f"comments detected) in {summary['seconds']}s -> {summary['db']}", file=sys.stderr)
    return 0


__all__ = ["add_command", "ensure_demo", "run", "summarise", "DemoError"]
