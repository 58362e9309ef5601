"""Every page's headings as a screen reader lists them: one h1, the page's title, and no level
skipped below it (a section under h1 is h2). Sections were st.subheader, h3 straight under
the h1, so a reader jumping by level found no h2 and the outline read as if a level were lost
(accessibility review, WCAG 1.3.1)."""

from __future__ import annotations

import pytest
from app_support import PAGE_MODULES, each_section, page_test
from streamlit.testing.v1.element_tree import HeadingBase


def _levels(at) -> list[tuple[int, str]]:
    """The main area's headings in page order, as (level, text)."""
    return [(int(node.proto.tag.removeprefix("h")), node.value) for node in at.main if isinstance(node, HeadingBase)]


@pytest.mark.parametrize("page", PAGE_MODULES)
def test_one_h1_and_no_heading_level_skipped(dashboard_db, monkeypatch, page):
    at = page_test(page, dashboard_db, monkeypatch).run()
    assert not at.exception
    for shown in each_section(at):
        levels = _levels(shown)
        assert [level for level, _ in levels].count(1) == 1 and levels[0][0] == 1, levels
        for (above, _), (level, text) in zip(levels, levels[1:]):
            assert level <= above + 1, (page, text, levels)


@pytest.mark.parametrize("view", ["Volume and sentiment", "Complaint reasons", "Spikes", "Share of voice"])
def test_each_trends_view_is_headed_before_its_chart(dashboard_db, monkeypatch, view):
    # a reader moving by headings went from 'Trends' to 'Mentions behind a point' (or, on Spikes,
    # 'Posts behind the spike'), past the charts: in Chromium's outline they had no heading
    at = page_test("trends", dashboard_db, monkeypatch).run()
    at.radio(key="trends_view").set_value(view).run()
    assert not at.exception
    shown = [node for node in at.main if isinstance(node, HeadingBase) or node.type == "vega_lite_chart"]
    assert isinstance(shown[0], HeadingBase) and shown[0].proto.tag == "h1"
    assert isinstance(shown[1], HeadingBase) and (shown[1].proto.tag, shown[1].value) == ("h2", view), shown[:3]
    assert shown[2].type == "vega_lite_chart"
