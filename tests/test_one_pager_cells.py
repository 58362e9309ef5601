"""The one-pager's KPI cells: every word printed under a figure fits its column at the page's width."""

from __future__ import annotations

import pytest
from test_export import _assert_inside_page_and_cells, _drawn_texts, risks  # noqa: F401 (a fixture)

from app import formatting, weekly_cards, weekly_figures
from support import needs_chromium

# What a KPI cell prints under its change (weekly_cards.card_delta's words), and a count's change
# in a week the data ends inside (weekly_cards.counted_days' longest, '6.0 of 7 days')
CHANGE_WORDS = [formatting.verdict(worse=True), formatting.verdict(worse=False), formatting.MAY_BE_CHANCE,
                "6.0 of 7 days"]  # not the KM median's: not printed


@pytest.mark.parametrize("word", CHANGE_WORDS)
def test_every_word_under_a_kpi_figure_fits_one_line_of_its_column(word):
    # 'from no row the week before' ran into the next column (a user review)
    line = weekly_figures._column_chars(weekly_figures.KPI_COLUMN_WIDTHS, 1, weekly_figures.SMALL_FONT)
    assert weekly_figures._units(word) <= line


def test_a_count_with_no_data_the_week_before_prints_that_on_two_lines_of_its_column():
    line = weekly_figures._column_chars(weekly_figures.KPI_COLUMN_WIDTHS, 1, weekly_figures.SMALL_FONT)
    assert len(weekly_figures._wrap(weekly_cards.NO_DATA_BEFORE, line, markup=False)) == 2


@needs_chromium
def test_a_brand_absent_the_week_before_prints_its_counts_inside_their_cells(risks):  # noqa: F811
    # Vellum Rail's W35 mentions: '+91 / from no row the week' ran into the complaint share's column;
    # '+91' read as growth from a week of no data (a user review)
    rows, stored, top = risks
    absent = rows.assign(mentions=91, mentions_wow=91, requests_wow=rows["requests"])
    fig = weekly_figures.one_pager(absent, "2025-W10", stored, 72.0, top)
    [cell] = fig.data[0].cells.values[1]
    assert weekly_figures._plain(cell).split("\n") == ["91", "no data the", "week before"]
    _assert_inside_page_and_cells(fig, _drawn_texts(fig))
