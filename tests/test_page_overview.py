"""Overview page: renders, KPIs follow the brand filter (recomputed from the DB), deltas,
empty selections say so."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from app_support import page_test, printed
from care_fixtures import DAY, THANKS, brand_msg, load_rows, msg, sentiment_turning

from app import care
from app.formatting import MAY_BE_CHANCE, format_duration
from app.overview import other_definitions
from etl import care_definitions, metrics, spikes, warehouse, word_of_mouth


def _metric(at, label):
    [found] = [m for m in at.metric if m.label == label]
    return found


def _biggest_brand(db) -> str:
    with warehouse.connect_readonly(db) as con:
        return con.execute("SELECT brand FROM mentions WHERE brand <> 'Quillfeather' "
                           "GROUP BY brand ORDER BY count(*) DESC LIMIT 1").fetchall()[0][0]


def test_overview_renders_every_kpi(dashboard_db, monkeypatch):
    at = page_test("overview", dashboard_db, monkeypatch).run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    for label in ("Customer mentions", "Net sentiment", "Care requests", "Ghost-town rate", "SLA rate",
                  "KM median response", "Open high-risk complaints now", "Customers lost (assumed)"):
        assert label in labels
    assert any("Alerts" == h.value for h in at.main.header)
    # a median reached gets no note saying it is not
    assert _metric(at, "KM median response").value != "not reached"
    assert not any("not reached" in c.value for c in at.caption)


def test_a_coloured_change_says_better_or_worse_beside_its_colour(dashboard_db, monkeypatch):
    """Red and green alone carry nothing to a colour-blind reader (WCAG 1.4.1): a coloured
    change says in words which it is; a volume's, uncoloured, says neither."""
    from streamlit.proto.Metric_pb2 import Metric
    at = page_test("overview", dashboard_db, monkeypatch).run()
    at.button[[b.label for b in at.button].index("Last 28 days")].click().run()
    assert not at.exception
    from app.formatting import NOT_WEIGHED
    words = {Metric.MetricColor.GREEN: "better", Metric.MetricColor.RED: "worse", Metric.MetricColor.GRAY: ""}
    changed = [m for m in at.metric if any(digit in (m.proto.delta or "") for digit in "123456789")]
    assert len(changed) > 2, "the fixture's last 28 days change some cards"
    for card in at.metric:
        if card.label == "KM median response" and card.proto.delta_description == NOT_WEIGHED:
            assert card.proto.color == Metric.MetricColor.GRAY  # weighed by no test, so no word of better or worse
        elif card.proto.delta and not (card.label in WEIGHED_CARDS and card.proto.delta_description == MAY_BE_CHANCE):
            assert card.proto.delta_description == words[card.proto.color], card.label


RATE_CARDS = ("Ghost-town rate", "SLA rate")  # of decided requests
# whose changes are weighed against chance (the assumed costs at their counts of ignored complaints)
WEIGHED_CARDS = (*RATE_CARDS, "Net sentiment", "Customers lost (assumed)", "Revenue at risk (assumed)")


@pytest.mark.parametrize("ignored_after, colour, word", [(10, "GRAY", MAY_BE_CHANCE), (30, "RED", "worse")])
def test_a_rate_change_chance_may_explain_is_grey_and_says_so(tmp_path, monkeypatch, ignored_after, colour, word):
    # 8 of 40 requests ignored one week, 10 of 40 the next: z = 0.55, red 'worse' read as a
    # finding (a review); 30 of 40 is one (z = 4.9)
    from streamlit.proto.Metric_pb2 import Metric
    day, week = 24 * 60, 7 * 24 * 60
    rows = [msg("t0", "z", 0, text=THANKS), msg("t1", "z", 2 * week, text=THANKS)]  # the data: 8 to 22 January
    for start, ignored in ((day, 8), (day + week, ignored_after)):
        rows += [msg(f"r{start}_{i}", f"u{start}_{i}", start + i) for i in range(40)]
        rows += [brand_msg(f"b{start}_{i}", start + i + 30, parent=f"r{start}_{i}") for i in range(ignored, 40)]
    at = page_test("overview", load_rows(tmp_path, rows), monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2024, 1, 16), date(2024, 1, 22))).run()
    assert not at.exception
    for label in RATE_CARDS:
        card = _metric(at, label)
        assert card.delta and card.proto.color == getattr(Metric.MetricColor, colour), label
        assert card.proto.delta_description == word, label
        assert "two-proportion test at 95%" in card.help
    assert _metric(at, "Ghost-town rate").value == f"{ignored_after / 40:.1%}"
    # the customers lost, the ignored complaints times the multiplier, weighed at those counts: 8 -> 10
    # was a red 'worse' (+10, assumed) beside the grey ghost-town rate; 8 -> 30 is one
    lost = _metric(at, "Customers lost (assumed)")
    assert lost.proto.color == getattr(Metric.MetricColor, colour) and lost.proto.delta_description == word
    assert "exact test at 95% cannot tell from chance at the two periods' counts of ignored complaints" in lost.help


@pytest.mark.parametrize("scale, colour, word", [(1, "GRAY", MAY_BE_CHANCE), (5, "RED", "worse")])
def test_a_net_sentiment_change_chance_may_explain_is_grey_and_says_so(tmp_path, monkeypatch, scale, colour, word):
    # +0.2 -> -0.17 on 40 mentions a week was a red 'worse' (z = 1.7); on 200 it is one (z = 3.9)
    from streamlit.proto.Metric_pb2 import Metric
    at = page_test("overview", load_rows(tmp_path, sentiment_turning(scale)), monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2024, 1, 16), date(2024, 1, 22))).run()
    assert not at.exception
    card = _metric(at, "Net sentiment")
    assert card.value.startswith("-") and card.delta.startswith("-0.3")
    assert card.proto.color == getattr(Metric.MetricColor, colour) and card.proto.delta_description == word
    assert "two-proportion test at 95% cannot tell from chance at these counts of positive and negative" in card.help


def test_volumes_are_not_coloured_and_an_unreached_km_median_says_so(dashboard_db, monkeypatch):
    from streamlit.proto.Metric_pb2 import Metric
    at = page_test("overview", dashboard_db, monkeypatch).run()
    at.button[[b.label for b in at.button].index("Last 28 days")].click().run()
    assert not at.exception
    for label in ("Customer mentions", "Care requests"):  # neither good nor bad
        card = _metric(at, label)
        assert card.proto.delta and card.proto.color == Metric.MetricColor.GRAY, label
    # a brand and period where fewer than half of the requests were answered
    with warehouse.connect_readonly(dashboard_db) as con:
        care = metrics.ghost_town(con, ["brand"]).set_index("brand")
    unreached = care[care["km_median_minutes"].isna() & (care["requests"] > 0)].index
    assert len(unreached), "the fixture has a brand under half answered"
    at = page_test("overview", dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").select(unreached[0]).run()
    assert _metric(at, "KM median response").value == "not reached"
    # said in full under the cards too: at 1024 px the card reads "not rea…" (a review)
    requests = int(care.loc[unreached[0], "requests"])
    [said] = [c.value for c in at.caption if "KM median response not reached" in c.value]
    assert f"fewer than half of the {requests:,} requests were answered" in said
    # in a third of the width at least: a quarter cut it to "not rea…" at 1280 px (user review)
    [km_column] = [c for c in at.columns if any(m.label == "KM median response" for m in c.metric)]
    assert km_column.weight >= 1 / 3 - 1e-9


def _popover(at, label):
    [found] = [p for p in at.get("popover") if p.proto.popover.label == label]
    return found


def _printed(markdown: str) -> str:
    """What Markdown prints: backslash escapes and entities resolved."""
    return printed(markdown)


def test_definitions_are_printed_in_full_and_literally(dashboard_db, monkeypatch):
    at = page_test("overview", dashboard_db, monkeypatch).run()
    assert not at.exception
    care = _popover(at, "Care metric definitions")
    assert not care.dataframe  # a table cell cuts a long definition off
    assert [c.value for c in care.caption] == [
        f"Metric definitions, version {care_definitions.METRIC_VERSION}"]
    [shown] = [m.value for m in care.markdown]
    long = care_definitions.DEFINITIONS["care request"]
    assert len(long) > 300 and f"care request: {long}" in _printed(shown).replace("**", "")
    # named as the tables head it, with the CSVs' name beside it, underscores literal (a reader
    # matched neither to a bare 'p_answered_1h', user review)
    assert "**ghost\\-town rate · ghost\\_town\\_rate**: " in shown
    assert "**KM median response \\(min\\) · km\\_median\\_minutes**: " in shown
    other = _popover(at, "Other definitions")
    assert not other.dataframe
    printed = _printed(other.markdown[0].value).replace("**", "")
    for metric, definition in other_definitions():
        assert f"{metric}: {definition}" in printed
    # and what the page shows is among them, named by hand: the loop above takes its list from
    # the function the page prints, so a definition dropped from it went unnoticed
    defined = re.findall(r"\*\*(.+?)\*\*", _printed(care.markdown[0].value) + _printed(other.markdown[0].value))
    card_terms = {"Customer mentions": "customer mentions", "Net sentiment": "net sentiment",
                  "Care requests": "care request", "Ghost-town rate": "ghost-town rate", "SLA rate": "SLA rate",
                  "KM median response": "KM median response (min)",
                  "Open high-risk complaints now": "open high-risk complaints",
                  "Customers lost (assumed)": "customers lost (assumed)"}
    assert [m.label for m in at.metric] == list(card_terms)
    for term in [*card_terms.values(), "alert", "delta", "sentiment label", "amplification risk"]:
        assert any(name == term or name.startswith(f"{term} · ") for name in defined), (term, defined)


def _labelled(con, brand: str) -> tuple[int, int, int]:
    """(customer mentions, positive, negative) of the brand, counted here."""
    return con.execute("SELECT count(*), count(*) FILTER (WHERE s.sentiment_label = 'positive'), "
                       "count(*) FILTER (WHERE s.sentiment_label = 'negative') "
                       "FROM mentions m LEFT JOIN mention_scores s USING (mention_id) "
                       "WHERE m.brand = ? AND NOT m.is_brand", [brand]).fetchall()[0]


def test_brand_filter_changes_kpis_to_values_recomputed_from_the_db(dashboard_db, monkeypatch):
    brand = _biggest_brand(dashboard_db)
    at = page_test("overview", dashboard_db, monkeypatch).run()
    everything = _metric(at, "Customer mentions").value
    at.multiselect(key="filter_brands").select(brand).run()
    assert not at.exception
    with warehouse.connect_readonly(dashboard_db) as con:
        mentions, pos, neg = _labelled(con, brand)
        care = metrics.ghost_town(con, [], brand=brand).iloc[0]
    assert _metric(at, "Customer mentions").value == f"{mentions:,}" != everything
    assert _metric(at, "Net sentiment").value == f"{(pos - neg) / (pos + neg):+.2f}"
    assert _metric(at, "Care requests").value == f"{int(care['requests']):,}"
    assert _metric(at, "Ghost-town rate").value == f"{care['ghost_town_rate']:.1%}"
    assert _metric(at, "SLA rate").value == f"{care['sla_rate']:.1%}"
    assert _metric(at, "KM median response").value == format_duration(care["km_median_minutes"])
    decided = int(care["answered"] + care["ignored"])
    [counts] = [c.value for c in at.caption if c.value.startswith("Rates are of")]
    assert counts.startswith(f"Rates are of {decided:,} decided requests: {int(care['answered']):,} answered")
    assert f"(95% interval {care['ghost_town_ci_low']:.1%}–{care['ghost_town_ci_high']:.1%})" in counts
    assert f"{int(care['pending']):,} pending" in counts


def test_net_sentiment_says_how_many_mentions_it_is_of(dashboard_db, monkeypatch):
    """The card read -0.42 alike of 12 labelled mentions and of 25,000, and said nowhere that the
    neutral ones are left out: the counts it is of are under the cards, recomputed here."""
    brand = _biggest_brand(dashboard_db)
    at = page_test("overview", dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").select(brand).run()
    with warehouse.connect_readonly(dashboard_db) as con:
        mentions, pos, neg = _labelled(con, brand)
    [basis] = [c.value for c in at.caption if c.value.startswith("Net sentiment is of")]
    assert basis == (f"Net sentiment is of {pos + neg:,} customer mentions labelled positive ({pos:,}) or "
                     f"negative ({neg:,}); the other {mentions - pos - neg:,} of the {mentions:,} (neutral, "
                     "or not scored) are left out.")


def test_assumptions_change_the_numbers_they_feed(dashboard_db, monkeypatch):
    at = page_test("overview", dashboard_db, monkeypatch).run()
    lost = _metric(at, "Customers lost (assumed)").value
    [note] = [c.value for c in at.caption if c.value.startswith("Assumptions:")]
    # an assumption, with its source, in words on the page (not only in a tooltip)
    assert f"word-of-mouth multiplier = 5 (assumption, after {word_of_mouth.SOURCE})" in note
    at.number_input(key="assume_wom").set_value(10.0).run()
    doubled = _metric(at, "Customers lost (assumed)").value
    assert float(doubled.replace(",", "")) == pytest.approx(2 * float(lost.replace(",", "")))
    # the user's figure is theirs, not the literature's, in the caption and the definition
    [note] = [c.value for c in at.caption if c.value.startswith("Assumptions:")]
    assert ("word-of-mouth multiplier = 10 (assumption, yours; the default 5 is after "
            f"{word_of_mouth.SOURCE})") in note
    printed = _printed(_popover(at, "Other definitions").markdown[0].value)
    assert "taken to turn away 10 customers (yours; the default 5 is after" in printed
    at.number_input(key="assume_value").set_value(100.0).run()
    revenue = _metric(at, "Revenue at risk (assumed)")
    assert revenue.proto.show_border and revenue.value == f"{100 * float(doubled.replace(',', '')):,.0f}"
    at.number_input(key="assume_value").set_value(1_500_000.5).run()
    [note] = [c.value for c in at.caption if c.value.startswith("Assumptions:")]
    assert "customer value = 1,500,000.50 (assumption)" in note  # '%g' wrote 1.5e+06
    at.number_input(key="assume_horizon").set_value(1.0).run()
    assert not at.exception
    with warehouse.connect_readonly(dashboard_db) as con:
        care = metrics.ghost_town(con, [], horizon_hours=1.0).iloc[0]
    assert _metric(at, "Ghost-town rate").value == f"{care['ghost_town_rate']:.1%}"


def test_deltas_compare_with_the_previous_period(dashboard_db, monkeypatch):
    with warehouse.connect_readonly(dashboard_db) as con:
        last = con.execute("SELECT max(created_at)::DATE FROM mentions").fetchall()[0][0]
        start = date.fromordinal(last.toordinal() - 13)
        prev_start = date.fromordinal(start.toordinal() - 14)
        now, before = (con.execute("SELECT count(*) FROM mentions WHERE NOT is_brand AND created_at >= ?::DATE "
                                   "AND created_at < ?::DATE + 1", [a, b]).fetchall()[0][0]
                       for a, b in ((start, last), (prev_start, date.fromordinal(start.toordinal() - 1))))
    at = page_test("overview", dashboard_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((start, last)).run()
    assert not at.exception
    volume = _metric(at, "Customer mentions")
    assert volume.value == f"{now:,}"
    assert volume.delta == f"{now - before:+,}"
    # a rate's change in percentage points; "open" is as of now, so no change is claimed
    rate = _metric(at, "Ghost-town rate")
    points = float(rate.value.rstrip("%")) - float(rate.delta.removesuffix(" pts"))
    assert rate.delta.endswith(" pts") and 0 <= points <= 100
    assert not _metric(at, "Open high-risk complaints now").delta


@pytest.mark.parametrize("days", [7, 28])
def test_a_recent_period_button_sets_the_dates_and_shows_deltas(dashboard_db, monkeypatch, days):
    with warehouse.connect_readonly(dashboard_db) as con:
        first, last = con.execute("SELECT min(created_at)::DATE, max(created_at)::DATE FROM mentions").fetchall()[0]
    at = page_test("overview", dashboard_db, monkeypatch).run()
    assert not _metric(at, "Customer mentions").delta  # all dates: nothing before them
    at.button(key=f"overview_period_{days}").click().run()
    assert not at.exception
    start = date.fromordinal(last.toordinal() - days + 1)
    assert at.date_input(key="filter_dates").value == (start, last)
    assert _metric(at, "Customer mentions").delta
    at.button(key="overview_period_all").click().run()
    assert at.date_input(key="filter_dates").value == (first, last)


def test_a_date_range_without_data_says_so(dashboard_db, monkeypatch):
    with warehouse.connect_readonly(dashboard_db) as con:
        # the hostile corpus sits in early March 2025, the demo history later: April 2025 is empty
        assert con.execute("SELECT count(*) FROM mentions WHERE created_at >= '2025-04-01' "
                           "AND created_at < '2025-04-08'").fetchall()[0][0] == 0
    at = page_test("overview", dashboard_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2025, 4, 1), date(2025, 4, 7))).run()
    assert not at.exception
    assert at.info and "No customer mentions in the chosen dates. Widen the dates" in at.info[0].value
    assert not at.metric


def test_hostile_brand_renders_as_text(dashboard_db, monkeypatch):
    import hostile

    at = page_test("overview", dashboard_db, monkeypatch).run()
    at.multiselect(key="filter_brands").select(hostile.BRAND).run()
    assert not at.exception
    with warehouse.connect_readonly(dashboard_db) as con:
        mentions = con.execute("SELECT count(*) FROM mentions WHERE brand = ? AND NOT is_brand",
                               [hostile.BRAND]).fetchall()[0][0]
    assert _metric(at, "Customer mentions").value == f"{mentions:,}"
    for element in [*at.caption, *at.markdown, *at.info, *at.warning, *at.success]:
        assert "<script" not in element.value


@pytest.mark.parametrize("module", ["overview", "ghost_town", "amplification", "weekly", "audit"])
def test_a_brand_named_in_markup_is_named_as_text(tmp_path, monkeypatch, module):
    """The fixture's hostile brand is named plainly (Quillfeather), and no mention text reaches
    the Overview's Markdown: the check above had no markup to find. A brand named in Markdown
    and HTML, with no post of its own, is named in each page's no-replies warning as its characters."""
    from app import safe
    name = "[Evil](javascript:alert(1)) <script>x</script> **Co**\u202e"
    db = load_rows(tmp_path, [msg(f"h{i}", f"u{i}", 2 * 24 * 60 * i, brand=name) for i in range(4)])  # some ignored
    at = page_test(module, db, monkeypatch).run()
    assert not at.exception
    [said] = [w.value for w in at.warning if "No post by any account" in w.value]
    assert "<script" not in said and "](javascript" not in said and "**Co" not in said  # no markup left
    assert printed(said).startswith(f"No post by any account of {safe.visible(name)} is in the data")


def test_alerts_are_the_daily_spikes_of_the_negative_customer_mentions(dashboard_db, monkeypatch):
    """The alert table against etl.spikes.detect_spikes on the raw mentions (days in UTC,
    the sidebar's default zone; k = 3, four weeks of same-weekday baseline)."""
    at = page_test("overview", dashboard_db, monkeypatch).run()
    assert not at.exception
    with warehouse.connect_readonly(dashboard_db) as con:
        mentions = con.execute(
            "SELECT m.mention_id, m.brand, timezone('UTC', m.created_at) AS created_at, m.is_brand, "
            "NOT m.is_brand AND s.sentiment_label IS NOT DISTINCT FROM 'negative' AS is_negative "
            "FROM mentions m LEFT JOIN mention_scores s USING (mention_id) "
            "WHERE m.brand IS NOT NULL").df()  # the brands' own too: a brand's history starts at its first
    expected = spikes.detect_spikes(mentions, "D", k=3.0, weeks=4)
    expected = sorted(zip(expected["brand"], expected["window_start"].dt.date, expected["count"]))
    assert expected, "the fixture has no spike: the test would pass on an empty table"
    [shown] = [d.value for d in at.dataframe if "threshold" in d.value]
    assert sorted(zip(shown["brand"], shown["day"], shown["negative"])) == expected
    # and the words beside it are the rule's own, not a copy that may drift from it
    [rule] = [c.value for c in at.caption if c.value.startswith("A day is an alert")]
    assert f"more than {spikes.DEFAULT_K:g} spreads" in rule and f"at least {spikes.MIN_COUNT} of them" in rule
    # the formula one click away, in the Definitions, not in the words a marketer reads (review55)
    assert spikes.SPREAD not in rule and "standard deviation" not in rule and "'alert' in Other definitions" in rule
    assert ("alert", spikes.DEFINITION) in other_definitions() and spikes.SPREAD in spikes.DEFINITION
    # the order the caption names (a user read 709, 519, 213, 171, 149, 155 as unsorted)
    assert "the largest rise above the threshold first" in rule
    assert (shown["negative"] - shown["threshold"]).is_monotonic_decreasing


def test_days_the_alerts_could_not_judge_are_named_beside_no_alerts(tmp_path, monkeypatch):
    # Acme's history holds one thread, then nothing for five weeks, then six complaints: the Overview
    # said 'No spike alerts in this selection.' and nothing else, as if the day were judged ordinary
    rows = [msg("a0", "fan0", 0, text=THANKS)] + [msg(f"ac{i}", f"upset{i}", 36 * 24 * 60 + i) for i in range(6)]
    at = page_test("overview", load_rows(tmp_path, rows), monkeypatch).run()
    assert not at.exception
    assert [s.value for s in at.success if "spike" in s.value] == ["No spike alerts in this selection."]
    [note] = [printed(c.value) for c in at.caption if c.value.startswith("Not judged")]
    assert "the largest Acme's 6 on 2024-02-13" in note and note.endswith("read them on the Trends page's Spikes "
                                                                         "chart."), note
    [rule] = [c.value for c in at.caption if c.value.startswith("A day is an alert")]
    assert "A day without a baseline raises none" in rule


def test_rates_of_only_pending_requests_say_why_they_are_missing(tmp_path, monkeypatch):
    from care_fixtures import load_all_pending
    at = page_test("overview", load_all_pending(tmp_path), monkeypatch).run()
    assert not at.exception
    assert _metric(at, "Ghost-town rate").value == "–"
    [why] = [c.value for c in at.caption if "decided requests" in c.value]
    assert "all 3 requests are pending" in why and "answered within H" in why and "ignored" in why
    assert _metric(at, "KM median response").value == "not reached"
    assert why.endswith("KM median response not reached: fewer than half of the 3 requests were answered by "
                        "the end of the chosen dates, so the median wait is longer than any seen.")


def test_a_selection_without_care_requests_says_why_its_rates_are_missing(tmp_path, monkeypatch):
    """Birch's customers only thank it (nothing needs a reply): its rate cards show '–', and
    the page says there were no care requests, not leave '–' to read as missing data."""
    rows = [msg("r0", "u0", 0), brand_msg("b0", 30, parent="r0")]  # Acme: a request answered
    rows += [msg(f"t{i}", f"v{i}", 10 * i, brand="Birch", text=THANKS) for i in range(3)]
    at = page_test("overview", load_rows(tmp_path, rows), monkeypatch).run()
    assert not at.exception
    assert not any("No care requests" in c.value for c in at.caption)
    at.multiselect(key="filter_brands").set_value(["Birch"]).run()
    assert not at.exception
    assert _metric(at, "Care requests").value == "0" and _metric(at, "Customer mentions").value == "3"
    assert {_metric(at, label).value for label in ("Ghost-town rate", "SLA rate")} == {"–"}
    [why] = [c.value for c in at.caption if "No care requests" in c.value]
    assert "in this selection" in why


# Mentions half an hour either side of midnight UTC: the first is the day before in a zone west
# of UTC, the last the day after in a zone east of it.
NEAR_MIDNIGHT = [msg(f"m{i}", f"customer{i}", 0, when=datetime(2024, 1, day, hour, 30, tzinfo=timezone.utc))
                 for i, (day, hour) in enumerate([(8, 0), (9, 12), (10, 23)])]


@pytest.mark.parametrize("tz, first, last", [("Asia/Singapore", date(2024, 1, 8), date(2024, 1, 11)),
                                             ("America/Los_Angeles", date(2024, 1, 7), date(2024, 1, 10))])
def test_all_dates_count_every_mention_in_any_time_zone(tmp_path, monkeypatch, tz, first, last):
    """The date filter's bounds are the first and last local day of the data in the chosen zone,
    so all dates (a link without dates, or a zone chosen later) counts what UTC counts, and
    "Last 7 days" ends on the newest mention's local day."""
    db = load_rows(tmp_path, NEAR_MIDNIGHT)
    at = page_test("overview", db, monkeypatch)
    at.query_params["tz"] = tz
    at.run()
    assert not at.exception
    assert _metric(at, "Customer mentions").value == "3"
    dates = at.date_input(key="filter_dates")
    assert dates.value == (first, last)
    assert (dates.proto.min, dates.proto.max) == (first.isoformat(), last.isoformat())
    assert "from" not in at.query_params and "to" not in at.query_params
    at = page_test("overview", db, monkeypatch).run()  # the zone chosen after the dates
    assert _metric(at, "Customer mentions").value == "3"
    at.selectbox(key="filter_tz").set_value(tz).run()
    assert not at.exception
    assert at.date_input(key="filter_dates").value == (first, last)
    assert _metric(at, "Customer mentions").value == "3"
    at.button(key="overview_period_7").click().run()
    assert at.date_input(key="filter_dates").value == (max(first, date.fromordinal(last.toordinal() - 6)), last)
    assert _metric(at, "Customer mentions").value == "3"
    at.date_input(key="filter_dates").set_value((last, last)).run()
    at.selectbox(key="filter_tz").set_value("UTC").run()  # a narrower range keeps its days, cut to the data's
    assert not at.exception
    assert at.date_input(key="filter_dates").value == (min(last, date(2024, 1, 10)),) * 2


@pytest.mark.parametrize("pending, noted", [(1, False), (2, True)])  # 1 of 13, 2 of 14
def test_a_selection_mostly_pending_says_what_that_does_to_the_rates(tmp_path, monkeypatch, pending, noted):
    # Eight answered and four ignored, as of 100 h; `pending` more an hour old. From a tenth
    # of the requests pending the page says the rate is of those answered fast (user reviews:
    # one day judged at its end showed ghost-town 0% where, settled, it was 47%; a week 17.6%
    # pending, 29.4% where, settled, it was 40.2%), and how far the pending ones can move it.
    rows = [msg(f"r{i}", f"u{i}", 0) for i in range(12)] + [brand_msg(f"b{i}", 30, parent=f"r{i}") for i in range(8)]
    rows += [msg(f"p{i}", f"w{i}", 99 * 60) for i in range(pending)] + [msg("t", "z", 100 * 60, text=THANKS)]
    at = page_test("overview", load_rows(tmp_path, rows), monkeypatch).run()
    assert not at.exception
    notes = [w.value for w in at.warning if "are pending" in w.value]
    assert len(notes) == noted
    if noted:
        assert notes[0].startswith(f"{pending} of {12 + pending} requests ") and "H = 72 h" in notes[0]
        worst = (4 + pending) / (12 + pending)
        assert notes[0].endswith(f"the ghost-town rate would be {worst:.1%} (leaving them out: 33.3%).")


def test_one_pending_request_is_said_in_the_singular_throughout():
    # a newcomer's three-row file: '1 of 2 requests (50%) is pending (...) and are left out'
    note = care.pending_note({"answered": 1, "pending": 1}, 72)
    assert note.startswith("1 of 2 requests (50%) is pending (younger than H = 72 h and unanswered at the end of "
                           "the chosen dates) and is left out of the rates.")
    several = care.pending_note({"answered": 1, "pending": 2}, 72)
    assert "are pending (younger" in several and ") and are left out of the rates." in several


def test_net_sentiment_is_defined_once_for_overview_trends_and_weekly():
    """It was worded five ways (one said 'mentions', one left out shares): one definition now."""
    from app import trends, weekly
    defined = {"overview": dict(other_definitions())["net sentiment"],
               "trends": dict(trends.DEFINITIONS.values.tolist())["net sentiment"],
               "weekly": dict(weekly.DEFINITIONS.values.tolist())["net sentiment"]}
    assert set(defined.values()) == {trends.NET_SENTIMENT}
    assert "shares included" in trends.NET_SENTIMENT and "neutral" in trends.NET_SENTIMENT


def test_the_high_risk_count_says_when_the_forecast_is_uncalibrated(tmp_path, dashboard_db, monkeypatch):
    """A short history (no cascade a week old) leaves the forecast at its defaults: the card's
    count must not read as a calibrated one."""
    db = load_rows(tmp_path, [msg("p1", "u1", 0), msg("s1", "u2", 5, shared="p1"), msg("p2", "u3", 60)])
    at = page_test("overview", db, monkeypatch).run()
    assert not at.exception
    assert any(w.value.startswith("Open high-risk complaints: The forecasts are not calibrated")
               for w in at.warning)
    at = page_test("overview", dashboard_db, monkeypatch).run()
    assert not any("not calibrated" in w.value for w in at.warning)


@pytest.mark.parametrize("module", ["overview", "ghost_town", "amplification", "weekly"])
def test_a_brand_with_no_post_in_the_data_is_not_shown_as_a_finding(tmp_path, monkeypatch, module):
    from care_fixtures import load_one_brand_silent
    db = load_one_brand_silent(tmp_path)
    at = page_test(module, db, monkeypatch).run()
    assert not at.exception
    said = [printed(w.value) for w in at.warning if "No post by any account" in w.value]
    assert len(said) == 1 and said[0].startswith("No post by any account of Quietco is in the data")
    if module == "weekly":  # first of the notes beside the cards, which it explains (a user review)
        assert "No post by any account" in at.warning[0].value
    # a page alone chosen is its brand's (code review); the Weekly page is of every page
    for key, value in (("brand", "Acme"), *([("page", "@Acme")] if module != "weekly" else [])):
        at = page_test(module, db, monkeypatch)
        at.query_params[key] = value
        at.run()
        assert not at.exception and not [w for w in at.warning if "No post by any account" in w.value], key


@pytest.mark.parametrize("module", ["ghost_town", "amplification"])
def test_the_no_replies_warning_follows_the_chosen_dates(tmp_path, monkeypatch, module):
    """Quietco, with no post in the data, has requests on 8 January only: the warning stayed on
    for dates in which it had none, explaining numbers it had no part in."""
    acme = [msg("a0", "u0", 0), brand_msg("a0r", 5, parent="a0"), msg("l0", "v0", 10 * DAY)]
    quiet = [msg(f"q{i}", f"w{i}", i, brand="Quietco") for i in range(2)]
    db = load_rows(tmp_path, [*acme, *quiet, msg("end", "z", 14 * DAY, text=THANKS)])
    at = page_test(module, db, monkeypatch).run()
    assert not at.exception
    [said] = [printed(w.value) for w in at.warning if "No post by any account" in w.value]
    assert said.startswith("No post by any account of Quietco is in the data")
    at.date_input(key="filter_dates").set_value((date(2024, 1, 15), date(2024, 1, 21))).run()
    assert not at.exception and not [w for w in at.warning if "No post by any account" in w.value]


def test_counts_of_one_are_said_in_the_singular(tmp_path, monkeypatch):
    """'all 1 requests are pending' and '1 ignored complaints × ...': a count of one takes
    its noun (and verb) in the singular."""
    from care_fixtures import load_all_pending, load_one_ignored
    (tmp_path / "pending").mkdir()
    at = page_test("overview", load_all_pending(tmp_path / "pending", count=1), monkeypatch).run()
    assert not at.exception
    [why] = [c.value for c in at.caption if "decided requests" in c.value]
    assert "and the one request is pending (younger than H" in why
    assert why.endswith("KM median response not reached: the 1 request was not answered by the end of the "
                        "chosen dates, so the median wait is longer than any seen.")
    assert care.pending_note({"answered": 8, "ignored": 0, "pending": 1}, 72).startswith(
        "1 of 9 requests (11%) is pending (younger than H = 72 h and unanswered at the end of the chosen "
        "dates) and is left out of the rates.")  # not '... is pending (...) and are left out'
    at = page_test("overview", load_one_ignored(tmp_path), monkeypatch).run()
    assert not at.exception
    assert _metric(at, "Customers lost (assumed)").help.startswith("1 ignored complaint × word-of-mouth multiplier")


def test_the_delta_says_the_period_before_is_evaluated_as_of_its_own_end(tmp_path, monkeypatch):
    """A reader reproducing a delta evaluated the period before as of the chosen dates' end and
    got another number: Nimbalo's ghost-town rate change on the demo read -2.6 pts on the card,
    -3.5 so (its 8 pending requests then ignored). The card is right, each period as of its own
    end; the definition now says so (a reproduction audit)."""
    from datetime import timedelta

    def when(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2024, 3, 4 + day, hour, minute, tzinfo=timezone.utc)

    rows = [msg("a", "u1", 0, when=when(0, 0, 5)), brand_msg("ra", 0, parent="a", when=when(0, 0, 10)),
            msg("b", "u2", 0, when=when(0, 0, 20)),  # never answered: 47.7 h old at the end of day 1
            msg("c", "u3", 0, when=when(1, 23)),
            msg("d", "u4", 0, when=when(2, 10)), brand_msg("rd", 0, parent="d", when=when(2, 10, 5)),
            msg("e", "u5", 0, when=when(3, 10)), brand_msg("re", 0, parent="e", when=when(3, 10, 5)),
            msg("g", "u6", 0, when=when(5, 12), text=THANKS)]
    at = page_test("overview", load_rows(tmp_path, rows), monkeypatch)
    at.query_params["from"], at.query_params["to"] = "2024-03-06", "2024-03-07"
    at.run()
    assert not at.exception
    [card] = [m for m in at.metric if m.label == "Ghost-town rate"]
    # chosen: 0 of 2 ignored; before, as of its own end: 0 of 1 decided (b and c pending); as of
    # the chosen dates' end b would be ignored, 1 of 2, and the change -50 pts
    assert card.value == "0.0%" and card.delta and "50" not in card.delta, card.delta
    assert dict(other_definitions())["delta"].endswith(
        "That period is evaluated as of its own end, as the chosen dates are as of theirs: its requests "
        "younger than H then are pending, though answered or ignored since.")


def test_a_km_median_change_is_grey_and_says_it_is_not_weighed(tmp_path, monkeypatch):
    # '+48 min' read a red 'worse' while the rates' changes beside it were weighed and grey, and a
    # bootstrap gave the two weeks' medians 95% intervals of 589-1,318 and 679-1,232 min (a review)
    from streamlit.proto.Metric_pb2 import Metric

    from app.formatting import NOT_WEIGHED
    day, week = 24 * 60, 7 * 24 * 60
    rows = [msg("t0", "z", 0, text=THANKS), msg("t1", "z", 2 * week, text=THANKS)]  # the data: 8 to 22 January
    for start, wait in ((day, 30), (day + week, 90)):
        rows += [msg(f"r{start}_{i}", f"u{start}_{i}", start + i) for i in range(40)]
        rows += [brand_msg(f"b{start}_{i}", start + i + wait, parent=f"r{start}_{i}") for i in range(40)]
    at = page_test("overview", load_rows(tmp_path, rows), monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2024, 1, 16), date(2024, 1, 22))).run()
    assert not at.exception
    card = _metric(at, "KM median response")
    assert (card.value, card.delta) == (format_duration(90), "+60 min")
    assert card.proto.color == Metric.MetricColor.GRAY and card.proto.delta_description == NOT_WEIGHED
    assert f"Its change is grey, '{NOT_WEIGHED}'" in card.help


def test_the_no_replies_warning_names_their_share_of_the_lost_customers_in_the_chosen_dates(tmp_path, monkeypatch):
    """Customers lost (and revenue at risk) count the ignored complaints, most of them a silent
    brand's in a review (7,451 of 7,596), but the warning named the rates only; and it stayed on
    for dates in which the silent brand had no request."""
    acme = [msg("a0", "u0", 0), brand_msg("a0r", 5, parent="a0"), msg("a1", "u1", 1)]  # 1 of 2 ignored
    later = [msg(f"l{i}", f"v{i}", 10 * DAY + i) for i in range(3)]  # 18 January: Acme's only, ignored
    quiet = [msg(f"q{i}", f"w{i}", i, brand="Quietco") for i in range(4)]  # 8 January, all ignored
    db = load_rows(tmp_path, [*acme, *later, *quiet, msg("end", "z", 14 * DAY, text=THANKS)])
    at = page_test("overview", db, monkeypatch).run()
    assert not at.exception
    [said] = [printed(w.value) for w in at.warning if "No post by any account" in w.value]
    assert said.endswith("4 of the 8 ignored complaints are theirs, so Customers lost (assumed) is inflated by "
                         "them too.")
    assert _metric(at, "Customers lost (assumed)").value == f"{8 * word_of_mouth.DEFAULT_MULTIPLIER:,.0f}"
    at.number_input(key="assume_value").set_value(100.0).run()
    [said] = [printed(w.value) for w in at.warning if "No post by any account" in w.value]
    assert said.endswith("so Customers lost (assumed) and Revenue at risk (assumed) are inflated by them too.")
    at.date_input(key="filter_dates").set_value((date(2024, 1, 15), date(2024, 1, 21))).run()
    assert not at.exception and _metric(at, "Customers lost (assumed)").value == "15"  # Acme's 3 × 5
    assert not [w for w in at.warning if "No post by any account" in w.value]
