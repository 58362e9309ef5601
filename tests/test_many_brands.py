"""An agency's warehouse of many brands: a line chart draws the busiest brands and says which it
leaves out (app/busiest.py). Drawn all at once, 76 brands' legend took a chart's whole height
and was cut after 14 names, unsaid (a review on the twcs export's first 5,000 rows)."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from app_support import open_on_request, page_test, plotly_spec, weekly_preview
from care_fixtures import at, brand_msg, load_rows, msg

from app import busiest, care, weekly, weekly_figures
from app.brand_colours import LEGEND_COLUMNS, LEGEND_ROW_PX
from app.busiest import MOST_LINES

# Fictional brands, the k-th with k + 1 customer complaints (so a clear order of busiest), half
# of them answered within minutes: fourteen brands, four more than a chart draws.
BRANDS = [f"Quillmoor{letter}" for letter in "ABCDEFGHIJKLMN"]


def _rows():
    rows = []
    for k, brand in enumerate(BRANDS):
        for n in range(k + 1):
            minutes = 60 * 24 * (n % 3) + 7 * k + n  # three days, so two ISO weeks are not needed
            rows.append(msg(f"{brand}-{n}", f"{brand}-user{n}", minutes, brand=brand))
            if n % 2 == 0:
                rows.append(brand_msg(f"{brand}-answer{n}", minutes + 5, parent=f"{brand}-{n}", brand=brand))
    return rows


@pytest.fixture(scope="module")
def many_brands_db(tmp_path_factory):
    return load_rows(tmp_path_factory.mktemp("many_brands"), _rows())


BUSIEST = BRANDS[::-1][:MOST_LINES]
LEFT_OUT = BRANDS[::-1][MOST_LINES:]


def _labels(chart, column: str) -> set[str]:
    """The series a Vega-Lite chart draws (its data travels beside the spec)."""
    return {label for data in chart.proto.datasets
            for label in pa.ipc.open_stream(data.data.data).read_all().to_pydict().get(column, [])}


def _left_out_said(at) -> bool:
    said = " ".join(c.value for c in at.caption)
    return (f"draws the {MOST_LINES} brands with the most" in said and f"of the {len(BRANDS)} in the selection" in said
            and f"it leaves out {LEFT_OUT[0]}, {LEFT_OUT[1]}, {LEFT_OUT[2]} and 1 more" in said)


def test_trends_draws_the_busiest_brands_and_names_those_it_leaves_out(many_brands_db, monkeypatch):
    at = page_test("trends", many_brands_db, monkeypatch).run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2 and all(_labels(chart, "label") == set(BUSIEST) for chart in charts)
    assert _left_out_said(at)
    # the table under the charts (drawn when its expander opens) still holds every brand
    [numbers] = [f.value for f in open_on_request(at).dataframe if "net_sentiment" in f.value.columns]
    assert set(numbers["brand"]) == set(BRANDS)


def test_ghost_town_over_time_draws_the_busiest_brands_and_names_those_it_leaves_out(many_brands_db, monkeypatch):
    at = page_test("ghost_town", many_brands_db, monkeypatch).run()
    at.radio(key="ghost_section").set_value("Over time").run()
    assert not at.exception
    [chart] = at.get("vega_lite_chart")
    assert _labels(chart, "name") == set(BUSIEST)
    assert _left_out_said(at)
    [numbers] = [f.value for f in at.dataframe if "ghost_town_rate" in f.value.columns]
    assert set(numbers["brand"]) == set(BRANDS)


def test_a_chart_of_few_brands_draws_them_all_and_says_nothing_of_leaving_out(many_brands_db, monkeypatch):
    at = page_test("trends", many_brands_db, monkeypatch)
    at.query_params["brand"] = BRANDS[:3]
    at.run()
    assert not at.exception
    assert all(_labels(chart, "label") == set(BRANDS[:3]) for chart in at.get("vega_lite_chart"))
    assert not any("leaves out" in c.value for c in at.caption)


def _plot_heights(at) -> list[int]:
    """Each Trends chart's height less its legend's rows: what Streamlit leaves the plot, as it
    fits a Vega-Lite chart, legend included, to the chart's height."""
    heights = []
    for chart in at.get("vega_lite_chart"):
        rows = -(-len(_labels(chart, "label")) // LEGEND_COLUMNS)
        heights.append(json.loads(chart.proto.spec)["height"] - rows * LEGEND_ROW_PX)
    return heights


def test_a_chart_of_more_brands_grows_by_its_legend_so_the_plot_keeps_its_height(many_brands_db, monkeypatch):
    # ten brands' five legend rows left a 320 px chart's plot a strip 30 px high (Chromium, 1280 px)
    many = page_test("trends", many_brands_db, monkeypatch).run()
    few = page_test("trends", many_brands_db, monkeypatch)
    few.query_params["brand"] = BRANDS[:1]
    few.run()
    assert not many.exception and not few.exception
    assert len(set(_plot_heights(many) + _plot_heights(few))) == 1, (_plot_heights(many), _plot_heights(few))


def test_the_spikes_chart_draws_the_busiest_brands_and_names_those_it_leaves_out(many_brands_db, monkeypatch):
    at = page_test("trends", many_brands_db, monkeypatch).run()
    at.radio(key="trends_view").set_value("Spikes").run()
    assert not at.exception
    [chart] = at.get("vega_lite_chart")
    assert _labels(chart, "label") == set(BUSIEST)  # no spike in three days: by negative mentions
    assert _left_out_said(at)
    # the note sends the reader to the table under the chart for those left out: it holds them
    [numbers] = [f.value for f in open_on_request(at).dataframe if "spike" in f.value.columns]
    assert set(numbers["brand"].astype(str)) == set(BRANDS)


def test_a_brand_with_a_spike_is_drawn_before_busier_brands_without_one():
    scores = pd.DataFrame({"spikes": [0, 1, 0, 0], "negative": [9, 1, 5, 5]}, index=["Ashgrove", "Brindle", "Corrin",
                                                                                     "Dunmere"])
    assert busiest.ranked(scores, most=2) == (["Brindle", "Ashgrove"], ["Corrin", "Dunmere"])


def test_the_spikes_chart_draws_the_picked_spikes_brand_then_brands_with_spikes_then_the_most_negative():
    # Corrin's spike is the one picked: its posts are under the chart, so its line is drawn though
    # Brindle has more spikes and Ashgrove more negative mentions; Dunmere, without a spike, comes
    # after Brindle (two spikes) though it has more negative mentions
    alerts = pd.DataFrame({"brand": ["Brindle", "Brindle", "Corrin", "Ashgrove"]})
    counts = pd.DataFrame({"Ashgrove": [9, 9], "Brindle": [1, 1], "Corrin": [0, 1], "Dunmere": [5, 5],
                           "Esker": [4, 4]})
    assert busiest.spike_chart_brands(alerts, counts, "Corrin", most=3) == (
        ["Corrin", "Brindle", "Ashgrove"], ["Dunmere", "Esker"])
    assert busiest.spike_chart_brands(alerts, counts, None, most=4) == (
        ["Brindle", "Ashgrove", "Corrin", "Dunmere"], ["Esker"])
    assert busiest.spike_chart_brands(alerts.iloc[:0], counts, None, most=2) == (
        ["Ashgrove", "Dunmere"], ["Esker", "Brindle", "Corrin"])


def test_the_response_time_curves_are_of_the_busiest_brands_and_name_those_left_out(many_brands_db, monkeypatch):
    at = page_test("ghost_town", many_brands_db, monkeypatch).run()
    at.radio(key="ghost_section").set_value("Response times").run()
    assert not at.exception
    [chart] = at.get("plotly_chart")
    curves = {trace.get("name") for trace in plotly_spec(chart)["data"]} & set(BRANDS)
    assert curves == set(BUSIEST)
    assert _left_out_said(at)


def test_the_one_pager_prints_the_busiest_brands_when_not_all_fit(many_brands_db, monkeypatch):
    # by name alone it printed the alphabet's first brands and left out the busiest, unsaid which
    monkeypatch.setenv("REPUTATION_DB", str(many_brands_db))
    week = at(0).strftime("%G-W%V")
    rows, stored = weekly.week_rows(week, (), 72.0)
    assert sorted(rows["brand"]) == BRANDS
    fig = weekly_figures.one_pager(rows, week, stored, 72.0)
    printed = [cell.split("<br>")[0] for cell in fig.data[0].cells.values[0]]
    assert 0 < len(printed) < len(BRANDS)
    assert printed == sorted(BRANDS[::-1][:len(printed)])  # the busiest, by name
    [note] = [a.text.replace("<br>", " ") for a in fig.layout.annotations if "not here" in a.text]
    left_out = BRANDS[::-1][len(printed):]  # the busiest of them first
    assert len(left_out) > busiest.NAMED_LEFT_OUT  # else the next test says more
    named = ", ".join(left_out[:busiest.NAMED_LEFT_OUT - 1]) + f", {left_out[busiest.NAMED_LEFT_OUT - 1]} and "
    assert (f"{len(left_out)} more brands and their top risks (this page prints those of most customer mentions): "
            f"{named}"
            f"{len(left_out) - busiest.NAMED_LEFT_OUT} more;") in note


def test_the_one_pager_names_each_chosen_brand_it_leaves_out(many_brands_db, monkeypatch):
    # 'N more brands' named none of them, not even those chosen in the sidebar: the client's own,
    # of few mentions, was left off the executive's page unsaid
    monkeypatch.setenv("REPUTATION_DB", str(many_brands_db))
    week = at(0).strftime("%G-W%V")
    rows, stored = weekly.week_rows(week, tuple(BRANDS), 72.0)
    fig = weekly_figures.one_pager(rows, week, stored, 72.0, chosen=True)
    printed = [cell.split("<br>")[0] for cell in fig.data[0].cells.values[0]]
    left_out = BRANDS[::-1][len(printed):]
    [note] = [a.text.replace("<br>", " ") for a in fig.layout.annotations if "not here" in a.text]
    named = ", ".join(left_out[:-1]) + f" and {left_out[-1]}"
    assert len(left_out) > busiest.NAMED_LEFT_OUT
    assert (f"{len(left_out)} more brands and their top risks (this page prints those of most customer mentions): "
            f"{named};") in note


def test_trends_says_it_leaves_out_the_mentions_of_no_brand_that_overview_counts(tmp_path, monkeypatch):
    # every brand chosen, Overview read 2,778 customer mentions and Trends 2,640 (twcs), unexplained
    rows = [msg(f"b{n}", f"fan{n}", 10 * n, brand="Ashgrove") for n in range(3)]
    rows += [msg(f"loose{n}", f"stray{n}", 10 * n, brand=None, text="what a day, the trains are late again")
             for n in range(2)]
    db = load_rows(tmp_path, rows)
    overview = page_test("overview", db, monkeypatch).run()
    trends_page = page_test("trends", db, monkeypatch).run()
    assert not overview.exception and not trends_page.exception
    mentions = {page: [m.value for m in app.metric if m.label == "Customer mentions"]
                for page, app in (("overview", overview), ("trends", trends_page))}
    assert mentions == {"overview": ["5"], "trends": ["3"]}
    assert any("2 customer mentions of no brand" in c.value and "(5 in all)" in c.value for c in trends_page.caption)
    chosen = page_test("trends", db, monkeypatch)
    chosen.query_params["brand"] = ["Ashgrove"]
    chosen.run()
    assert not any("of no brand" in c.value for c in chosen.caption)


def test_ghost_town_over_time_ranks_the_brands_that_have_a_line(tmp_path, monkeypatch):
    # a brand whose requests are all still pending has no rate, so no line: ranked by requests it
    # took one of the ten places, the chart drew nine lines under a caption saying ten, and left out
    # a brand it had room for
    pending = "QuillmoorZ"
    rows = _rows() + [msg(f"{pending}-{n}", f"{pending}-user{n}", 3000 + n, brand=pending) for n in range(20)]
    at = page_test("ghost_town", load_rows(tmp_path, rows), monkeypatch).run()
    at.radio(key="ghost_section").set_value("Over time").run()
    assert not at.exception
    [chart] = at.get("vega_lite_chart")
    assert _labels(chart, "name") == set(BUSIEST)
    assert _left_out_said(at)
    assert any(f"{pending} " in c.value and "still pending" in c.value for c in at.caption)


def test_the_rows_drawn_are_those_of_the_series_ranked_matched_by_name_as_text():
    # ranked names the series as text (its index as str): a column of numbers, or of categories,
    # matches the drawn names only as text
    frame = pd.DataFrame({"brand": pd.Categorical(["B", "A", "C", "A"]), "requests": [1, 2, 3, 4]})
    assert busiest.drawn_rows(frame, ["A", "C"])["requests"].tolist() == [2, 3, 4]
    pages = pd.DataFrame({"page": [101, 102, 103], "requests": [1, 2, 3]})
    assert busiest.drawn_rows(pages, ["101", "103"], "page")["requests"].tolist() == [1, 3]


def test_the_lines_ranked_are_the_brands_with_a_rate_in_some_week():
    # a brand all of whose requests are pending has no rate in any week: no line to rank
    weekly = pd.DataFrame({"brand": ["A", "A", "B", "C"], "week": ["W1", "W2", "W1", "W1"],
                           "ghost_town_rate": [None, 0.5, None, 0.0]})
    assert care.brands_with_rate(weekly)["brand"].tolist() == ["A", "A", "C"]


def test_brands_chosen_in_the_sidebar_and_left_out_are_each_named(many_brands_db, monkeypatch):
    # fourteen brands chosen, the quietest (maybe the client's own) went unnamed in 'and 1 more',
    # and the note's advice, to choose brands in the sidebar, was what the user had done
    at = page_test("trends", many_brands_db, monkeypatch)
    at.query_params["brand"] = BRANDS
    at.run()
    assert not at.exception
    [note] = [c.value for c in at.caption if "leaves out" in c.value]
    assert f"it leaves out {', '.join(LEFT_OUT[:-1])} and {LEFT_OUT[-1]}." in note
    assert f"choose at most {MOST_LINES} brands in the sidebar to draw them all" in note


def _spiking_rows(brands: list[str], lone: str) -> list[dict]:
    """Five weeks of one complaint a day per brand, then two days of 6 for each of `brands` and
    one of 20 for `lone`: the largest spike, so the list's first, of the brand with fewest spikes."""
    rows, burst = [], {(brand, day): 6 for brand in brands for day in (33, 34)} | {(lone, 34): 20}
    for brand in [*brands, lone]:
        for day in range(35):
            for n in range(burst.get((brand, day), 1)):
                rows.append(msg(f"{brand}-{day}-{n}", f"{brand}-u{day}-{n}", day * 1440 + 600 + n, brand=brand))
    return rows


def test_the_spikes_chart_draws_the_brand_of_the_spike_shown_under_it(tmp_path, monkeypatch):
    # eleven brands with spikes: the picked spike (the largest, the list's first) was of the brand
    # with fewest, left out of the chart above its posts
    lone = "QuillmoorZ"
    at = page_test("trends", load_rows(tmp_path, _spiking_rows(BRANDS[:MOST_LINES], lone)), monkeypatch).run()
    at.radio(key="trends_view").set_value("Spikes").run()
    assert not at.exception
    assert at.selectbox(key="trends_spike_pick").value.startswith(f"{lone} · ")
    [chart] = at.get("vega_lite_chart")
    assert lone in _labels(chart, "label") and len(_labels(chart, "label")) == MOST_LINES


def _chart_rows(chart) -> pd.DataFrame:
    """A Vega-Lite chart's data (it travels beside the spec)."""
    return pd.concat([pa.ipc.open_stream(data.data.data).read_all().to_pandas() for data in chart.proto.datasets])


def test_share_of_voice_draws_the_busiest_brands_each_share_still_of_the_whole_set(many_brands_db, monkeypatch):
    # one industry of 76 twcs brands drew 76 lines under a legend of about 1,140 px (a review)
    at = page_test("trends", many_brands_db, monkeypatch).run()
    at.radio(key="trends_view").set_value("Share of voice").run()
    at.radio(key="trends_compare").set_value("Selected brands only").run()
    assert not at.exception
    [chart] = at.get("vega_lite_chart")
    assert _labels(chart, "label") == set(BUSIEST)
    assert _left_out_said(at)
    [numbers] = [f.value for f in open_on_request(at).dataframe
                 if "share" in f.value.columns and "bucket" in f.value.columns]
    assert set(numbers["brand"]) == set(BRANDS)
    # a share's tooltip says it is of the whole set, the brands left out included
    drawn = _chart_rows(chart).dropna(subset=["set_mentions"])
    whole = numbers.groupby("bucket")["mentions"].sum()
    assert len(drawn) and drawn["set_mentions"].isin(whole.to_numpy()).all()
    assert drawn["set_mentions"].max() == whole.max() > drawn.groupby("bucket_key")["mentions"].sum().max()


def test_share_of_voice_within_an_industry_advises_the_comparison_that_narrows_its_lines():
    # choosing brands draws no fewer of an industry's brands: only 'Selected brands only' does
    from pages.trends import _SHARE_ADVICE
    note = busiest.left_out_note(["Ashgrove"], MOST_LINES, "customer mentions", chosen=True, advice=_SHARE_ADVICE)
    assert note.endswith(f"; compare with the selected brands only, at most {MOST_LINES} of them, to draw the "
                         "brands you choose.")
    assert "choose at most" in busiest.left_out_note(["Ashgrove"], MOST_LINES, "customer mentions", chosen=True)


def test_the_weekly_pages_one_pager_names_the_chosen_brands_it_leaves_out(many_brands_db, monkeypatch, exported):
    # the page's choice reaches the one-pager: every chosen brand it leaves out is named
    page = page_test("weekly", many_brands_db, monkeypatch)
    page.query_params["brand"] = BRANDS
    page.query_params["week"] = at(0).strftime("%G-W%V")
    page.run()
    assert not page.exception
    fig = weekly_preview(page, exported)
    left_out = BRANDS[::-1][len(fig.data[0].cells.values[0]):]
    [note] = [a.text.replace("<br>", " ") for a in fig.layout.annotations if "not here" in a.text]
    assert len(left_out) > busiest.NAMED_LEFT_OUT and left_out[-1] in note


def test_the_weekly_pages_one_pager_prints_the_brand_picked_first(many_brands_db, monkeypatch, exported):
    # the one-pager ranked brands by volume alone, so the brand an executive looked at (here one of
    # the quietest) was left out of its table (a user review): the page passes its pick on (the
    # default, the first by name, is no pick: the busiest lead then)
    page = page_test("weekly", many_brands_db, monkeypatch)
    page.query_params["week"] = at(0).strftime("%G-W%V")
    page.query_params["focus"] = BRANDS[1]
    page.run()
    assert not page.exception
    printed = weekly_preview(page, exported).data[0].cells.values[0]
    assert printed[0].startswith(BRANDS[1]) and not any(b.startswith(BRANDS[0]) for b in printed)
