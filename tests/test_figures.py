"""Figure builders, tested directly: they draw what they are given, escape untrusted text,
and say so when there is nothing to draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import hostile
from app import audit_rules, brand_colours, care, figures, risk

NASTY = hostile.TEXTS[0]
NASTY_NAME = hostile.HANDLES[0]


def _clean(fig: go.Figure) -> str:
    spec = fig.to_json()
    assert "<script" not in spec.lower() and "\\u003cscript" not in spec.lower()
    return spec


def test_km_curves_from_requests_reach_the_observed_share():
    rows = pd.DataFrame({"brand": ["A"] * 4 + [NASTY_NAME] * 2,
                         "response_minutes": [10.0, 30.0, np.nan, 120.0, 5.0, np.nan],
                         "age_minutes": [500.0] * 6})
    curves = care.kaplan_meier_curve(rows, "brand", horizon_minutes=72 * 60.0)
    a = curves[curves["brand"] == "A"]
    assert a["p_answered"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 0.75])  # flat to 500 min
    fig = figures.km_curves(curves, "brand", 60.0, 0.5, "half expect 1 h")
    _clean(fig)
    assert len(fig.data) == 3 and fig.data[0].line.shape == "hv"  # two brands, the reference's legend entry
    assert fig.data[2].mode == "markers" and fig.data[2].name == "half expect 1 h"
    # the legend under the plot: on the right it left a phone's plot 100 px (a review)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0


def test_km_curves_of_requests_made_at_the_as_of_moment_say_why_nothing_is_drawn():
    """One complaint and nothing else, evaluated as of its own time: its curve is one point at
    0 h, which a log axis cannot show; the chart drew empty axes under a legend naming it."""
    rows = pd.DataFrame({"brand": ["A"], "response_minutes": [np.nan], "age_minutes": [0.0]})
    curves = care.kaplan_meier_curve(rows, "brand", horizon_minutes=72 * 60.0)
    assert not (curves["minutes"] > 0).any()
    notes = [a.text for a in figures.km_curves(curves, "brand").layout.annotations]
    assert any(note.startswith("No curve to draw yet: every request was made at the as-of moment") for note in notes)
    later = care.kaplan_meier_curve(rows.assign(age_minutes=[5.0]), "brand", horizon_minutes=72 * 60.0)
    assert not any("No curve" in a.text for a in figures.km_curves(later, "brand").layout.annotations)


def test_coverage_heatmap_places_hours_in_days():
    coverage = pd.DataFrame({"hour_of_week": np.arange(168), "requests": 3, "answered": 1, "ignored": 2,
                             "response_rate": np.where(np.arange(168) == 24 + 9, 1.0, 0.0), "sla_rate": 0.0,
                             "km_median_minutes": np.nan, "pending": 0})
    fig = figures.coverage_heatmap(coverage, brand=NASTY_NAME, timezone="Europe/London")
    _clean(fig)
    z = np.array(fig.data[0].z)
    assert z.shape == (7, 24) and z[1, 9] == 1.0 and z.sum() == 1.0


@pytest.mark.parametrize("build", [
    lambda coverage: figures.coverage_heatmap(coverage),
    lambda coverage: figures.audit_coverage_heatmap(coverage, "UTC"),
])
def test_an_hour_with_too_few_decided_is_grey_not_a_full_colour(build):
    # one ignored request painted its hour 0% at full red (user review): an hour is coloured
    # from as many decided requests as a coverage gap needs
    coverage = pd.DataFrame({"hour_of_week": [9, 10, 11], "requests": [1, 2, 3], "response_rate": [0.0, 1.0, 0.0],
                             "answered": [0, 2, 0], "ignored": [1, 0, 3], "sla_rate": [0.0, 1.0, 0.0],
                             "km_median_minutes": [np.nan, 5.0, np.nan], "pending": 0})
    z = np.array(build(coverage).data[0].z, dtype=float)
    assert np.isnan(z[0, 9]) and np.isnan(z[0, 10]) and z[0, 11] == 0.0
    from app import report
    cells = report.coverage_heatmap(coverage)
    assert cells.count(report.NO_HEAT_STYLE) == 7 * 24 - 1  # hatched grey but for Monday 11:00


@pytest.mark.parametrize("build", [
    lambda coverage: figures.coverage_heatmap(coverage),
    lambda coverage: figures.audit_coverage_heatmap(coverage, "UTC"),
])
def test_an_hour_with_nothing_decided_is_grey_not_a_pale_rate(build):
    # the cell has no z: it shows the plot's background, which must not be white or the
    # scale's pale middle
    coverage = pd.DataFrame({"hour_of_week": [9], "requests": [4], "response_rate": [0.5],
                             "answered": [2], "ignored": [2], "sla_rate": [0.5], "km_median_minutes": [30.0],
                             "pending": [0]})
    fig = build(coverage)
    assert fig.layout.plot_bgcolor == figures.NO_DATA_COLOUR != "white"
    assert np.isnan(np.array(fig.data[0].z, dtype=float)).sum() == 7 * 24 - 1


def test_cascade_network_escapes_hover_and_dashes_inferred_edges():
    nodes = pd.DataFrame({"node_id": ["r", "a", "b"], "parent_id": [None, "r", "a"], "depth": [0, 1, 2],
                          "kind": ["post", "share", "reply"], "author_handle": [NASTY_NAME, "x", "y"],
                          "followers": [100, 10, 1], "inferred_edge": [False, False, True],
                          "text": [NASTY, "a", "b"]})
    fig = figures.cascade_network(risk.network_layout(nodes), "Cascade <i>r</i>", "twitter:<b>r</b>")
    spec = _clean(fig)
    declared, inferred, points = fig.data
    assert declared.line.dash == "solid" and inferred.line.dash == "dash"
    assert len([x for x in declared.x if x is not None]) == 2 and len([x for x in inferred.x if x is not None]) == 2
    assert "&lt;script&gt;" in points.hovertext[0]
    assert "&lt;i&gt;" in spec and fig.layout.title.subtitle.text == "twitter:&lt;b&gt;r&lt;/b&gt;"
    assert points.marker.colorbar.dtick == 1  # whole depths: no tick at 0.5 (user review)


@pytest.mark.parametrize(("highest", "step"), [(0, 1), (2, 1), (8, 1), (9, 2), (40, 5)])
def test_a_depth_colour_bar_ticks_whole_levels_at_most_eight(highest, step):
    assert figures._whole_step(highest) == step


def test_growth_curve_draws_forecast_and_interval():
    growth = pd.DataFrame({"created_at": pd.date_range("2025-01-01", periods=3, freq="h", tz="UTC"),
                           "size": [1, 2, 3]})
    fig = figures.growth_curve(growth, 5.0, 3.0, 9.0)
    _clean(fig)
    assert list(fig.data[0].y) == [1, 2, 3]
    kinds = {(s.type, s.y0, s.y1) for s in fig.layout.shapes}
    assert ("rect", 3.0, 9.0) in kinds and ("line", 5.0, 5.0) in kinds
    assert [a.text for a in fig.layout.annotations] == ["predicted final size 5 (80%: 3 to 9)"]
    # forecast not to grow: no band of no width, and the label says the interval is the size
    flat = figures.growth_curve(growth, 3.0, 3.0, 3.0)
    assert [s.type for s in flat.layout.shapes] == ["line"]
    assert [a.text for a in flat.layout.annotations] == ["predicted final size 3 (80%: 3 to 3)"]
    # with separators, as the grids beside it print sizes
    large = figures.growth_curve(growth, 1250.0, 980.0, 2400.0)
    assert [a.text for a in large.layout.annotations] == ["predicted final size 1,250 (80%: 980 to 2,400)"]
    # drawn where the label says: 2.495 labelled 2 was drawn at 2.5 (a review); a half rounds up
    near = figures.growth_curve(growth, 2.495, 2.0, 5.5)
    assert {(s.type, s.y0, s.y1) for s in near.layout.shapes} == {("rect", 2.0, 6.0), ("line", 2.0, 2.0)}
    assert [a.text for a in near.layout.annotations] == ["predicted final size 2 (80%: 2 to 6)"]


@pytest.mark.parametrize(("calibrated", "said"), [(True, "80%: 3 to 9"), (False, "default interval: 3 to 9")])
def test_growth_curve_labels_its_band_as_risk_names_it(calibrated, said):
    # uncalibrated, the band is the forecast to twice it: labelled '80%' under the page's warning
    # that it is none (a shift review); risk.band_label is the page's one wording of it
    growth = pd.DataFrame({"created_at": pd.date_range("2025-01-01", periods=3, freq="h", tz="UTC"),
                           "size": [1, 2, 3]})
    fig = figures.growth_curve(growth, 5.0, 3.0, 9.0, interval_name=risk.band_label(calibrated))
    assert [a.text for a in fig.layout.annotations] == [f"predicted final size 5 ({said})"]


def test_cost_of_silence_bars_still_unanswered_beside_answered():
    summary = pd.DataFrame({"brand": ["A", "A", NASTY_NAME], "answered": [False, True, False],
                            "cascades": [3, 4, 1], "reach_cascades": [2, 4, 0],
                            "mean_potential_reach": [900.0, 300.0, np.nan]})
    fig = figures.cost_of_silence(summary)
    _clean(fig)
    # 'ignored' elsewhere is no answer within H; these bars' is no reply by the newest load (review55)
    assert [t.name for t in fig.data] == ["still unanswered", "answered"]
    assert "ignored" not in fig.layout.title.text
    # told apart by more than colour (WCAG 1.4.1): the ignored bars hatched, the answered plain
    assert fig.data[0].marker.pattern.shape and not fig.data[1].marker.pattern.shape
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0  # under the bars
    assert list(fig.data[0].y[:1]) == [900.0] and np.isnan(fig.data[0].y[1])
    # the mean is of the cascades with follower counts, and says so; none is no mean
    assert "mean of 2 cascades with follower counts" in fig.data[0].hovertext[0]
    said = fig.data[0].hovertext[1].split("<br>")[-1]  # the number's line ('still unanswered' holds 'nan')
    assert said == "no cascade with follower counts"


def test_weekly_silence_ratio_leaves_out_weeks_of_few_cascades():
    weeks = pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-13", "2025-01-13", "2025-01-20", "2025-01-20"])
    cost = pd.DataFrame({"brand": ["A"] * 6, "week": weeks, "answered": [False, True] * 3,
                         "cascades": [6, 5, 40, 9, 9, 9], "reach_cascades": [6, 5, 40, 2, 9, 9],
                         "mean_size": [2.0] * 6,
                         "mean_potential_reach": [300.0, 100.0, 5000.0, 50.0, 0.0, 80.0],
                         "reach_ratio": [3.0, np.nan, 100.0, np.nan, 0.0, np.nan]})
    fig = figures.cost_of_silence_weekly(cost)
    _clean(fig)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0  # under the weeks
    # the 100x of a week with 2 answered cascades of known reach is noise (the other 7 carried
    # no follower counts); a 0 has no place on a log scale
    assert list(fig.data[0].y) == [3.0]
    assert fig.layout.yaxis.type == "log"


def test_the_no_difference_label_sits_on_its_line():
    # on a log axis plotly places an annotation by log10(y): add_hline's label of y = 1 stood at 10
    cost = pd.DataFrame({"brand": "A", "week": pd.to_datetime(["2025-01-06"] * 2), "answered": [False, True],
                         "cascades": 6, "reach_cascades": 6, "mean_size": 2.0,
                         "mean_potential_reach": [300.0, 100.0], "reach_ratio": [3.0, np.nan]})
    fig = figures.cost_of_silence_weekly(cost)
    [label] = [a for a in fig.layout.annotations if a.text == "no difference"]
    assert (label.y, label.yref) == (0.0, "y") and fig.layout.yaxis.type == "log"
    assert label.bgcolor.startswith("rgba(255,255,255")  # readable where a line crosses it
    [hline] = [s for s in fig.layout.shapes if s.y0 == s.y1]
    assert hline.y0 == 1.0  # a shape is placed by y itself


@pytest.mark.parametrize("weeks", [1, 3, 30])
def test_the_weekly_silence_ratio_dates_its_weeks_even_one(weeks):
    """One week's point had plotly zoom the axis to milliseconds ('23:59:59.9995'): the ticks
    are the weeks' Mondays, at most 8 labelled, within a range half a week wider each side."""
    mondays = pd.date_range("2026-10-19", periods=weeks, freq="7D")
    cost = pd.DataFrame({"brand": "A", "week": mondays.repeat(2), "answered": [False, True] * weeks,
                         "cascades": 6, "reach_cascades": 6, "mean_size": 2.0,
                         "mean_potential_reach": [300.0, 100.0] * weeks, "reach_ratio": [3.0, np.nan] * weeks})
    axis = figures.cost_of_silence_weekly(cost).layout.xaxis
    ticks = pd.to_datetime(list(axis.tickvals))
    assert 1 <= len(ticks) <= 8 and (ticks.day_of_week == 0).all() and ticks[0] == mondays[0]
    assert list(axis.ticktext) == [t.strftime("%Y-%m-%d") for t in ticks]
    low, high = pd.to_datetime(list(axis.range))
    assert (mondays[0] - low, high - mondays[-1]) == (pd.Timedelta(days=3.5), pd.Timedelta(days=3.5))


def _log_axes(fig: go.Figure) -> list:
    return [axis for axis in (fig.layout.xaxis, fig.layout.yaxis) if axis.type == "log"]


def test_every_log_axis_labels_each_tick_in_full():
    """Plotly's own log ticks read '0.1 2 5 1 2 5 10' (a '5' under 1 meant 0.5): every log
    axis has its ticks at 1-2-5 of the decades drawn, each labelled with its whole number."""
    rows = pd.DataFrame({"brand": ["A"] * 3, "response_minutes": [0.6, 90.0, 3000.0], "age_minutes": [5000.0] * 3})
    weeks = pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-13", "2025-01-13"])
    cost = pd.DataFrame({"brand": ["A"] * 4, "week": weeks, "answered": [False, True] * 2,
                         "cascades": [6, 5, 6, 5], "reach_cascades": [6, 5, 6, 5], "mean_size": [2.0] * 4,
                         "mean_potential_reach": [300.0, 100.0, 30.0, 100.0],
                         "reach_ratio": [3.0, np.nan, 0.3, np.nan]})
    figs = [figures.km_curves(care.kaplan_meier_curve(rows, "brand", horizon_minutes=72 * 60.0), "brand"),
            figures.cost_of_silence_weekly(cost)]
    for fig in figs:
        [axis] = _log_axes(fig)
        assert axis.tickmode == "array" and len(axis.tickvals) == len(axis.ticktext) > 3
        for value, text in zip(axis.tickvals, axis.ticktext):
            assert float(text.replace(",", "")) == pytest.approx(value), (value, text)
    [ratio] = _log_axes(figs[1])
    assert list(ratio.ticktext) == ["0.1", "0.2", "0.5", "1", "2", "5", "10"]
    [hours] = _log_axes(figs[0])
    assert hours.ticktext[0] == "0.01" and "0.5" in hours.ticktext and "50" in hours.ticktext


def test_log_ticks_keep_to_powers_of_ten_over_many_decades():
    ticks = figures.log_ticks([0.001, 5e5])
    assert ticks["ticktext"] == ["0.001", "0.01", "0.1", "1", "10", "100", "1,000", "10,000", "100,000",
                                 "1,000,000"]
    assert figures.log_ticks([0.004, 0.03])["ticktext"] == ["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"]


def test_silence_summary_weights_weeks_by_cascades():
    cost = pd.DataFrame({"brand": ["A", "A"], "week": pd.to_datetime(["2025-01-06", "2025-01-13"]),
                         "answered": [False, False], "cascades": [1, 3], "mean_size": [2.0, 4.0],
                         "reach_cascades": [1, 1], "mean_potential_reach": [100.0, 200.0],
                         "reach_ratio": [np.nan, np.nan]})
    out = risk.silence_summary(cost)
    # size over every cascade, reach over those with follower counts
    assert out["mean_size"].tolist() == [3.5] and out["mean_potential_reach"].tolist() == [150.0]
    none_known = risk.silence_summary(cost.assign(reach_cascades=0, mean_potential_reach=np.nan))
    assert none_known["reach_cascades"].tolist() == [0] and none_known["mean_potential_reach"].isna().all()


def test_deleted_comments_and_bars_escape_labels():
    deleted = pd.DataFrame({"brand": [NASTY_NAME], "deleted_comments": [5], "deleted_negative": [2],
                            "negative_share": [0.5]})
    fig = figures.deleted_comments(deleted)
    _clean(fig)
    assert list(fig.data[0].x) == [2] and list(fig.data[1].x) == [3]
    assert fig.data[0].marker.pattern.shape and not fig.data[1].marker.pattern.shape  # negative: hatched too
    fig = figures.bars(pd.DataFrame({"brand": [NASTY_NAME], "ghost_town_rate": [0.4], "note": [NASTY]}), "brand", "ghost_town_rate", "t", "v",
                       percent=True, hover_extra="note")
    _clean(fig)


@pytest.mark.parametrize("builder", [
    lambda: figures.km_curves(pd.DataFrame(columns=["brand", "minutes", "p_answered"])),
    lambda: figures.coverage_heatmap(pd.DataFrame({"hour_of_week": [], "requests": [], "answered": [],
                                                   "ignored": [], "response_rate": []})),
    lambda: figures.cascade_network(pd.DataFrame()),
    lambda: figures.growth_curve(pd.DataFrame(columns=["created_at", "size"])),
    lambda: figures.cost_of_silence(pd.DataFrame()),
    lambda: figures.cost_of_silence_weekly(pd.DataFrame()),
    lambda: figures.deleted_comments(pd.DataFrame()),
])
def test_empty_inputs_give_a_figure_that_says_so(builder):
    fig = builder()
    assert isinstance(fig, go.Figure) and not fig.data
    assert fig.layout.annotations and fig.layout.annotations[0].text


def test_a_brand_has_its_colour_on_every_chart_whichever_brands_are_shown():
    # Trends gave Marrowby orange, Ghost Town's weekly and response-time charts light blue
    # (user review): every chart of brands now colours by the brand's place among them all.
    from app import brand_colours, rate_charts
    every = ["Acme", "Beta", "Cyan"]
    weekly = pd.DataFrame({"brand": ["Cyan", "Beta"], "week": ["2024-W02"] * 2, "ghost_town_rate": [0.2, 0.4],
                           "ghost_town_ci_low": [0.1, 0.3], "ghost_town_ci_high": [0.3, 0.5], "requests": [5, 5],
                           "answered": [4, 3], "ignored": [1, 2]})
    spec = rate_charts.rate_over_time(weekly, brands=every).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"])) == {"Cyan": brand_colours.PALETTE[2],
                                                          "Beta": brand_colours.PALETTE[1]}
    curves = pd.DataFrame({"brand": ["Cyan", "Cyan"], "minutes": [0.0, 30.0], "p_answered": [0.0, 0.5]})
    fig = figures.km_curves(curves, "brand", brands=every)
    assert fig.data[0].line.color == brand_colours.PALETTE[2]
    cost = pd.DataFrame({"brand": ["Cyan"] * 2, "week": pd.to_datetime(["2025-01-06"] * 2),
                         "answered": [False, True], "cascades": [6, 5], "reach_cascades": [6, 5],
                         "reach_ratio": [3.0, np.nan]})
    fig = figures.cost_of_silence_weekly(cost, brands=every)
    assert fig.data[0].line.color == brand_colours.PALETTE[2]


def test_brand_lines_differ_in_marker_shape_as_well_as_colour():
    # under deuteranopia the palette's red (3rd brand) and green (5th) are one colour: the
    # response-time curves and the weekly reach ratios told brands apart by hue alone (accessibility review)
    from app import brand_colours
    from colour_vision import seen_apart
    every = ["Acme", "Beta", "Cyan", "Dune", "Echo", "Fern"]
    assert seen_apart(brand_colours.PALETTE[2], brand_colours.PALETTE[4], "deuteranopia") < 5  # why
    curves = pd.DataFrame({"brand": [b for b in every for _ in (0, 1)], "minutes": [0.0, 30.0] * 6,
                           "p_answered": [0.0, 0.5] * 6})
    cost = pd.DataFrame({"brand": [b for b in every for _ in (0, 1)], "week": pd.to_datetime(["2025-01-06"] * 12),
                         "answered": [False, True] * 6, "cascades": [6, 5] * 6, "reach_cascades": [6, 5] * 6,
                         "reach_ratio": [3.0, np.nan] * 6})
    for fig in (figures.km_curves(curves, "brand", reference_share=None, brands=every),
                figures.cost_of_silence_weekly(cost, brands=every)):
        lines = [trace for trace in fig.data if trace.name in every]
        assert [trace.marker.symbol for trace in lines] == list(brand_colours.shapes(every, every))
        assert "markers" in lines[0].mode and len({trace.marker.symbol for trace in lines}) == 6
        assert {trace.marker.size for trace in lines} == {figures.BRAND_MARKER_SIZE}  # a shape, not a dot


def test_a_brand_name_is_never_part_of_a_hover_template():
    # plotly expands %{...} in a template: a brand named "%{y}" written into it became a number
    curves = pd.DataFrame({"brand": ["%{y} Acme"] * 2, "minutes": [0.0, 30.0], "p_answered": [0.0, 0.5]})
    fig = figures.km_curves(curves, "brand")
    assert "%{y} Acme" not in fig.data[0].hovertemplate and fig.data[0].name == "%{y} Acme"
    assert "%{fullData.name}" in fig.data[0].hovertemplate


def _office_hours_coverage() -> pd.DataFrame:
    """Monday 09:00 answered fast, 02:00 all answered but in three hours, 20:00 mostly never:
    each hour with enough decided requests to colour."""
    enough = audit_rules.COLOURED_MIN_DECIDED
    return pd.DataFrame({"hour_of_week": [9, 2, 20], "requests": [enough] * 3, "answered": [enough, enough, 1],
                         "ignored": [0, 0, enough - 1], "response_rate": [1.0, 1.0, 1 / enough],
                         "sla_rate": [1.0, 0.0, 0.0], "km_median_minutes": [10.0, 180.0, np.nan],
                         "pending": [0, 0, 0]})


def test_coverage_colours_by_the_sla_or_the_median_where_the_rate_within_h_is_flat():
    # user review: coloured only by 'answered within 72 h', office hours looked as green at
    # night as by day; the SLA rate and the KM median show them
    coverage = _office_hours_coverage()
    z = {value: np.array(figures.coverage_heatmap(coverage, value).data[0].z, dtype=float)
         for value in figures.COVERAGE_MEASURES}
    assert z["response_rate"][0, 9] == z["response_rate"][0, 2] == 1.0
    assert (z["sla_rate"][0, 9], z["sla_rate"][0, 2]) == (1.0, 0.0)
    assert z["km_median_minutes"][0, 9] == pytest.approx(np.log10(10))
    assert z["km_median_minutes"][0, 2] == pytest.approx(np.log10(180))
    # not reached (fewer than half answered) is the slowest colour, not a grey 'no data'
    assert z["km_median_minutes"][0, 20] == pytest.approx(np.log10(72 * 60))


def test_a_median_not_reached_while_requests_are_pending_has_no_colour_yet():
    """A young hour answered in minutes can read 'not reached' while most of it is pending:
    coloured as H it looked like the slowest hour of the week (code review)."""
    coverage = _office_hours_coverage().assign(pending=[0, 0, 30])
    heat = figures.coverage_heatmap(coverage, "km_median_minutes").data[0]
    assert np.isnan(np.array(heat.z, dtype=float)[0, 20])
    assert "not reached yet (30 pending)" in heat.hovertext[0][20]
    assert "pending" not in heat.hovertext[0][2]


def test_a_median_not_reached_that_its_pending_requests_cannot_reach_is_the_slowest_colour():
    """25 of 27 requests ignored, one pending: were it answered, 2 of 27 would be, far from
    half. The hour is as slow as can be, not grey, the colour of no data (user review)."""
    coverage = _office_hours_coverage().assign(requests=[3, 3, 27], answered=[3, 3, 1],
                                               ignored=[0, 0, 25], pending=[0, 0, 1])
    heat = figures.coverage_heatmap(coverage, "km_median_minutes", horizon_hours=72.0).data[0]
    assert np.array(heat.z, dtype=float)[0, 20] == pytest.approx(np.log10(72 * 60))
    assert "not reached" in heat.hovertext[0][20] and "yet" not in heat.hovertext[0][20]


def test_a_median_time_is_coloured_longer_redder_with_its_units():
    fig = figures.coverage_heatmap(_office_hours_coverage(), "km_median_minutes", horizon_hours=72.0)
    heat = fig.data[0]
    share = figures.coverage_heatmap(_office_hours_coverage(), "sla_rate").data[0]
    assert [colour for _, colour in heat.colorscale] == [colour for _, colour in share.colorscale][::-1]
    assert (heat.zmin, heat.zmax) == (0, pytest.approx(np.log10(72 * 60)))
    ticks = dict(zip(heat.colorbar.ticktext, heat.colorbar.tickvals))
    assert ticks["1 h"] == pytest.approx(np.log10(60)) and ticks["15 min"] == pytest.approx(np.log10(15))
    assert ticks["72 h+ or not reached"] == pytest.approx(heat.zmax)
    assert "Median response time (Kaplan–Meier)" in fig.layout.title.text


def test_every_coverage_hover_gives_each_measure_and_says_not_reached():
    fig = figures.coverage_heatmap(_office_hours_coverage(), "response_rate", sla_minutes=30.0)
    hover = fig.data[0].hovertext
    night, evening = hover[0][2], hover[0][20]
    assert "answered within H (72 h): 100%" in night and "answered within the SLA (30 min): 0%" in night
    assert "median response time (Kaplan–Meier): 3.0 h" in night
    assert f"{audit_rules.COLOURED_MIN_DECIDED} requests, {audit_rules.COLOURED_MIN_DECIDED} decided" in night
    assert "median response time (Kaplan–Meier): not reached" in evening and "nan" not in evening.lower()
    assert hover[0][3] == "Mon 03:00<br>no requests"


def test_a_km_curve_runs_flat_to_its_last_follow_up_at_most_h():
    # a curve stopped at its last answer hid the share never answered, and curves ended apart
    # (older unanswered requests come collapsed without their ages: a curve stops at H, or
    # at the latest answer where one came later)
    rows = pd.DataFrame({"brand": ["A"] * 4 + ["B"] * 2 + ["C"],
                         "response_minutes": [10.0, 30.0, np.nan, np.nan, 5.0, np.nan, np.nan],
                         "age_minutes": [900.0, 900.0, 800.0, 300.0, 9000.0, 9000.0, 200.0]})
    for resolution in (None, 1000):
        curves = care.kaplan_meier_curve(rows, "brand", resolution=resolution, horizon_minutes=72 * 60.0)
        ends = curves.groupby("brand").last()
        assert ends["minutes"].to_dict() == {"A": 800.0, "B": 72 * 60.0, "C": 200.0}
        assert ends["p_answered"].to_dict() == pytest.approx({"A": 0.5, "B": 0.5, "C": 0.0})
    fig = figures.km_curves(curves, "brand")
    assert [trace.x[-1] for trace in fig.data] == pytest.approx([800 / 60, 72.0, 200 / 60])
    late = pd.concat([rows, pd.DataFrame({"brand": ["D"], "response_minutes": [5000.0], "age_minutes": [9000.0]})])
    ends = care.kaplan_meier_curve(late, "brand", horizon_minutes=72 * 60.0).groupby("brand").last()
    assert ends["minutes"].to_dict() == {"A": 800.0, "B": 5000.0, "C": 200.0, "D": 5000.0}


def test_the_one_hour_label_sits_on_its_line_whatever_the_curves_span():
    # on a log axis plotly places an annotation by log10(x): add_vline's label of x = 1 h
    # stood at 10 h, the top-right corner of a brand's chart that ends sooner
    curves = pd.DataFrame({"brand": ["A"] * 3, "minutes": [0.0, 30.0, 90.0], "p_answered": [0.0, 0.4, 0.6]})
    fig = figures.km_curves(curves, "brand", 60.0, 0.5, "survey: 50% of customers expect an answer within 1 h")
    [hour] = [a for a in fig.layout.annotations if a.text == "1 h"]
    assert (hour.x, hour.xref) == (0.0, "x") and fig.layout.xaxis.type == "log"
    [vline] = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert vline.x0 == 1.0  # a shape is placed by x itself
    # the expectation's label is in the legend, beside its dash, not on the curves
    assert not any("expect" in a.text for a in fig.layout.annotations)
    [reference] = [trace for trace in fig.data if "expect" in trace.name]
    assert reference.name.replace("<br>", " ") == "survey: 50% of customers expect an answer within 1 h"


def test_the_survey_figure_is_one_point_at_its_hour_not_a_line_across_every_time():
    # a dashed 50% line across the chart read as a target or as the median line, though the
    # caption said it was neither: a survey's share of customers expecting an answer within 1 h (review55)
    curves = pd.DataFrame({"brand": ["A"] * 3, "minutes": [0.0, 30.0, 900.0], "p_answered": [0.0, 0.4, 0.6]})
    fig = figures.km_curves(curves, "brand", 60.0, 0.5, "survey: nearly half expect an answer within the hour")
    assert not [s for s in fig.layout.shapes if s.y0 == s.y1]  # no horizontal line
    [reference] = [trace for trace in fig.data if "survey" in trace.name]
    assert (list(reference.x), list(reference.y)) == ([1.0], [0.5]) and reference.mode == "markers"
    assert reference.marker.symbol not in brand_colours.SHAPES  # no brand's curve's shape
    assert "nearly half" in reference.hovertext[0]


def test_a_single_brands_km_curve_is_named_in_a_legend():
    """Plotly hides the legend of a lone trace: the chart of one brand named no brand (user review)."""
    curves = pd.DataFrame({"brand": ["Acme"] * 2, "minutes": [0.0, 30.0], "p_answered": [0.0, 0.5]})
    fig = figures.km_curves(curves, "brand", 60.0, 0.5, "survey")
    assert fig.layout.showlegend is True and [trace.name for trace in fig.data] == ["Acme", "survey"]


@pytest.mark.parametrize("vision", ["deuteranopia", "protanopia"])
@pytest.mark.parametrize("draw", [
    lambda: figures.coverage_heatmap(_office_hours_coverage(), "response_rate").data[0],
    lambda: figures.coverage_heatmap(_office_hours_coverage(), "km_median_minutes", horizon_hours=72.0).data[0],
    lambda: figures.audit_coverage_heatmap(_office_hours_coverage(), "UTC").data[0]])
def test_coverage_colours_stay_apart_for_a_reader_without_red_green_vision(draw, vision):
    # red-yellow-green put none and all answered, and a quarter and three quarters, a few
    # shades apart for a deuteranope or protanope (accessibility review, WCAG 1.4.1)
    from colour_vision import on_scale, seen_apart
    scale = draw().colorscale
    for low, high in ((0.0, 1.0), (0.25, 0.75), (0.0, 0.5), (0.5, 1.0)):
        assert seen_apart(on_scale(scale, low), on_scale(scale, high), vision) > 40, (low, high)
