"""A page's own choices live in its link, as the sidebar's filters do, so a bookmark or a
link sent on opens on what it was made on (user review: a Trends link opened in other
buckets than the page it was copied from). The Weekly page's week:
tests/test_page_weekly.py."""

from __future__ import annotations

import pytest
from app_support import page_test

# page, the picker's kind and key, its key in the link, a choice other than the default (None:
# the picker's second option)
PICKERS = [("trends", "radio", "trends_view", "view", "Spikes"),
           ("trends", "radio", "trends_grain", "grain", "Daily"),  # all dates, over a quarter: weeks by default
           ("ghost_town", "radio", "ghost_section", "section", "Coverage"),
           ("amplification", "radio", "risk_section", "section", "Cascades"),
           ("weekly", "selectbox", "weekly_brand", "focus", None)]


@pytest.mark.parametrize("page, kind, key, url_key, chosen", PICKERS)
def test_a_link_opens_a_pages_choice_and_the_picker_writes_it_back(dashboard_db, monkeypatch, page, kind, key,
                                                                  url_key, chosen):
    def picker(app):
        return getattr(app, kind)(key=key)

    at = page_test(page, dashboard_db, monkeypatch).run()
    default = picker(at).value
    chosen = chosen or picker(at).options[1]
    assert default != chosen and url_key not in at.query_params  # the default keeps the link short
    picker(at).set_value(chosen).run()
    assert not at.exception
    assert at.query_params[url_key] in (chosen, [chosen])  # AppTest keeps a value or a list
    picker(at).set_value(default).run()
    assert url_key not in at.query_params
    linked = page_test(page, dashboard_db, monkeypatch)
    linked.query_params[url_key] = chosen
    linked.run()
    assert not linked.exception and picker(linked).value == chosen
    other = page_test(page, dashboard_db, monkeypatch)
    other.query_params[url_key] = "Nothing of the kind"  # an old or mistyped link: the default
    other.run()
    assert not other.exception and picker(other).value == default
    if page == "weekly":  # a brand is said when it is not there (the week likewise)
        assert any("The link's brand Nothing of the kind has no row this week" in c.value for c in other.caption)
