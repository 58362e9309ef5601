"""The cards' number formats, which Overview, Trends and Weekly share."""

import math

import pytest

from app import formatting
from app.formatting import counted, delta_style, format_change, format_delta, format_km_median, format_value


@pytest.mark.parametrize("value, kind, shown", [
    (12345, "count", "12,345"), (0.3925, "share", "39.2%"), (0.25, "score", "+0.25"),
    (1234.4, "minutes", "20.6 h"), (2.5, "amount", "2"), (None, "share", "–"),
    (math.nan, "minutes", "–"),
    # a median answer in 25 s or 30 s (0.5 min, which '%.0f' rounds to even, 0) is no '0 min'
    (25 / 60, "minutes", "under 1 min"), (0.5, "minutes", "under 1 min"), (0.0, "minutes", "0 min"),
])
def test_values_show_as_on_the_cards(value, kind, shown):
    assert format_value(value, kind) == shown


@pytest.mark.parametrize("minutes, shown", [
    # up to 90 min in minutes, up to 48 h in hours, beyond in days: '818 min' made a reader divide
    (89.4, "89 min"), (90.0, "1.5 h"), (485.0, "8.1 h"), (818.0, "13.6 h"), (1_440.0, "24.0 h"),
    (2_347.0, "39.1 h"), (2_879.0, "48.0 h"), (2_880.0, "2.0 days"), (10_000.0, "6.9 days"),
])
def test_long_times_read_in_hours_then_days(minutes, shown):
    assert format_value(minutes, "minutes") == shown == formatting.format_duration(minutes)


@pytest.mark.parametrize("change, shown", [
    (48.0, "+48 min"), (-89.0, "-89 min"), (150.0, "+2.5 h"), (-600.0, "-10.0 h"), (4_320.0, "+3.0 days"),
])
def test_a_change_of_time_is_sized_by_its_magnitude(change, shown):
    assert format_delta(change, "minutes") == shown


@pytest.mark.parametrize("change, kind, shown", [
    (-3, "count", "-3"), (0, "count", "+0"), (-0.008, "share", "-0.8 pts"),
    (0.1, "score", "+0.10"), (15.0, "minutes", "+15 min"), (2.7, "amount", "+3"),
    (None, "count", None), (math.nan, "share", None),
])
def test_changes_are_signed_and_rates_move_in_points(change, kind, shown):
    assert format_delta(change, kind) == shown


@pytest.mark.parametrize("number, kind, shown", [
    (-0.004, "score", "+0.00"), (-0.0004, "share", "+0.0 pts"), (-0.4, "minutes", "+0 min"),
    (-0.4, "amount", "+0"), (-0.006, "score", "-0.01"), (-0.0006, "share", "-0.1 pts"),
])
def test_a_change_that_rounds_to_zero_never_reads_minus_zero(number, kind, shown):
    """A net-sentiment change of -0.004 read '-0.00' on the Weekly Snapshot: a fall of nothing."""
    assert format_delta(number, kind) == shown


def test_a_value_or_rate_change_that_rounds_to_zero_has_no_minus():
    assert format_value(-0.001, "score") == "+0.00"
    assert format_change(0.5, 0.50004, "share") == "+0.0 pts"  # 50.0% - 50.0%
    assert format_change(0.10, 0.104, "score") == "+0.00"


def test_a_change_needs_both_values_and_rates_subtract_their_percentages():
    assert format_change(5, None, "count") is None
    assert format_change(math.nan, 0.4, "share") is None
    assert format_change(13 / 16, 14 / 20, "share") == "+11.2 pts"  # 81.25% - 70.00%
    assert format_change(120, 100, "count") == "+20"


@pytest.mark.parametrize("minutes, requests, shown", [
    (None, 12, "not reached"), (math.nan, 3, "not reached"), (None, 0, "–"), (61.2, 12, "61 min"),
])
def test_an_undefined_km_median_with_requests_is_not_reached_not_missing(minutes, requests, shown):
    assert format_km_median(minutes, requests) == shown


@pytest.mark.parametrize("shown, color, style", [
    ("+0", "inverse", {"delta_color": "off", "delta_arrow": "off"}),
    ("+0.0 pts", "normal", {"delta_color": "off", "delta_arrow": "off"}),
    (None, "normal", {"delta_color": "off", "delta_arrow": "off"}),
    ("-392", "off", {"delta_color": "off", "delta_arrow": "auto"}),
    ("+1.3 pts", "inverse", {"delta_color": "inverse", "delta_arrow": "auto", "delta_description": "worse"}),
])
def test_a_change_shown_as_zero_has_no_colour_or_arrow(shown, color, style):
    assert delta_style(shown, color) == style


@pytest.mark.parametrize("shown, color, word", [
    ("+1.3 pts", "inverse", "worse"), ("-1.3 pts", "inverse", "better"),
    ("+0.04", "normal", "better"), ("-12 min", "normal", "worse"), ("-392", "off", None),
])
def test_a_coloured_change_says_better_or_worse_in_a_word_not_in_colour_alone(shown, color, word):
    assert delta_style(shown, color).get("delta_description") == word


@pytest.mark.parametrize("value,shown", [
    (6840.4, "6,840"), (69.43, "69.4"), (1234567.0, "1,230,000"), (0.031234, "0.0312"), (2.5, "2.5"),
    (1.0, "1"), (100.0, "100"), (0.0, "0"), (None, "–"), (float("inf"), "–")])
def test_format_significant_writes_three_figures_out(value, shown):
    from app.formatting import format_significant
    assert format_significant(value) == shown


@pytest.mark.parametrize("value, places, shown", [
    (17.25, 1, "17.3"),   # an exact half: away from zero, as the grid's '%.1f' (an f-string: 17.2)
    (17.75, 1, "17.8"),
    (2.675, 2, "2.67"),   # the float is just under 2.675: the grid prints 2.67 too
    (-0.25, 1, "-0.3"),
    (None, 1, "–"),
])
def test_format_decimal_rounds_as_the_data_grid(value, places, shown):
    from app.formatting import format_decimal
    assert format_decimal(value, places) == shown


@pytest.mark.parametrize("page, platform, named", [
    ("104729384756006", "facebook", "Facebook page 104729384756006"),
    ("@AcmeHelp", "twitter", "@AcmeHelp"),
    (None, "facebook", None),
])
def test_a_page_is_named_once_however_often_it_is_labelled(page, platform, named):
    # a list labelled before it reaches the grid, which labels again: no 'Facebook page Facebook page'
    assert formatting.page_label(page, platform) == named
    assert formatting.page_label(formatting.page_label(page, platform), platform) == named


@pytest.mark.parametrize("count, shown", [(0, "0 requests"), (1, "1 request"), (2, "2 requests"),
                                          (1250, "1,250 requests")])
def test_a_count_says_its_noun_in_the_number_it_needs(count, shown):
    # the coverage hover read '1 requests' (user review)
    assert counted(count, "request") == shown
