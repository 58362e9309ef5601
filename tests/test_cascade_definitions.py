"""The cascade and risk definitions are versioned and shown where the numbers are: printed by
`metrics definitions` with their version, and the Amplification page's popover word for word."""

import pytest

from app_support import page_test
from etl import cascade_definitions, spikes, word_of_mouth
from etl.spread import COMPLETION_AGE


@pytest.mark.parametrize("metric", list(cascade_definitions.DEFINITIONS))
def test_metrics_definitions_prints_each_cascade_definition_with_its_version(printed_definitions, metric):
    rows = [row for row in printed_definitions if row["metric"] == metric]
    assert rows == [{"version": cascade_definitions.CASCADE_VERSION, "metric": metric,
                     "definition": cascade_definitions.DEFINITIONS[metric]}]


@pytest.mark.parametrize("metric, definition", [
    ("spike", spikes.DEFINITION),
    *word_of_mouth.DEFINITIONS.items(),
])
def test_metrics_definitions_prints_the_spike_rule_and_word_of_mouth(printed_definitions, metric, definition):
    rows = [row for row in printed_definitions if row["metric"] == metric]
    assert rows == [{"version": cascade_definitions.CASCADE_VERSION, "metric": metric, "definition": definition}]


def test_the_spike_definition_states_the_rule_the_alerts_use():
    from app import overview, trends
    assert f"previous {trends.BASELINE_WEEKS} weeks" in spikes.DEFINITION
    assert f"at least {spikes.MIN_COUNT}" in spikes.DEFINITION
    assert f"k = {overview.ALERT_K:g} on the Overview" in spikes.DEFINITION
    assert trends.DEFINITIONS.set_index("metric").at["spike", "definition"] == spikes.DEFINITION


def test_the_spike_definition_says_the_first_weeks_raise_no_alert():
    """A burst in the history's first BASELINE_WEEKS weeks is no alert: there is nothing to
    compare it with, and the definition must say so or a reader takes silence for calm."""
    import pandas as pd
    weeks = spikes.BASELINE_WEEKS
    days = pd.date_range("2026-01-05", periods=7 * (weeks + 1), freq="D")
    counts = pd.DataFrame({"Acme": 1}, index=days)
    counts.iloc[[7 * weeks - 1, 7 * weeks]] = 50  # the last day without a baseline, the first with
    alerts = spikes.alerts_from_counts(counts, "D", k=spikes.DEFAULT_K, weeks=weeks)
    assert alerts["window_start"].tolist() == [days[7 * weeks]]
    assert f"first {weeks} weeks after a brand's first mention" in spikes.DEFINITION
    assert "no alert" in spikes.DEFINITION


def test_the_word_of_mouth_definition_names_its_default_multiplier_as_an_assumption():
    defined = word_of_mouth.DEFINITIONS["customers lost (assumed)"]
    assert f"default {word_of_mouth.DEFAULT_MULTIPLIER:g}" in defined and "Assumption" in defined


def test_the_high_risk_definition_states_the_bar_the_query_uses():
    defined = cascade_definitions.DEFINITIONS["open high-risk complaints"]
    assert f"{cascade_definitions.HIGH_RISK_QUANTILE * 100:g}th percentile" in defined
    assert f"older than {COMPLETION_AGE / 86400:g} days" in defined


def test_the_cost_of_silence_definition_gives_the_weeks_the_query_groups_by():
    """The page groups by weeks of the chosen zone (app/sql/risk_cost_of_silence.sql); the
    definition had said UTC's (a marketer's reading)."""
    from app import db
    defined = cascade_definitions.DEFINITIONS["cost of silence"]
    assert "timezone($tz, root_created_at)" in db.sql_text("risk_cost_of_silence")
    assert "in the chosen time zone" in defined and "UTC" not in defined


def test_the_amplification_popover_shows_the_versioned_definitions(dashboard_db, monkeypatch):
    from app.safe import markdown_text
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert f"version {cascade_definitions.CASCADE_VERSION}" in shown
    for metric, definition in cascade_definitions.DEFINITIONS.items():
        assert f"**{markdown_text(metric)}**: {markdown_text(definition)}" in shown


def test_the_definitions_say_an_unknown_reach_is_empty_and_the_risks_reach_assumed():
    """With no follower count known, the reach columns are empty on the command line (they were
    0 there), while the risk ranks the cascade by an assumed reach: both said where users read."""
    defined = cascade_definitions.DEFINITIONS
    for name in ("potential_reach", "predicted_final_reach", "impressions_low, impressions_high"):
        assert "null" in defined[name] and "0 in the command line" not in defined[name], name
    assert "no account's follower count known (Facebook comments) that reach is wholly assumed" in (
        defined["expected_additional_reach"])
    assert "its reach is an assumed one" in defined["amplification_risk"]
