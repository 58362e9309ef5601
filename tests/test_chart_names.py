"""What a screen reader names each chart by: Vega makes a chart's description the aria-label of
its drawing, and without one named every chart 'Vega visualization' (Chromium's accessibility
tree of Ghost Town and Trends, accessibility review). Each Vega-Lite chart is described by its
title and what it is of, and no two charts of a page share a name."""

from __future__ import annotations

import json

import pytest
from app_support import page_test


def _descriptions(at) -> list[str]:
    return [json.loads(chart.proto.spec).get("description", "") for chart in at.get("vega_lite_chart")]


@pytest.mark.parametrize(("page", "section_key", "section"), [
    ("ghost_town", None, None), ("ghost_town", "ghost_section", "Over time"),
    ("trends", None, None), ("trends", "trends_view", "Spikes")])
def test_every_vega_chart_is_named_by_its_title(dashboard_db, monkeypatch, page, section_key, section):
    at = page_test(page, dashboard_db, monkeypatch).run()
    if section:
        at.radio(key=section_key).set_value(section).run()
    assert not at.exception
    named = _descriptions(at)
    assert named, "the page draws no Vega-Lite chart"
    assert all(name and name != "Vega visualization" for name in named), named
    assert len(set(named)) == len(named), named
    titles = {"ghost_town": "Ghost-town rate", "trends": "Customer mentions" if not section else "Negative volume"}
    assert named[0].startswith(titles[page]), named
    assert " UTC" in named[0] or "(UTC)" in named[0], named  # what it is of: the dates and their zone
