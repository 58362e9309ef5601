"""A spike's cascades on Trends open their network on the Amplification page, and that page's
One cascade view opens any cascade of the selection from its link (?cascade=<root_id>), not only
the Cascades list's 1,000 rows: a marketer following a spike to a cascade of 3 found no way to
its network, and typing its root into the chooser gave 'No results' (review ux60c)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from app_support import page_test

from app import risk
from app.filters import Filters
from etl import warehouse

LISTED = 5  # the Cascades list cut short: the fixture's cascades all fit in 1,000 rows
CASCADES = risk.cascades  # as the app has it, whatever short_list makes of it


@pytest.fixture
def short_list(monkeypatch):
    """The Cascades list (risk.cascades at its 1,000) cut to LISTED rows, as the 1,000 leave out
    most of a long history's cascades; the care queue's calls as they are."""
    monkeypatch.setattr(risk, "cascades", lambda filters, open_only=False, limit=1_000: CASCADES(
        filters, open_only, LISTED if limit == 1_000 else limit))


def _listed(db) -> set[str]:
    with warehouse.connect_readonly(db) as con:
        return set(CASCADES.uncached(con, Filters(), False, LISTED)["root_id"])


def _stored(db) -> pd.DataFrame:
    with warehouse.connect_readonly(db) as con:
        return con.execute("SELECT root_id, brand, size FROM cascades").df().set_index("root_id")


def _offered(chooser) -> set[str]:
    """The root ids the One cascade chooser offers (each option's label ends with its id)."""
    return {label.rsplit(" · ", 1)[-1] for label in chooser.options}


def _amplification(db, monkeypatch, **params):
    at = page_test("amplification", db, monkeypatch)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def _spike_cascades_with_links(db, monkeypatch, wanted) -> pd.DataFrame:
    """The first spike's cascades grid on Trends (each spike in turn) holding a row `wanted` accepts."""
    at = page_test("trends", db, monkeypatch)
    at.query_params["view"] = "Spikes"
    at.run()
    assert not at.exception
    for label in at.selectbox(key="trends_spike_pick").options:
        at.selectbox(key="trends_spike_pick").set_value(label).run()
        [grid] = [d for d in at.dataframe if "spike_mentions" in d.value.columns]
        if wanted(grid.value).any():
            return grid
    raise AssertionError("no spike has such a cascade")


def test_a_spikes_cascade_links_to_its_network_which_opens_though_the_list_leaves_it_out(
        dashboard_db, monkeypatch, short_list):
    listed, stored = _listed(dashboard_db), _stored(dashboard_db)
    grid = _spike_cascades_with_links(dashboard_db, monkeypatch,
                                      lambda rows: (rows["size"] > 1) & ~rows["root_id"].isin(listed))
    cascades = grid.value
    assert list(grid.proto.column_order)[:4] == ["text", "author_handle", "link", "network_link"]
    # each cascade that spread links to its own view, made from its id; a post alone has no network
    spread = cascades["size"] > 1
    assert cascades.loc[~spread, "network_link"].isna().all()
    for root_id, link in zip(cascades.loc[spread, "root_id"], cascades.loc[spread, "network_link"]):
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == ("", "", "amplification")
        assert parse_qs(parts.query) == {"section": ["Cascades"], risk.CASCADE_URL_KEY: [root_id]}
    root_id = cascades.loc[spread & ~cascades["root_id"].isin(listed), "root_id"].iloc[0]
    [link] = cascades.loc[cascades["root_id"] == root_id, "network_link"]
    query = {key: values[-1] for key, values in parse_qs(urlsplit(link).query).items()}
    at = _amplification(dashboard_db, monkeypatch, **query)
    chooser = at.selectbox(key="risk_cascade")
    assert chooser.value == root_id and root_id not in listed
    assert _offered(chooser) - {root_id} <= listed  # and the list's cascades that spread
    [nodes] = [d.value for d in at.dataframe if "parent_author" in d.value.columns]
    assert len(nodes) == stored.at[root_id, "size"]
    assert at.query_params[risk.CASCADE_URL_KEY] in (root_id, [root_id])  # kept in the link
    assert any("First in the chooser" in caption.value for caption in at.caption)


def test_a_cascade_the_link_names_that_cannot_open_says_why(dashboard_db, monkeypatch, short_list):
    listed, stored = _listed(dashboard_db), _stored(dashboard_db)
    alone = stored.index[stored["size"] == 1][0]
    spread = stored[(stored["size"] > 1) & ~stored.index.isin(listed) & stored["brand"].notna()]
    other_brand = next(brand for brand in stored["brand"].dropna().unique() if brand != spread["brand"].iloc[0])
    cases = [({risk.CASCADE_URL_KEY: "twitter:1"}, "No cascade has the root post"),
             ({risk.CASCADE_URL_KEY: alone}, "is its root post alone (size 1)"),
             ({risk.CASCADE_URL_KEY: spread.index[0], "brand": other_brand}, "outside the sidebar's brand filter")]
    for params, said in cases:
        at = _amplification(dashboard_db, monkeypatch, section="Cascades", **params)
        assert [note.value for note in at.info if said in note.value], params
        chooser = at.selectbox(key="risk_cascade")
        assert chooser.index == 0 and params[risk.CASCADE_URL_KEY] not in _offered(chooser)
        assert risk.CASCADE_URL_KEY not in at.query_params  # the first shown: no cascade in the link


def test_the_cascade_chosen_is_kept_in_the_link_until_another_section(dashboard_db, monkeypatch):
    at = _amplification(dashboard_db, monkeypatch, section="Cascades")
    chooser = at.selectbox(key="risk_cascade")
    assert risk.CASCADE_URL_KEY not in at.query_params  # the first, the default: a short link
    second = chooser.options[1].rsplit(" · ", 1)[-1]
    chooser.set_value(second).run()
    assert at.query_params[risk.CASCADE_URL_KEY] in (second, [second])
    at.radio(key="risk_section").set_value("Care queue").run()
    assert risk.CASCADE_URL_KEY not in at.query_params


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def test_a_cascade_read_by_its_root_is_the_lists_row(dashboard_db):
    """risk_cascade_at.sql repeats risk_cascades.sql's columns: a row of one is the other's."""
    with warehouse.connect_readonly(dashboard_db) as con:
        listed = risk.cascades.uncached(con, Filters(tz="Asia/Kolkata"), False, None)
        for root_id in listed["root_id"].iloc[[0, len(listed) // 2, -1]]:
            found = risk.cascade_at.uncached(con, Filters(tz="Asia/Kolkata"), root_id)
            assert found["in_selection"].tolist() == [True]
            expected = listed[listed["root_id"] == root_id].reset_index(drop=True)
            # as values: a count read for one row is int64 where a column with an unknown one is Int64
            pd.testing.assert_frame_equal(_values(found.drop(columns="in_selection")), _values(expected))
            brand = found.at[0, "brand"]
            if isinstance(brand, str):
                outside = Filters(brands=(brand + " (another)",))
                assert not risk.cascade_at.uncached(con, outside, root_id).at[0, "in_selection"]
                assert risk.filters_leaving_out(found.iloc[0], outside) == ["brand"]
        assert risk.cascade_at.uncached(con, Filters(), "twitter:1").empty
