"""The cascade and risk definitions are versioned and shown where the numbers are: printed by
`metrics definitions` with their version, and the Amplification page's popover word for word."""

import pytest

from app_support import page_test
from etl import cascade_definitions
from etl.spread import COMPLETION_AGE


@pytest.mark.parametrize("metric", list(cascade_definitions.DEFINITIONS))
def test_metrics_definitions_prints_each_cascade_definition_with_its_version(printed_definitions, metric):
    rows = [row for row in printed_definitions if row["metric"] == metric]
    assert rows == [{"version": cascade_definitions.CASCADE_VERSION, "metric": metric,
                     "definition": cascade_definitions.DEFINITIONS[metric]}]


def test_the_high_risk_definition_states_the_bar_the_query_uses():
    defined = cascade_definitions.DEFINITIONS["open high-risk complaints"]
    assert f"{cascade_definitions.HIGH_RISK_QUANTILE * 100:g}th percentile" in defined
    assert f"older than {COMPLETION_AGE / 86400:g} days" in defined


def test_the_amplification_popover_shows_the_versioned_definitions(dashboard_db, monkeypatch):
    from app.safe import markdown_text
    at = page_test("amplification", dashboard_db, monkeypatch).run()
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert f"version {cascade_definitions.CASCADE_VERSION}" in shown
    for metric, definition in cascade_definitions.DEFINITIONS.items():
        assert f"**{markdown_text(metric)}**: {markdown_text(definition)}" in shown
