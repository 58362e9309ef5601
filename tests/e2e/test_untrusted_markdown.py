"""Untrusted names in Markdown, in a real browser: app.safe.markdown_text leaves Streamlit's
Markdown no bare URL, e-mail address or shortcode to make a link or an icon of (a brand named
with `[link](http://evil.example)` showed a live link in the Weekly page's caption: user review),
and the reader sees the name's own characters.

Run: .venv/bin/python -m pytest -q -m browser tests/e2e/test_untrusted_markdown.py
"""

from __future__ import annotations

import pytest

import hostile
import ui
from markdown_app import KINDS

pytestmark = pytest.mark.browser

# Each Markdown element's text (a caption's has a test id of its own; a metric's value is
# Markdown too, not one of ours), and what in it would act: links, images, icons.
_MARKDOWN = '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]'
_SHOWN_JS = """([key, selector]) => [...document.querySelectorAll(`.st-key-${key}`)]
  .flatMap(box => [...box.querySelectorAll(selector)])
  .filter(e => !e.closest('[data-testid="stMetricValue"]'))
  .map(e => [e.innerText.trim(), e.querySelectorAll('a, img, [role="img"]').length])"""


@pytest.fixture(scope="module")
def shown(markdown_server, browser):
    """The app drawn once for every case: a page each cost 2 s of CI's time a case."""
    with ui.browser_page(browser) as page:
        page.goto(markdown_server.url)
        page.wait_for_function(  # every element drawn, its lazily loaded code included
            """([selector, n]) => document.querySelectorAll(selector).length >= n
                                  && !document.querySelector('[data-testid="stSkeleton"]')""",
            arg=[_MARKDOWN, (KINDS + 1) * len(hostile.AUTOLINKS)])
        yield page


@pytest.mark.parametrize("index", range(len(hostile.AUTOLINKS)),
                         ids=[t[:24] for t in hostile.AUTOLINKS])
def test_untrusted_markdown_is_its_own_text_and_links_nowhere(shown, index):
    text = hostile.AUTOLINKS[index]
    elements = shown.evaluate(_SHOWN_JS, [f"text{index}", _MARKDOWN])
    assert len(elements) == KINDS, elements
    for seen, acting in elements:
        assert (seen, acting) == (text, 0)
    assert shown.watcher.errors == [], shown.watcher.errors
