"""The page test_untrusted_markdown.py opens: each of hostile.AUTOLINKS through
app.safe.markdown_text, in each kind of Markdown the pages show untrusted names in."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS.parent), str(TESTS)]  # the project (app) and tests/ (hostile)

import hostile  # noqa: E402
from app import safe  # noqa: E402

# One container per text, KINDS elements of ours in each (and the metric's value).
KINDS = 8

for i, text in enumerate(hostile.AUTOLINKS):
    shown = safe.markdown_text(text)
    with st.container(key=f"text{i}"):
        st.caption(shown)
        st.markdown(shown)
        st.info(shown)
        st.warning(shown)
        st.error(shown)
        st.success(shown)
        st.metric(shown, 1)
        with st.expander(shown):
            st.text("inside")
