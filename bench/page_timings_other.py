"""Time dashboard pages the way a visitor meets them: a cold first render (caches cleared)
and filter changes, each a rerun of an AppTest of the page with the shared sidebar.

    .venv/bin/python bench/page_timings_other.py --db bench/out/demo_1m.duckdb \
        trends weekly audit data

For each page: 'first' = first run after st.cache_data/st.cache_resource are cleared;
'brand' = choose one brand in the sidebar (filter_brands) and rerun; 'dates' = narrow the
date range to its last 28 days and rerun; for audit also 'audit brand' (another brand in the
page's own selectbox) and 'audit page' (one page of it); for weekly 'older week' (all brands,
the fourth newest week). Trends is timed once per view (SCENARIOS). Seconds, wall clock.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--root" in sys.argv:  # time another checkout's code (e.g. main, for a before/after)
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

SCRIPT = """
from app import filters
from pages import {module}

filters.sidebar()
filters.assumption_inputs()
{module}.render()
"""


def _run(at: AppTest) -> float:
    begin = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - begin
    if at.exception:
        raise RuntimeError(f"page raised: {at.exception[0].message}")
    return elapsed


SCENARIOS = {  # page -> [(label, session state set before the first run)]
    "trends": [("volume", {}), ("reasons", {"trends_view": "Complaint reasons"}),
               ("spikes daily", {"trends_view": "Spikes"}),
               ("spikes hourly", {"trends_view": "Spikes", "trends_spike_freq": "Hourly"}),
               ("share", {"trends_view": "Share of voice"}),
               ("volume weekly", {"trends_grain": "Weekly"})],
    "weekly": [("last week", {})],
    "audit": [("default", {})],
    "data": [("default", {})],
}


def time_page(module: str, state: dict, brand: str | None = None) -> dict[str, float]:
    import importlib

    import streamlit as st

    importlib.import_module(f"pages.{module}")  # imports are not the page's work
    importlib.import_module("app.filters")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_string(SCRIPT.format(module=module), default_timeout=600)
    for key, value in state.items():
        at.session_state[key] = value
    out = {"first": _run(at)}
    brands = at.multiselect(key="filter_brands")
    if brands.options:
        brands.set_value([brand if brand in brands.options else brands.options[0]])
        out["brand"] = _run(at)
    dates = at.date_input(key="filter_dates")
    start, end = dates.value if isinstance(dates.value, tuple) else (dates.value, dates.value)
    dates.set_value((max(start, end - timedelta(days=27)), end))
    out["dates"] = _run(at)
    if module == "weekly":
        at.multiselect(key="filter_brands").set_value([])
        box = at.selectbox(key="weekly_week")
        box.set_value(box.options[min(3, len(box.options) - 1)])
        out["older week"] = _run(at)
    if module == "audit":
        box = at.selectbox(key="audit_brand")
        box.set_value(box.options[(box.index + 1) % len(box.options)])
        out["audit brand"] = _run(at)
        page = at.selectbox(key="audit_page")
        if len(page.options) > 1:
            page.set_value(page.options[1])
            out["audit page"] = _run(at)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--root", help="checkout whose app/ and pages/ to time (default: this one)")
    parser.add_argument("--brand", help="the brand chosen in the sidebar (default: the first)")
    parser.add_argument("--repeat", type=int, default=1, help="time each scenario this many times")
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    os.environ["REPUTATION_DB"] = str(Path(args.db).resolve())
    os.chdir(ROOT)
    for module in args.pages:
        for label, state in SCENARIOS[module] * args.repeat:
            result = time_page(module, state, args.brand)
            shown = "  ".join(f"{k}={v:.2f}s" for k, v in result.items())
            print(f"{module:7s} {label:14s} {shown}", flush=True)


if __name__ == "__main__":
    main()
