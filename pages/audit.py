"""Page Audit page (placeholder until its page is built)."""

import streamlit as st

from app import gate


def render() -> None:
    gate.require()
    st.title("Page Audit")
    st.info("This page is not built yet.")


if __name__ == "__main__":  # run as a script (pages/ auto-discovery): through the shell and its gate
    from app.shell import main

    main()
