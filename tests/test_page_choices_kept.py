"""Choices made on the Page Audit and the Amplification Risk page survive a visit to another page.

Streamlit drops the state of every widget a run does not draw: a brand and page picked on the
Page Audit came back as the sidebar's brand and all pages after a look at Amplification Risk
(and the next export was of that brand), the care queue's 'other open complaints' toggle came
back off (a review, ux57b). AppTest cannot follow the menu's links to a page of callables
(its switch_page matches script files), so here a run that draws another page instead stands
for the visit: it draws none of the page's widgets, and Streamlit forgets them as it does."""

from streamlit.testing.v1 import AppTest

# The page behind the shared sidebar (as app_support.PAGE_SCRIPT), or, while `away` is set,
# another page in its place, opened as the menu opens one: on a link without the page's query string.
SCRIPT = """
import streamlit as st
from app import filters
from pages import {module}

if st.session_state.get("away"):  # a page's link starts with no query string: the filters write theirs back
    st.query_params.clear()
filters.sidebar()
filters.assumption_inputs()
if st.session_state.get("away"):
    st.write("another page")
else:
    {module}.render()
"""


def page_with_elsewhere(module: str, db, monkeypatch) -> AppTest:
    monkeypatch.setenv("REPUTATION_DB", str(db))
    return AppTest.from_string(SCRIPT.format(module=module), default_timeout=60)


def away_and_back(at: AppTest) -> AppTest:
    for away in (True, False):
        at.session_state["away"] = away
        at.run()
        assert not at.exception
    return at


def test_the_audits_brand_and_page_are_kept_after_another_page(dashboard_db, monkeypatch):
    at = page_with_elsewhere("audit", dashboard_db, monkeypatch).run()
    assert not at.exception
    brand = at.selectbox(key="audit_brand")
    other = brand.options[-1]
    assert other != brand.value
    brand.set_value(other).run()
    page = at.selectbox(key="audit_page").options[-1]
    at.selectbox(key="audit_page").set_value(page).run()
    assert not at.exception
    away_and_back(at)
    assert (at.selectbox(key="audit_brand").value, at.selectbox(key="audit_page").value) == (other, page)


def test_the_audits_heatmap_is_drawn_again_after_another_page(dashboard_db, monkeypatch):
    at = page_with_elsewhere("audit", dashboard_db, monkeypatch).run()
    at.toggle(key="audit_heatmap").set_value(True).run()
    assert not at.exception
    away_and_back(at)
    assert at.toggle(key="audit_heatmap").value


def test_a_scope_in_the_link_wins_over_the_one_kept(dashboard_db, monkeypatch):
    """A link naming an audit (the browser's back, a bookmark) opens on it, not on the pick kept."""
    at = page_with_elsewhere("audit", dashboard_db, monkeypatch).run()
    brands = at.selectbox(key="audit_brand").options
    at.selectbox(key="audit_brand").set_value(brands[-1]).run()
    at.session_state["away"] = True
    at.run()
    at.session_state["away"] = False
    at.query_params["audited"] = brands[1]
    at.run()
    assert not at.exception
    assert at.selectbox(key="audit_brand").value == brands[1]


def test_the_care_queues_other_complaints_and_the_cascade_looked_at_are_kept_after_another_page(
        dashboard_db, monkeypatch):
    at = page_with_elsewhere("amplification", dashboard_db, monkeypatch).run()
    assert not at.exception
    at.toggle(key="risk_queue_siblings").set_value(True).run()
    away_and_back(at)
    assert at.toggle(key="risk_queue_siblings").value
    assert any("other_open_by_author" in d.value for d in at.dataframe)  # the column it adds, drawn again
    at.radio(key="risk_section").set_value("Cascades").run()
    cascade = at.selectbox(key="risk_cascade")
    assert len(cascade.options) > 1
    cascade.set_value(cascade.options[-1].rsplit(" · ", 1)[1]).run()  # a label ends with its root id
    picked = at.selectbox(key="risk_cascade").value
    assert not cascade.options[0].endswith(picked)  # not the first, which a forgotten choice falls back to
    away_and_back(at)
    assert at.radio(key="risk_section").value == "Cascades"
    assert at.selectbox(key="risk_cascade").value == picked
