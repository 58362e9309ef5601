"""The text scorer's labels are defined where users see them: the thresholds printed are the
ones the scorer uses, so a negative label with a positive compound is explained."""

import pytest

from etl import text
from etl.text import Analyzer


def test_the_label_definition_states_the_scorers_thresholds():
    defined = text.DEFINITIONS["sentiment label"]
    for threshold in (text.NEGATIVE_EVIDENCE, text.POSITIVE_AT, text.QUESTION_POSITIVE_AT,
                      text.NEGATIVE_AT):
        assert f"{threshold:g}" in defined
    assert text.SCORER_VERSION in defined
    assert f"{text.COMPLAINT_THRESHOLD:g}" in text.DEFINITIONS["complaint"]


def test_a_negative_label_with_a_positive_compound_is_what_the_definition_allows():
    # a grumble: evidence of a problem, polite words lifting the compound
    scored = Analyzer().score("@NetCo the app keeps crashing, please fix it, thanks")
    assert scored["sentiment_label"] == "negative" and scored["sentiment_compound"] > 0
    assert "can carry a positive compound" in text.DEFINITIONS["sentiment label"]


@pytest.mark.parametrize("metric", list(text.DEFINITIONS))
def test_metrics_definitions_prints_the_text_definitions_with_the_scorer_version(printed_definitions, metric):
    rows = [row for row in printed_definitions if row["metric"] == metric]
    assert rows == [{"version": text.SCORER_VERSION, "metric": metric,
                     "definition": text.DEFINITIONS[metric]}]
