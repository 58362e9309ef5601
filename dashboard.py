"""Entry point: `streamlit run dashboard.py` (SPEC section 2): gate, navigation, filters."""

from app.shell import main

main()
