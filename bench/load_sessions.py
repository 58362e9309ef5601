"""Load test of the dashboard (issue 9): N browser-less sessions render every page M times
while loads publish new databases underneath them.

The sessions talk to a real `streamlit run dashboard.py` (tests/e2e/server.py) over its
websocket, as the browser does: each render opens a new session on one page URL; after the
page renders, the session picks a brand (a filter change: a rerun with new cache keys). A loader thread meanwhile loads small
canonical CSVs of a new fictional brand with etl.load.load_files, each one a publish.
Reported: renders/s, latency percentiles (first render and filter change), failures (any
exception shown by the app or raised by the run, lock or stale-connection errors included),
and whether a session started after the loads sees every loaded row.

  python bench/load_sessions.py --db /tmp/x.duckdb --sessions 4 --renders 3 --loads 4

Without --db a copy of a demo database (--mentions, built into bench/out/) is used; the
database given is copied first, never written. tests/test_load_concurrency.py runs the same
driver small.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests", ROOT / "tests" / "e2e"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

URL_PAGES = ["overview", "ghost_town", "amplification", "trends", "weekly", "audit", "data"]
LOAD_BRAND, LOAD_PAGE = "Pellucid Rail", "@PellucidRail"
HEADER = ("mention_id,platform,brand,page,author_id,author_handle,author_followers,"
          "is_brand,created_at,text,kind,parent_id,shared_id")

# What a new session runs to count a brand's mentions through the app's own cached query.
_COUNT_SCRIPT = """
import streamlit as st
from app import filters

frame = filters.options()
st.metric("mentions", int(frame.loc[frame["brand"] == {brand!r}, "mentions"].sum()))
"""


@dataclass
class Result:
    first_render: list[float] = field(default_factory=list)
    filter_change: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    rows_loaded: int = 0
    seen_after: int | None = None
    server_sees_brand: bool | None = None
    elapsed: float = 0.0

    @property
    def renders(self) -> int:
        return len(self.first_render) + len(self.filter_change)


def write_load_csv(directory: Path, index: int, rows: int) -> Path:
    """`rows` new complaints to LOAD_BRAND, ids unique per index."""
    lines = [HEADER]
    for n in range(rows):
        mention = 7_000_000 + index * 10_000 + n
        lines.append(f"twitter:{mention},twitter,{LOAD_BRAND},{LOAD_PAGE},lt-{n % 97},,{10 + n},false,"
                     f"2025-03-{1 + n % 27:02d}T{n % 24:02d}:{index % 60:02d}:00Z,"
                     f"{LOAD_PAGE} train {mention} late again and no reply,post,,")
    path = directory / f"load-{index}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _problems(at) -> list[str]:
    return [str(getattr(e, "value", e)) for e in at.exception]


def _app_test(script: str, timeout: float):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_string(script, default_timeout=timeout)


class _Run:
    """What one script run sent: elements by type, exceptions, the Brands multiselect."""

    def __init__(self):
        self.exceptions: list[str] = []
        self.brands_id: str | None = None
        self.brand_options: list[str] = []
        self.brand_values: list[str] = []
        self.titles: list[str] = []
        self.status = None


async def _run_once(ws, page_name: str, query: str, widgets=None, timeout: float = 120) -> _Run:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page_name
    for widget in widgets or []:
        msg.rerun_script.widget_states.widgets.append(widget)
    await ws.send(msg.SerializeToString())
    run = _Run()
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
        kind = forward.WhichOneof("type")
        if kind == "script_finished":
            run.status = forward.script_finished
            if run.status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue
            return run
        if kind != "delta" or forward.delta.WhichOneof("type") != "new_element":
            continue
        element = forward.delta.new_element
        what = element.WhichOneof("type")
        if what == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif what == "heading":
            run.titles.append(element.heading.body)
        elif what == "multiselect" and element.multiselect.label == "Brands":
            run.brands_id = element.multiselect.id
            run.brand_options = list(element.multiselect.options)
            run.brand_values = list(element.multiselect.raw_values or element.multiselect.default)


async def open_session(url: str):
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    return await connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60)


def _brand_state(widget_id: str, brand: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget_id)
    state.string_array_value.data.append(brand)
    return state


async def _session(url: str, number: int, renders: int, result: Result, deadline: float,
                   timeout: float) -> None:
    rng = random.Random(number)
    for round_ in range(renders):
        for page in URL_PAGES:
            if time.perf_counter() > deadline:
                return
            where = f"session {number} round {round_} /{page}"
            problems, first, change = [], None, None
            try:
                ws = await open_session(url)
                try:
                    started = time.perf_counter()
                    run = await _run_once(ws, page, "", timeout=timeout)
                    first = time.perf_counter() - started
                    problems = run.exceptions
                    if not problems and run.brands_id and run.brand_options:
                        brand = rng.choice(run.brand_options)
                        started = time.perf_counter()
                        run = await _run_once(ws, page, "", [_brand_state(run.brands_id, brand)],
                                              timeout=timeout)
                        change = time.perf_counter() - started
                        problems = run.exceptions
                    elif not problems:
                        problems = ["no Brands filter in the sidebar"]
                finally:
                    await ws.close()
            except Exception as exc:  # a failed session is a finding, not a crash of the driver
                problems = [f"{type(exc).__name__}: {exc}"]
            if first is not None:
                result.first_render.append(first)
            if change is not None:
                result.filter_change.append(change)
            result.failures += [f"{where}: {p}" for p in problems]


def _loader(db: Path, loads: int, rows: int, result: Result, lock: threading.Lock,
            scratch: Path, pause: float) -> None:
    from etl.load import load_files

    for index in range(loads):
        time.sleep(pause)
        path = write_load_csv(scratch, index, rows)
        started = time.perf_counter()
        try:
            [report] = load_files(db, "csv", [path], show_progress=False)
            ok = report.status == "complete"
            message = report.message
        except Exception as exc:
            ok, message = False, f"{type(exc).__name__}: {exc}"
        with lock:
            result.loads.append(time.perf_counter() - started)
            if ok:
                result.rows_loaded += rows
            else:
                result.failures.append(f"load {index}: {message}")


def count_in_new_session(brand: str, timeout: float = 120) -> int:
    """The brand's mentions as the app's cached query counts them, in a new AppTest session
    of this process (REPUTATION_DB must point at the database)."""
    at = _app_test(_COUNT_SCRIPT.format(brand=brand), timeout)
    at.run()
    if at.exception:
        raise RuntimeError(_problems(at))
    return int(at.metric[0].value)


async def server_offers_brand(url: str, brand: str, timeout: float = 120) -> bool:
    """A new session of the server, opened on ?brand=...: is the brand offered and chosen?"""
    from urllib.parse import urlencode

    ws = await open_session(url)
    try:
        run = await _run_once(ws, "overview", urlencode({"brand": brand}), timeout=timeout)
    finally:
        await ws.close()
    return not run.exceptions and brand in run.brand_options and run.brand_values == [brand]


async def _drive(url: str, db: Path, sessions: int, renders: int, loads: int, rows: int,
                 timeout: float, load_pause: float, budget: float, result: Result) -> None:
    lock = threading.Lock()
    deadline = time.perf_counter() + budget
    with tempfile.TemporaryDirectory(prefix="load-sessions-") as scratch:
        loader = asyncio.to_thread(_loader, db, loads, rows, result, lock, Path(scratch), load_pause)
        await asyncio.gather(loader, *[_session(url, n, renders, result, deadline, timeout)
                                       for n in range(sessions)])


def _run_async(coroutine):
    """asyncio.run in a thread of its own: the caller's thread may already run an event loop
    (Playwright's sync API does, in the same pytest session)."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as err:  # re-raised in the caller's thread
            outcome["error"] = err

    worker = threading.Thread(target=target, name="load-sessions-loop")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def drive(db: Path, sessions: int = 3, renders: int = 1, loads: int = 3, rows_per_load: int = 40,
          timeout: float = 120, load_pause: float = 0.5, budget: float = 3600) -> Result:
    """Start the real server on `db` (written to: pass a copy), run the sessions and the loads,
    then check that new sessions see every loaded row."""
    from server import StreamlitServer

    result = Result()
    with StreamlitServer(db) as running:
        # The first run of a fresh server process goes through pages/ auto-discovery: take it
        # out of the measurements.
        _run_async(server_offers_brand(running.url, "", timeout))
        started = time.perf_counter()
        _run_async(_drive(running.url, db, sessions, renders, loads, rows_per_load, timeout,
                           load_pause, budget, result))
        result.elapsed = time.perf_counter() - started
        result.server_sees_brand = _run_async(server_offers_brand(running.url, LOAD_BRAND, timeout))
    os.environ["REPUTATION_DB"] = str(db)
    result.seen_after = count_in_new_session(LOAD_BRAND, timeout)
    return result


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(result: Result, sessions: int) -> str:
    lines = [f"{sessions} sessions, {result.renders} renders in {result.elapsed:.1f} s: "
             f"{result.renders / result.elapsed:.2f} renders/s; "
             f"{len(result.loads)} publishes ({result.rows_loaded} rows), "
             f"load time median {statistics.median(result.loads) if result.loads else float('nan'):.2f} s"]
    for name, values in (("first render", result.first_render), ("filter change", result.filter_change)):
        lines.append(f"  {name:<14} n={len(values):<4} p50={percentile(values, 50):6.3f} s  "
                     f"p90={percentile(values, 90):6.3f} s  p99={percentile(values, 99):6.3f} s  "
                     f"max={max(values, default=float('nan')):6.3f} s")
    lines.append(f"  new session sees {result.seen_after} of {result.rows_loaded} loaded rows; "
                 f"server offers the loaded brand to a new session: {result.server_sees_brand}")
    lines.append(f"  failures: {len(result.failures)}")
    lines += [f"    {f}" for f in result.failures[:20]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="database to copy (default: a demo in bench/out/)")
    parser.add_argument("--mentions", type=int, default=20_000, help="demo size without --db")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--renders", type=int, default=2, help="rounds over every page per session")
    parser.add_argument("--loads", type=int, default=4)
    parser.add_argument("--rows", type=int, default=100, help="rows per load")
    args = parser.parse_args()
    source = args.db
    if source is None:
        from etl import demo

        source = ROOT / "bench" / "out" / f"load-demo-{args.mentions}.duckdb"
        if not source.exists():
            print(f"building a demo of {args.mentions} mentions at {source}", flush=True)
            demo.run(source, mentions=args.mentions, show_progress=False)
    with tempfile.TemporaryDirectory(prefix="load-sessions-db-") as folder:
        db = Path(folder) / "reputation.duckdb"
        shutil.copyfile(source, db)
        result = drive(db, sessions=args.sessions, renders=args.renders, loads=args.loads,
                       rows_per_load=args.rows)
    print(report(result, args.sessions))
    ok = not result.failures and result.seen_after == result.rows_loaded and result.server_sees_brand
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
