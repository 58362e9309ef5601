"""Brand and page names are untrusted: every picker on every page shows their bidi and
zero-width characters as <U+XXXX> (safe.visible), as the grids and captions do, instead of
letting them reverse or hide what follows."""

from __future__ import annotations

import pytest
from app_support import each_section, page_test
from care_fixtures import THANKS, brand_msg, load_rows, msg

BRAND, PAGE = "Quill\u202efeather", "@zero\u200bwidth"
PAGES = ["overview", "ghost_town", "amplification", "trends", "weekly", "audit", "data"]


@pytest.fixture(scope="module")
def hidden_db(tmp_path_factory):
    """One brand and page named with hidden characters: a complaint answered, one ignored and
    shared (a cascade to pick), and a mention a week on, so their week is complete."""
    folder = tmp_path_factory.mktemp("hidden")
    named = {"brand": BRAND, "page": PAGE}
    return load_rows(folder, [msg("a", "u1", 0, **named), brand_msg("b", 30, "a", **named),
                              msg("c", "u2", 60, **named), msg("s", "u4", 90, shared="c", **named),
                              msg("d", "u3", 8 * 24 * 60, text=THANKS, **named)])


def _offered(at) -> list[str]:
    """What every picker of the page offers, in each of its sections."""
    return [option for shown in each_section(at) for box in [*shown.selectbox, *shown.multiselect]
            for option in box.options]


@pytest.mark.parametrize("page", PAGES)
def test_every_picker_shows_hidden_characters(hidden_db, monkeypatch, page):
    at = page_test(page, hidden_db, monkeypatch).run()
    assert not at.exception
    offered = _offered(at)
    assert any("Quill<U+202E>feather" in option for option in offered)  # the sidebar's brands at least
    assert [option for option in offered if "\u202e" in option or "\u200b" in option] == []
