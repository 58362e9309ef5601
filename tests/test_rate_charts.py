"""Ghost-town rate charts (Vega-Lite), tested on their specs: they draw what they are given,
names stay data (never markup), and an empty selection says so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import hostile
from app import rate_charts

NASTY_NAME = hostile.HANDLES[0]


def _rates(groups) -> pd.DataFrame:
    n = len(groups)
    return pd.DataFrame({"brand": groups, "requests": np.arange(10, 10 + n),
                         "ghost_town_rate": np.linspace(0.2, 0.8, n),
                         "ghost_town_ci_low": np.linspace(0.1, 0.7, n),
                         "ghost_town_ci_high": np.linspace(0.3, 0.9, n),
                         "ghost_town_rate_shrunk": np.linspace(0.25, 0.75, n)})


def _rows(spec: dict) -> list[dict]:
    """Every data row of a chart spec (Altair puts inline data under `datasets`)."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _mark_specs(spec: dict) -> list:
    """Every mark of a chart spec, nested layers included, in drawing order."""
    def walk(node):
        if "layer" in node:
            for child in node["layer"]:
                yield from walk(child)
        elif "mark" in node:
            yield node["mark"]
    return list(walk(spec))


def _marks(spec: dict) -> list[str]:
    return [mark["type"] if isinstance(mark, dict) else mark for mark in _mark_specs(spec)]


def test_rate_with_intervals_draws_interval_shrunk_and_reference():
    spec = rate_charts.rate_with_intervals(_rates(["Aldermoor", NASTY_NAME]), "brand", reference=0.86,
                                           reference_label="86% <b>line</b>").to_dict()
    rows = {row["name"]: row for row in _rows(spec) if "name" in row}
    assert rows["Aldermoor"]["rate"] == pytest.approx(0.2)
    assert (rows[NASTY_NAME]["low"], rows[NASTY_NAME]["high"]) == pytest.approx((0.7, 0.9))
    assert rows[NASTY_NAME]["shrunk"] == pytest.approx(0.75)
    # names and labels are data drawn as text: kept verbatim, not escaped into entities
    assert any(row.get("label") == "86% <b>line</b>" and row["value"] == 0.86 for row in _rows(spec))
    assert sorted(_marks(spec)) == ["circle", "point", "rule", "rule", "text", "text"]  # the label on its halo


def test_rate_with_intervals_keeps_the_frame_order_first_on_top():
    frame = _rates(["Worst", "Middle", "Best"])
    spec = rate_charts.rate_with_intervals(frame, "brand").to_dict()
    [y] = {str(layer["encoding"]["y"]["sort"]) for layer in spec["layer"]}
    assert y == str(["Worst", "Middle", "Best"])


def test_rate_over_time_one_line_per_series_with_intervals():
    frame = pd.concat([_rates(["A", "A"]).assign(week=["2025-W01", "2025-W02"]),
                       _rates([NASTY_NAME]).assign(week=["2025-W01"])])
    spec = rate_charts.rate_over_time(frame, "week", "brand", reference=0.86).to_dict()
    points = [row for row in _rows(spec) if "at" in row]
    assert sorted((row["name"], row["at"]) for row in points) == sorted([
        ("A", "2025-W01"), ("A", "2025-W02"), (NASTY_NAME, "2025-W01")])
    assert "line" in _marks(spec) and _marks(spec).count("rule") == 2
    # the reference's label on a white halo, drawn under it: a brand's line crossed it (a review)
    texts = [mark for mark in _mark_specs(spec) if isinstance(mark, dict) and mark["type"] == "text"]
    assert [(t.get("stroke"), t["color"]) for t in texts] == [("white", "white"),
                                                              (None, rate_charts.REFERENCE_TEXT_COLOUR)]


@pytest.mark.parametrize("axis", ["x", "y"])
def test_a_reference_lines_label_reads_on_white(axis):
    # in the line's grey the label read at 3.5:1 (WCAG 1.4.3 asks 4.5 of small text); on a white
    # halo, as no grey reads at 4.5:1 on both white and the dark theme's page
    from app.report import contrast
    from colour_vision import rgb
    spec = rate_charts._reference(0.86, "86% ghost town = 14% answered", axis).to_dict()
    texts = [mark for mark in _mark_specs(spec) if isinstance(mark, dict) and mark["type"] == "text"]
    assert [(t.get("stroke"), t["color"]) for t in texts] == [("white", "white"),
                                                              (None, rate_charts.REFERENCE_TEXT_COLOUR)]
    assert contrast(rgb(rate_charts.REFERENCE_TEXT_COLOUR), (255, 255, 255)) >= 4.5


def test_a_period_with_requests_still_pending_is_ringed_and_said_to_be_open():
    frame = _rates(["A", "A"]).assign(week=["2025-W01", "2025-W02"], pending=[0, 7])
    spec = rate_charts.rate_over_time(frame, "week", "brand").to_dict()
    [ring] = [layer for layer in spec["layer"] if layer.get("mark", {}).get("filled") is False]
    assert ring["transform"] == [{"filter": "datum.pending > 0"}]
    assert spec["title"]["subtitle"] == ["Ringed: requests still pending, so the rate may yet rise."]
    settled = rate_charts.rate_over_time(frame.assign(pending=[0, 0]), "week", "brand").to_dict()
    assert _marks(settled).count("point") == 0 and "subtitle" not in str(settled.get("title"))


@pytest.mark.parametrize("pending, unjoined", [([0, 1], [False, False]), ([0, 2], [False, True]),
                                               ([3, 9], [True, True])])
def test_a_period_with_a_tenth_of_its_requests_pending_stands_apart_from_its_line(pending, unjoined):
    # 10 and 11 requests: 1 of 11 pending is under a tenth, 2 of 11 not (a review: the
    # latest week, 3 of 33 requests decided, joined as a fall from 85% to 0%)
    frame = _rates(["A", "A"]).assign(week=["2025-W01", "2025-W02"], pending=pending)
    spec = rate_charts.rate_over_time(frame, "week", "brand", unjoined_share=0.1).to_dict()
    assert [row["unjoined"] for row in _rows(spec) if "at" in row] == unjoined
    [line] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert line["transform"] == [{"filter": "!datum.unjoined"}]
    apart = [layer for layer in spec["layer"] if layer.get("transform") == [{"filter": "datum.unjoined"}]]
    assert len(apart) == any(unjoined) and ("Not joined" in str(spec["title"])) == any(unjoined)
    # a line each: as one, the rule's last word was cut at 1024 px (a review at narrow widths)
    assert len(spec["title"].get("subtitle", [])) == (1 + any(unjoined)) * any(pending)


@pytest.mark.parametrize("builder", [
    lambda: rate_charts.rate_with_intervals(_rates([]), "brand"),
    lambda: rate_charts.rate_over_time(_rates([]).assign(week=[]), "week"),
    lambda: rate_charts.rate_with_intervals(_rates(["A"]).assign(ghost_town_rate=[None]), "brand"),
])
def test_empty_inputs_give_a_chart_that_says_so(builder):
    spec = builder().to_dict()
    assert _marks(spec) == ["text"]
    assert [row["message"] for row in _rows(spec)] == ["No decided requests in this selection"]


def test_a_group_without_a_name_is_labelled_and_missing_bounds_stay_missing():
    frame = _rates(["A", None]).assign(ghost_town_ci_low=[0.1, None])
    rows = [row for row in _rows(rate_charts.rate_with_intervals(frame, "brand").to_dict()) if "name" in row]
    assert [row["name"] for row in rows] == ["A", "(none)"]
    assert rows[1]["low"] is None and rows[1]["high"] == pytest.approx(0.9)


def test_a_page_is_named_with_its_brand_and_the_axis_shows_every_name_whole():
    pages = ["Facebook page 104729384756005", "@AldermoorAir"]
    frame = _rates(pages).rename(columns={"brand": "page"}).assign(brand=["Marrowby Market", "Aldermoor Air"])
    spec = rate_charts.rate_with_intervals(frame, "page", context="brand").to_dict()
    names = [row["name"] for row in _rows(spec) if "name" in row]
    assert names == ["Marrowby Market · Facebook page 104729384756005", "Aldermoor Air · @AldermoorAir"]
    axes = [layer["encoding"]["y"].get("axis") for layer in spec["layer"]
            if layer.get("encoding", {}).get("y", {}).get("field") == "name"]
    # no 180 px cut (0: no limit), the brand and the page on lines of their own, and no
    # label hidden for touching its neighbour
    assert axes and all(axis == {"labelExpr": "split(datum.label, ' · ')", "labelLimit": 0,
                                 "labelOverlap": False} for axis in axes)


@pytest.mark.parametrize("chart", [
    lambda frame: rate_charts.rate_with_intervals(frame, "brand"),
    lambda frame: rate_charts.rate_over_time(frame.assign(week="2025-W01", pending=[0, 0]), "week", "brand"),
])
def test_a_rates_tooltip_gives_the_ignored_and_decided_requests_it_is_of(chart):
    """Hovered, 50% read 'requests 3' beside it, the pending one counted in: a rate of 1 of 2
    decided read as one of 3, and as loud as one of 3,000 decided."""
    frame = _rates(["Few", "Many"]).assign(requests=[3, 3_200], ignored=[1, 1_500], answered=[1, 1_500])
    spec = chart(frame).to_dict()
    rows = {row["name"]: row for row in _rows(spec) if "name" in row}
    assert (rows["Few"]["of_decided"], rows["Many"]["of_decided"]) == ("1 of 2", "1,500 of 3,000")
    tips = [tip for layer in spec["layer"] for tip in layer.get("encoding", {}).get("tooltip", [])]
    assert {"field": "of_decided", "type": "nominal", "title": "ignored of decided"} in tips


def test_a_line_breaks_where_a_series_has_no_week_of_data():
    # real data (ux58a): Delta's 2015-W09 sat beside 2016-W31 on the axis, its line dropping from
    # 100% to 0% across 17 months as if a week apart; a missing rate after the run breaks it there.
    # 2015 has 53 ISO weeks, so 2015-W52 to 2016-W01 is a gap too; 2016-W31 to W32 is none
    frame = pd.concat([_rates(["Delta"] * 4).assign(week=["2015-W09", "2016-W31", "2016-W32", "2016-W33"]),
                       _rates(["Acme"] * 2).assign(week=["2015-W52", "2016-W01"])])
    spec = rate_charts.rate_over_time(frame, "week", "brand").to_dict()
    gaps = sorted((row["name"], row["at"]) for row in _rows(spec) if "at" in row and row["rate"] is None)
    assert gaps == [("Acme", "2015-W53"), ("Delta", "2015-W10")]
    [line] = [mark for mark in _mark_specs(spec) if isinstance(mark, dict) and mark["type"] == "line"]
    assert line["invalid"] == "break-paths-show-domains", "a missing rate breaks the line, not skipped over"
    axis_order = next(layer["encoding"]["x"]["sort"] for layer in spec["layer"] if "encoding" in layer)
    assert axis_order.index("2015-W09") < axis_order.index("2015-W10") < axis_order.index("2016-W31")
    other = rate_charts.rate_over_time(frame.assign(week="x" + frame["week"]), "week", "brand").to_dict()
    assert all(row["rate"] is not None for row in _rows(other) if "at" in row), "periods of no ISO week: as given"
