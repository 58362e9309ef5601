"""Dashboard speed in a real browser: first render and filter change per page.

Starts the real `streamlit run dashboard.py` on a database (default: a demo of --mentions
built into bench/out/), drives Debian's headless chromium with Playwright and reports per page:
  first render  - navigation until the page's title is shown, Streamlit is idle (script run
                  over, no "Running..." status, no element still loading its code);
  filter change - choosing one brand in the sidebar until Streamlit is idle again.
Each page is opened in a new browser context (a new session: the server's data cache is warm
after the first visit of any session, the session's own state is not). --repeat takes the
median of several visits. Targets on a 1M-mention database: first render <= 2 s, filter
change <= 0.5 s.

A baseline from the same run makes the figures comparable on a noisy machine: a trivial
Streamlit page (a title, a multiselect, a metric) on its own server, measured by the same code;
and the same page with one small Plotly chart and with one small Vega-Lite chart, which shows
what each charting library costs a new visit.

  python bench/dashboard_bench.py --mentions 1000000
  python bench/dashboard_bench.py --db data/reputation.duckdb --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests" / "e2e"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import ui  # noqa: E402
from server import StreamlitServer  # noqa: E402

FIRST_RENDER_TARGET, FILTER_CHANGE_TARGET = 2.0, 0.5

BASELINE_SCRIPT = '''
import streamlit as st

st.title("Baseline")
with st.sidebar:
    chosen = st.multiselect("Brands", ["Alpha", "Beta", "Gamma"])
st.metric("Chosen", len(chosen))
'''
# The same page with one small chart: what each charting library costs a new visit.
CHART_BASELINES = {
    "baseline + 1 Plotly chart": BASELINE_SCRIPT + '''
import plotly.graph_objects as go
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, len(chosen)])))
''',
    "baseline + 1 Vega-Lite chart": BASELINE_SCRIPT + '''
import altair as alt
import pandas as pd
st.altair_chart(alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [1, 3, len(chosen)]})).mark_line().encode(x="x", y="y"))
''',
}


def demo_db(mentions: int) -> Path:
    from etl import demo

    path = ROOT / "bench" / "out" / f"dashboard-demo-{mentions}.duckdb"
    if not path.exists():
        print(f"building a demo of {mentions:,} mentions at {path} ...", flush=True)
        started = time.perf_counter()
        demo.run(path, mentions=mentions, show_progress=False)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def measure(browser, url: str, title: str, brand: str | None, timeout: float,
            shared=None) -> tuple[float, float | None, list[str]]:
    """(first render s, filter change s or None, problems) for one visit in a new session:
    in a new browser context (cold browser cache), or a new tab of `shared` (warm cache, as
    for a visitor moving between pages)."""
    context = shared or browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watcher = ui.Watcher(page)
    try:
        first = ui.open_page(page, url, title, timeout)
        offered = ui.options(page, "Brands")
        choice = brand if brand in offered else offered[0]
        change = ui.choose(page, "Brands", choice, timeout)
        problems = list(watcher.errors)
        if page.locator('[data-testid="stException"]').count():
            problems.append("exception: " + page.locator('[data-testid="stException"]').first.inner_text()[:200])
        return first, change, problems
    finally:
        page.close()
        if shared is None:
            context.close()


def warm(browser, url: str, timeout: float) -> None:
    """The first run of a fresh server process goes through pages/ auto-discovery (and any
    'Page not found' it answers): keep it out of the figures."""
    page = browser.new_page()
    try:
        page.goto(url)
        ui.wait_idle(page, None, timeout)
    finally:
        page.close()


def _baseline(browser, folder: Path, script: str, repeat: int, timeout: float, shared):
    """(first render, filter change) medians of a small Streamlit script on its own server."""
    path = folder / "baseline.py"
    path.write_text(script)
    with StreamlitServer(None, script=path) as baseline:
        warm(browser, baseline.url, timeout)
        runs = [measure(browser, baseline.url, "Baseline", "Beta", timeout, shared)
                for _ in range(repeat)]
    return _median([r[0] for r in runs]), _median([r[1] for r in runs if r[1] is not None])


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, target: float | None = None) -> str:
    if value is None:
        return "     -"
    flag = "" if target is None else (" ok" if value <= target else " SLOW")
    return f"{value:6.3f}{flag}"


def run(db: Path, brand: str | None, repeat: int, timeout: float, pages: list[str] | None,
        warm_browser: bool = False) -> int:
    from playwright.sync_api import sync_playwright

    if not ui.CHROMIUM.exists():
        print(f"{ui.CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    rows, problems = [], []
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="bench-baseline-") as folder:
        browser = ui.launch(p)
        shared = browser.new_context(viewport={"width": 1400, "height": 1000}) if warm_browser else None
        for name, script in {"baseline (trivial page)": BASELINE_SCRIPT, **CHART_BASELINES}.items():
            rows.append((name, *_baseline(browser, Path(folder), script, repeat, timeout, shared)))
        base_first, base_change = rows[0][1], rows[0][2]
        with StreamlitServer(db) as server:
            warm(browser, server.url, timeout)
            if shared is not None:  # the app's scripts in the browser cache, as after any visit
                visit = shared.new_page()
                ui.open_page(visit, server.url, "Overview", timeout)
                visit.close()
            for path, title in ui.PAGES:
                if pages and path not in pages:
                    continue
                visits = []
                for _ in range(repeat):
                    try:
                        visits.append(measure(browser, server.page(path), title, brand, timeout,
                                              shared))
                    except Exception as exc:  # report and go on with the other pages
                        problems.append(f"/{path}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                problems += [f"/{path}: {p}" for v in visits for p in v[2]]
                rows.append((f"/{path}", _median([v[0] for v in visits]),
                             _median([v[1] for v in visits if v[1] is not None])))
        browser.close()

    print(f"\ndatabase: {db} ({db.stat().st_size / 1e6:.0f} MB), median of {repeat} visit(s), "
          f"brand chosen: {brand or 'first offered'}, browser cache: "
          f"{'warm (one context)' if warm_browser else 'cold (new context per visit)'}")
    print(f"{'page':<30}{'first render s':>16}{'x base':>8}{'filter change s':>18}{'x base':>8}")
    for name, first, change in rows:
        ratio_first = f"{first / base_first:8.1f}" if first and base_first else "       -"
        ratio_change = f"{change / base_change:8.1f}" if change and base_change else "       -"
        is_base = not name.startswith("/")
        print(f"{name:<30}{_fmt(first, None if is_base else FIRST_RENDER_TARGET):>16}{ratio_first}"
              f"{_fmt(change, None if is_base else FILTER_CHANGE_TARGET):>18}{ratio_change}")
    print(f"targets: first render <= {FIRST_RENDER_TARGET} s, filter change <= {FILTER_CHANGE_TARGET} s "
          f"(on a 1M-mention database)")
    if problems:
        print("problems:")
        for problem in problems:
            print(f"  {problem}")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="database to read (default: a demo in bench/out/)")
    parser.add_argument("--mentions", type=int, default=1_000_000, help="demo size without --db")
    parser.add_argument("--brand", help="brand to choose for the filter change (default: first offered)")
    parser.add_argument("--repeat", type=int, default=1, help="visits per page (median reported)")
    parser.add_argument("--pages", nargs="*", help="url paths to measure (default: all)")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--warm-browser", action="store_true",
                        help="every visit a new session in one browser context (scripts cached)")
    args = parser.parse_args()
    db = args.db or demo_db(args.mentions)
    return run(db, args.brand, args.repeat, args.timeout, args.pages, args.warm_browser)


if __name__ == "__main__":
    sys.exit(main())
