"""Driving the dashboard in headless Chromium (Playwright, sync API): shared by the browser
tests and bench/dashboard_bench.py.

Idle means what the user sees as finished: Streamlit marks its app element with
data-test-script-state="notRunning" once a script run is over, the status widget
("Running...") is gone, and no element is still a skeleton waiting for its lazily loaded code.
Script runs are counted from the server's own messages: each `script_finished` that arrives
on the page's websocket. (Watching the state attribute missed reruns so short that the
browser never drew the "running" state.)
"""

from __future__ import annotations

import re
import time
import weakref
from contextlib import contextmanager
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]

# url path -> the page's title (app/shell.py); "" is the default page at the root.
PAGES = [("overview", "Overview"), ("ghost_town", "Ghost Town"), ("amplification", "Amplification Risk"),
         ("trends", "Trends"), ("weekly", "Weekly Snapshot"), ("audit", "Page Audit"), ("data", "Data")]

_IDLE_JS = """(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning'
      || app.dataset.testConnectionState !== 'CONNECTED') return false;
  // Element code is loaded lazily: a skeleton stands in until it has arrived.
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  if (status && /running/i.test(status.innerText)) return false;
  const titles = [...document.querySelectorAll('h1')].map(e => e.innerText.trim());
  return title === null ? titles.length > 0 : titles.includes(title);
}"""

# Console noise that is not about the app: no network to Google's font CDN here, and the
# Streamlit frontend probing <page>/_stcore/{health,host-config} before it finds the base URL.
_NOISE = [re.compile(r"fonts\.(gstatic|googleapis)\.com"),
          re.compile(r"/[^/]+/_stcore/(health|host-config)")]


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@contextmanager
def browser_page(browser):
    """A page in its own browser context (own session), with a Watcher at page.watcher."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.watcher = Watcher(page)
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


class Watcher:
    """Collects what a page did that a test may object to: console errors, uncaught page
    errors, dialogs (alert/confirm/prompt), downloads aside."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        text = f"{message.text} @ {where}"
        if any(p.search(text) for p in _NOISE):
            return
        self.errors.append(text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def wait_idle(page, title: str | None = None, timeout: float = 60) -> None:
    """Until the script run is over and (if given) a title heading says `title`."""
    page.wait_for_function(_IDLE_JS, arg=title, timeout=timeout * 1000, polling=20)


def open_page(page, url: str, title: str | None, timeout: float = 60) -> float:
    """Navigate and wait until the page is rendered and idle; returns the seconds it took."""
    _count_runs(page)
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout * 1000)
    wait_idle(page, title, timeout)
    return time.perf_counter() - started


_RUNS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _count_runs(page) -> None:
    """From now on, count the script runs the server finishes for this page (idempotent)."""
    if page in _RUNS:
        return
    _RUNS[page] = 0

    def frame(payload) -> None:
        if not isinstance(payload, (bytes, bytearray)):
            return
        message = ForwardMsg.FromString(bytes(payload))
        if (message.WhichOneof("type") == "script_finished"
                and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
            _RUNS[page] += 1

    page.on("websocket", lambda ws: ws.on("framereceived", frame))


def runs(page) -> int:
    """Script runs finished so far (counted from open_page on)."""
    return _RUNS[page]


def wait_rerun(page, before: int, timeout: float = 60) -> None:
    """Until a script run that ended after `before` was counted, and the app is idle again."""
    deadline = time.monotonic() + timeout
    while _RUNS[page] <= before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished within {timeout:g} s")
        page.wait_for_timeout(10)  # lets Playwright deliver the websocket events
    wait_idle(page, None, max(deadline - time.monotonic(), 1))


def choose(page, label: str, option: str, timeout: float = 60) -> float:
    """Pick `option` in the multiselect labelled `label`; returns seconds until idle again."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    choice = page.get_by_role("option", name=option, exact=True)
    before = runs(page)
    started = time.perf_counter()
    choice.click()
    wait_rerun(page, before, timeout)
    elapsed = time.perf_counter() - started
    page.keyboard.press("Escape")
    return elapsed


def options(page, label: str, attempts: int = 3) -> list[str]:
    """The choices the box labelled `label` offers (opens and closes it). A click landing
    while the box redraws after a rerun leaves it closed (seen beside CI's load): clicked
    again, up to `attempts` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    listed = page.get_by_role("option")
    names: list[str] = []
    for attempt in range(attempts):
        page.get_by_role("combobox", name=label, exact=True).click()
        try:
            listed.first.wait_for(timeout=15_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == attempts - 1:
                raise
            continue
        names = [t.strip() for t in listed.all_inner_texts() if t.strip() and t.strip() != "Select all"]
        page.keyboard.press("Escape")
        if names:  # none: the list went as the box redrew under it (CI's load read [] for a Spike box)
            break
    return names


def chosen(page, label: str) -> list[str]:
    """The values selected in the multiselect labelled `label` (its chips)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.wait_for()
    widget = page.locator('[data-testid="stMultiSelect"]').filter(has=box)
    tags = widget.locator(".react-aria-ComboBox").get_by_role("group", name="Selected values")
    return [t.strip() for t in tags.locator("[data-tag] > span[title]").all_inner_texts()]


def metric_values(page) -> list[str]:
    return [t.strip() for t in page.locator('[data-testid="stMetricValue"]').all_inner_texts()]
