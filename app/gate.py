"""The optional login gate, checked by the shell and again by every page.

Configured in .streamlit/secrets.toml: `password = "..."` for a shared password, or an
`[auth]` section for OIDC through st.login. With neither, the dashboard is open (local use).
"""

from __future__ import annotations

import hmac

import streamlit as st

_PASSED = "gate_passed"


def _secret(name: str):
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all: nothing configured
        return None


def mode() -> str:
    if _secret("auth"):
        return "oidc"
    if _secret("password"):
        return "password"
    return "open"


def passed() -> bool:
    kind = mode()
    if kind == "open":
        return True
    if kind == "oidc":
        return bool(st.user.is_logged_in)
    return bool(st.session_state.get(_PASSED))


def _check_password() -> None:
    given = st.session_state.get("gate_password", "")
    expected = str(_secret("password"))
    st.session_state[_PASSED] = hmac.compare_digest(given.encode(), expected.encode())
    st.session_state["gate_failed"] = not st.session_state[_PASSED]


def login_form() -> None:
    st.title("Reputation risk")
    if mode() == "oidc":
        st.button("Log in", on_click=st.login, type="primary")
        return
    with st.form("gate"):
        st.text_input("Password", type="password", key="gate_password")
        st.form_submit_button("Log in", on_click=_check_password, type="primary")
    if st.session_state.get("gate_failed"):
        st.error("Wrong password.")


def require() -> None:
    """Stop the script here unless the visitor has passed the gate."""
    if not passed():
        login_form()
        st.stop()
