"""What a screen reader names each chart and grid by (st.altair_chart's, st.plotly_chart's and
st.dataframe's alt): without one, Chromium's accessibility tree named every Altair chart 'Vega
visualization', showed each plotly chart as a row of unnamed images and every grid as a bare
'grid' (accessibility review). Each chart is named by its title and what it is of, as plain
text, each grid by what it lists, and no two of a page share a name."""

from __future__ import annotations

import altair as alt
import pandas as pd
import plotly.graph_objects as go
import pytest
from app_support import each_section, page_test

from app import widgets


def _names(at) -> list[str]:
    return [chart.proto.alt for kind in ("vega_lite_chart", "plotly_chart") for chart in at.get(kind)]


@pytest.mark.parametrize(("page", "section_key", "section", "first"), [
    ("ghost_town", None, None, "Ghost-town rate."),
    ("ghost_town", "ghost_section", "Deflection & deleted", "Deflection rate per brand."),
    ("trends", None, None, "Customer mentions."),
    ("trends", "trends_view", "Spikes", "Negative volume and spikes."),
    ("amplification", "risk_section", "Cascades", "Cascade network."),
])
def test_every_chart_is_named_by_its_title(dashboard_db, monkeypatch, page, section_key, section, first):
    at = page_test(page, dashboard_db, monkeypatch).run()
    if section:
        at.radio(key=section_key).set_value(section).run()
    assert not at.exception
    named = _names(at)
    assert named, "the page draws no chart"
    assert all(named) and len(set(named)) == len(named), named
    assert any(name.startswith(first) for name in named), named
    assert all("<" not in name and "&" not in name for name in named), named  # plain text, not plotly's markup


def test_a_plotly_name_is_its_title_and_subtitle_in_plain_text():
    figure = go.Figure(layout={"title": {"text": "Cascade network", "subtitle": {"text": "a &lt;b&gt;<br>c"}}})
    assert widgets.chart_name(figure) == "Cascade network. a <b> c."
    assert widgets.chart_name(go.Figure()) == ""


def test_a_vega_name_is_its_title_and_subtitle_as_written():
    # Vega draws its title as text: a brand's '&copy' or '<br>' is the brand's own, not markup to read
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x").properties(
        title=alt.TitleParams("Negative volume", subtitle=["Print&copy <br> Co", "R&amp;D"]))
    assert widgets.chart_name(chart) == "Negative volume. Print&copy <br> Co. R&amp;D."


@pytest.mark.parametrize("page", ["ghost_town", "amplification", "trends", "audit", "data"])
def test_every_grid_is_named_by_what_it_lists(dashboard_db, monkeypatch, page):
    at = page_test(page, dashboard_db, monkeypatch).run()
    assert not at.exception
    for shown in each_section(at):
        named = [grid.proto.alt for grid in shown.main.dataframe]
        assert named and all(named), (page, named)
        assert len(set(named)) == len(named), (page, named)
