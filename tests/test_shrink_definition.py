"""The shrunk ghost-town rate that ranks the Ghost Town table can be recomputed from its
stated definition alone: the definition names how the prior is fitted (there are several
empirical-Bayes fits, each giving other numbers)."""

from __future__ import annotations

import numpy as np

from etl import care_definitions, metrics, warehouse


def _from_the_definition(ignored: np.ndarray, decided: np.ndarray) -> np.ndarray:
    """The definition's words as code: method-of-moments beta prior, posterior means."""
    m = ignored.sum() / decided.sum()
    rates = ignored / decided
    rows, total = len(decided), decided.sum()
    t = ((decided * (rates - m) ** 2).sum() - (rows - 1) * m * (1 - m)) / (total - (decided ** 2).sum() / total)
    s = max(m * (1 - m) / t - 1, 4)  # "at least 4 requests' worth"
    return (ignored + m * s) / (decided + s)


def test_the_shrunk_rate_follows_from_its_definition(dashboard_db):
    wording = care_definitions.DEFINITIONS["ghost_town_rate_shrunk"]
    assert "method of moments" in wording and "(ignored + m s) / (decided + s)" in wording
    assert "at least 4 requests' worth" in wording
    with warehouse.connect_readonly(dashboard_db) as con:
        frame = metrics.ghost_town(con, ["brand"])
    decided = (frame["answered"] + frame["ignored"]).to_numpy(dtype=float)
    assert (decided > 0).all() and len(frame) >= 2
    expected = _from_the_definition(frame["ignored"].to_numpy(dtype=float), decided)
    np.testing.assert_allclose(frame["ghost_town_rate_shrunk"].to_numpy(dtype=float), expected, rtol=1e-9)
