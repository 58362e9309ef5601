"""Server-side page timings with Streamlit's AppTest: first render and filter changes.

For each page module (pages/<module>.py run behind the shared sidebar filters, as
tests/app_support.page_test runs it) this times, on --db:
  cold first render - caches cleared (st.cache_data and st.cache_resource), first run;
  cold queries      - of that, the time in the query functions (app.db.cached misses: SQL
                      and the aggregation they do, not the widgets);
  warm first render - a new session on the same (now warm) server caches;
  brand change      - choosing one brand in the sidebar ("filter_brands"), rerun;
  dates change      - then narrowing the dates to the last 30 days ("filter_dates"), rerun.
The brand is the one with the most mentions (--brand overrides). Times are the median of
--repeat rounds; each round starts cold again. The browser bench (bench/dashboard_bench.py)
adds the front end's part; this one isolates the Python/SQL work that dominates on a big DB.
Targets on a 1M-mention database: first render <= 2 s, a filter change <= 0.5 s; on 10M
(issue 8): every page's queries <= 1 s.

With --views, each page is also timed in its other views (VIEWS: Trends per view, grain and
spike resolution) and with its own widgets (weekly: an older week; audit: another brand, then
one page of it; Trends' spikes: another sensitivity k), one row per view; --view names one.

  python bench/page_timings.py --db bench/out/demo_1m.duckdb
  python bench/page_timings.py --db bench/out/demo_1m.duckdb --page trends --page audit --views
  python bench/page_timings.py --db bench/out/demo_1m.duckdb --page trends --views --view 'spikes hourly'
  python bench/page_timings.py --db /tmp/x.duckdb --page ghost_town --profile /tmp/gt.prof
  (then: python -m pstats /tmp/gt.prof, or --top 30 to print the slowest functions)
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from app import db as _db  # noqa: E402  (patched below, before any page or query module)

_QUERIES = {"seconds": 0.0, "depth": 0, "by_function": {}}


def _clocking(cache):
    """cache (db.cached, db.cached_reading) that also adds the time of each cache miss to
    _QUERIES (outermost calls only: a cached function calling another counts once): the pages'
    query time, SQL and the pandas aggregation of the query functions, without the widgets."""
    def clocked_cache(fn):
        @functools.wraps(fn)
        def clocked(*args, **kwargs):
            _QUERIES["depth"] += 1
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                _QUERIES["depth"] -= 1
                if not _QUERIES["depth"]:
                    seconds = time.perf_counter() - started
                    _QUERIES["seconds"] += seconds
                    by_function = _QUERIES["by_function"]
                    name = f"{fn.__module__}.{fn.__qualname__}"
                    by_function[name] = by_function.get(name, 0.0) + seconds
        return cache(clocked)
    return clocked_cache


_db.cached = _clocking(_db.cached)
if hasattr(_db, "cached_reading"):  # (a checkout before session 52 has none: bench it as it was)
    _db.cached_reading = _clocking(_db.cached_reading)

from app_support import PAGE_SCRIPT  # noqa: E402  (the page as the tests run it)
from pages import amplification, ghost_town  # noqa: E402  (their section lists)

FIRST_RENDER_TARGET, FILTER_CHANGE_TARGET = 2.0, 0.5
QUERIES_TARGET = 1.0  # issue 8: every page's queries on 10M mentions
DEFAULT_PAGES = ("overview", "ghost_town", "amplification")
# page -> [(view, session state set before the first run)]; pages not listed: one default view
VIEWS = {
    "trends": [("volume", {}), ("volume daily", {"trends_grain": "Daily"}),
               ("reasons", {"trends_view": "Complaint reasons"}),
               ("spikes daily", {"trends_view": "Spikes"}),
               ("spikes hourly", {"trends_view": "Spikes", "trends_spike_freq": "Hourly"}),
               ("share", {"trends_view": "Share of voice"})],
    "ghost_town": [(section, {"ghost_section": section}) for section in ghost_town.SECTIONS],
    "amplification": [(section, {"risk_section": section}) for section in amplification.SECTIONS],
}


_PROFILED_SCRIPT = """
import cProfile
_profile = cProfile.Profile()
_profile.enable()
try:
{body}
finally:
    _profile.disable()
    _profile.dump_stats({out!r})
"""


def _script(module: str, profile_to: str | None) -> str:
    body = PAGE_SCRIPT.format(module=module)
    if not profile_to:
        return body
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return _PROFILED_SCRIPT.format(body=indented, out=profile_to)


def _busiest_brand(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT brand FROM mentions WHERE brand IS NOT NULL GROUP BY brand "
                           "ORDER BY count(*) DESC, brand LIMIT 1").fetchall()[0][0]
    finally:
        con.close()


def _check(at, what: str) -> None:
    if at.exception:
        raise SystemExit(f"{what}: the page raised: {at.exception[0].message}")


def _timed_run(at, what: str, timeout: float) -> float:
    started = time.perf_counter()
    at.run(timeout=timeout)
    elapsed = time.perf_counter() - started
    _check(at, what)
    return elapsed


def _own_widgets(module: str, at, timeout: float, views_state: dict) -> dict:
    """Timings of a page's own widgets, after the shared filter changes (views_state: the
    view's session state; Trends' spikes views: a change of the sensitivity k)."""
    out = {}
    if module == "weekly":
        at.multiselect(key="filter_brands").set_value([])
        _timed_run(at, "weekly all brands", timeout)  # not timed as the week change below
        box = at.selectbox(key="weekly_week")
        box.set_value(box.options[min(3, len(box.options) - 1)])
        out["older week"] = _timed_run(at, "weekly older week", timeout)
    if module == "trends" and views_state.get("trends_view") == "Spikes":
        slider = at.slider(key="trends_k")
        slider.set_value(slider.value + 0.5 if slider.value < 6.0 else slider.value - 0.5)
        out["k change"] = _timed_run(at, "trends k", timeout)
    if module == "audit":
        box = at.selectbox(key="audit_brand")
        box.set_value(box.options[(box.index + 1) % len(box.options)])
        out["audit brand"] = _timed_run(at, "audit brand", timeout)
        page = at.selectbox(key="audit_page")
        if len(page.options) > 1:
            page.set_value(page.options[1])
            out["audit page"] = _timed_run(at, "audit page", timeout)
    return out


def _warm_process() -> None:
    """Pay what a process pays once, at its first element and its first chart, before any
    timing, as a running server has: Streamlit's once-only check for a REPL walks the whole
    stack with inspect.stack() (0.3-1.0 s, session 53's profile of the first view timed), and
    Altair's first chart builds its dataframe namespace (0.1-0.3 s). They fell on whichever
    view a run timed first, as if that page were slower cold."""
    import logging

    import altair as alt
    import pandas as pd
    from streamlit import delta_generator

    logging.disable(logging.WARNING)  # its advice to use `streamlit run`, between the table's lines
    try:
        if hasattr(delta_generator, "_maybe_print_use_warning"):
            delta_generator._maybe_print_use_warning()
    finally:
        logging.disable(logging.NOTSET)
    alt.Chart(pd.DataFrame({"x": [0]})).mark_line().encode(x="x").to_dict()


def measure(module: str, brand: str, timeout: float, profile_to: str | None = None,
            profile_step: str = "cold", state: dict | None = None, own_widgets: bool = False,
            show_queries: bool = False) -> dict:
    """One round of the four timings for one page (caches cleared first), in the view that
    `state` (session state) selects; with own_widgets, the page's own widgets after them.
    With profile_to, the cold first render (profile_step "cold") or the brand change
    ("brand": the dates change is then skipped, so the brand change is the last run
    profiled) is profiled. With show_queries, each query function's cold time is printed."""
    import importlib

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    # A running server has imported the app before any page renders: time the page, not imports.
    importlib.import_module(f"pages.{module}")
    importlib.import_module("app.filters")
    _warm_process()
    st.cache_data.clear()
    st.cache_resource.clear()
    plain = _script(module, None)
    profiled = _script(module, profile_to) if profile_to else plain
    state = state or {}
    at = AppTest.from_string(profiled if profile_step == "cold" else plain, default_timeout=timeout)
    for key, value in state.items():
        at.session_state[key] = value
    _QUERIES["seconds"] = 0.0
    _QUERIES["by_function"] = {}
    out = {"cold first render": _timed_run(at, f"{module} cold", timeout),
           "cold queries": _QUERIES["seconds"]}
    if show_queries:
        for name, seconds in sorted(_QUERIES["by_function"].items(), key=lambda kv: -kv[1]):
            print(f"    {seconds:6.3f} s  {name}", flush=True)
    at = AppTest.from_string(profiled if profile_step == "brand" else plain, default_timeout=timeout)
    for key, value in state.items():
        at.session_state[key] = value
    out["warm first render"] = _timed_run(at, f"{module} warm", timeout)
    at.multiselect(key="filter_brands").set_value([brand])
    out["brand change"] = _timed_run(at, f"{module} brand", timeout)
    if profile_to and profile_step == "brand":
        out["dates change"] = float("nan")
        return out
    first, last = at.session_state["filter_dates"]
    at.date_input(key="filter_dates").set_value((max(first, last - timedelta(days=29)), last))
    out["dates change"] = _timed_run(at, f"{module} dates", timeout)
    if own_widgets:
        out.update(_own_widgets(module, at, timeout, state))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="warehouse to read (read-only)")
    parser.add_argument("--page", action="append", help="pages/<module> to time (repeatable); "
                        f"default: {', '.join(DEFAULT_PAGES)}")
    parser.add_argument("--brand", help="brand chosen for the filter change (default: the busiest)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per page (median reported)")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--profile", help="cProfile the cold first render into this file "
                        "(with one --page)")
    parser.add_argument("--profile-step", choices=("cold", "brand"), default="cold",
                        help="which run --profile records")
    parser.add_argument("--views", action="store_true", help="time every view of each page "
                        "(VIEWS) and the page's own widgets, a row per view")
    parser.add_argument("--view", action="append", help="with --views: only this view (repeatable; "
                        "VIEWS' names, e.g. 'spikes hourly')")
    parser.add_argument("--queries", action="store_true", help="print each query function's "
                        "time in the cold first render, slowest first")
    parser.add_argument("--top", type=int, default=0, help="with --profile: print the N functions "
                        "with the most cumulative time")
    parser.add_argument("--json", type=Path, help="also write the medians here, {page: {timing: s}} "
                        "(bench_pipeline.py --pages reads them)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"no database at {args.db}")
    pages = args.page or list(DEFAULT_PAGES)
    if args.profile and len(pages) != 1:
        parser.error("--profile takes exactly one --page")
    os.environ["REPUTATION_DB"] = str(args.db)
    from streamlit import logger

    logger.set_log_level("error")  # no bare-mode warnings between the lines of the table
    brand = args.brand or _busiest_brand(args.db)
    print(f"database {args.db}  brand change: {brand!r}  repeat {args.repeat}", flush=True)

    rows = []
    for module in pages:
        views = VIEWS.get(module, [("default", {})]) if args.views else [("", {})]
        views = [(view, state) for view, state in views if not args.view or view in args.view]
        for view, state in views:
            rounds = [measure(module, brand, args.timeout, args.profile, args.profile_step, state,
                              own_widgets=args.views, show_queries=args.queries)
                      for _ in range(args.repeat)]
            row = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
            name = f"{module} {view}".strip()
            rows.append((name, row))
            print(f"  {name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in row.items()), flush=True)

    keys = list(dict.fromkeys(key for _, row in rows for key in row))
    print()
    print(f"{'page':<32}" + "".join(f"{k:>20}" for k in keys))
    for name, row in rows:
        cells = []
        for key in keys:
            if key not in row:
                cells.append(f"{'-':>19} ")
                continue
            target = (FIRST_RENDER_TARGET if "render" in key else
                      QUERIES_TARGET if "queries" in key else FILTER_CHANGE_TARGET)
            mark = " " if row[key] <= target else "!"
            cells.append(f"{row[key]:>18.2f}s{mark}")
        print(f"{name:<32}" + "".join(cells))
    print(f"targets: first render <= {FIRST_RENDER_TARGET:g} s, its queries <= "
          f"{QUERIES_TARGET:g} s (at 10M), filter change <= {FILTER_CHANGE_TARGET:g} s ('!' = over)")
    if args.json:
        args.json.write_text(json.dumps(dict(rows)))
    if args.profile and args.top:
        import pstats

        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
