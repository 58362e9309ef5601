"""Run one dashboard page in Streamlit's AppTest against a real database file."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import numpy as np
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1 import AppTest

from app import safe

# A page behind the shared sidebar, as the shell runs it (bench/page_timings.py uses it too).
PAGE_SCRIPT = """
from app import filters
from pages import {module}

filters.sidebar()
filters.assumption_inputs()
{module}.render()
"""


def page_test(module: str, db: Path, monkeypatch, secrets: dict | None = None,
              timeout: float = 60) -> AppTest:
    """An AppTest of pages/<module>.py with the shared sidebar filters, before its first run."""
    monkeypatch.setenv("REPUTATION_DB", str(db))
    at = AppTest.from_string(PAGE_SCRIPT.format(module=module), default_timeout=timeout)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    return at


def printed(markdown: str) -> str:
    """What the reader sees of Markdown (app.safe.markdown_text's escapes): backslash escapes
    and entities resolved, the empty directives between text nodes (safe.NODE_BREAK) dropped."""
    unescaped = re.sub(rf"\\(.)|{re.escape(safe.NODE_BREAK)}", lambda m: m.group(1) or "", markdown)
    return html.unescape(unescaped)


def shell_test(db: Path, monkeypatch, secrets: dict | None = None, timeout: float = 120) -> AppTest:
    """An AppTest of the whole dashboard.py (gate, navigation, filters, default page)."""
    monkeypatch.setenv("REPUTATION_DB", str(db))
    at = AppTest.from_file(str(Path(__file__).parents[1] / "dashboard.py"), default_timeout=timeout)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    return at


def assert_reads_text_first(table) -> list[str]:
    """An AppTest dataframe of mentions shows every column of its frame, the text first and the
    ids (…_id) last; returns the order shown."""
    shown = list(table.proto.column_order) or list(table.value.columns)
    assert sorted(shown) == sorted(table.value.columns), "every column stays on screen"
    ids = [c for c in shown if c.endswith("_id")]
    assert shown[0] == "text" and ids and shown[-len(ids):] == ids, shown
    return shown


def missing_shown(table) -> str:
    """What an AppTest dataframe's grid prints in a missing cell: its placeholder, else
    Streamlit's own "None"."""
    return table.proto.placeholder if table.proto.HasField("placeholder") else "None"


def plotly_spec(chart) -> dict:
    """An AppTest plotly chart's figure as a dict, its arrays as lists (plotly sends them as base64)."""
    return json.loads(chart.proto.spec, object_hook=_plain_array)


def _plain_array(value: dict):
    if "bdata" not in value:
        return value
    array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return (array.reshape([int(n) for n in value["shape"].split(",")]) if "shape" in value else array).tolist()


def download_buttons(monkeypatch) -> dict:
    """key -> what each st.download_button of the runs to come was given (its data, file_name,
    ...); the buttons are still drawn. downloaded() gives a button's bytes."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator
    given, real = {}, DeltaGenerator.download_button

    def kept(place, label, data, *args, **kwargs):
        given[kwargs.get("key")] = {"data": data, **kwargs}
        return real(place, label, data, *args, **kwargs)
    # a column's button (left.download_button) and st.download_button, bound at import to the main one
    monkeypatch.setattr(DeltaGenerator, "download_button", kept)
    monkeypatch.setattr(st, "download_button", lambda *args, **kwargs: kept(st._main, *args, **kwargs))
    return given


def downloaded(given: dict, key: str) -> bytes:
    """The bytes button `key` sends: a deferred one's function called, as a click would."""
    data = given[key]["data"]
    return data() if callable(data) else data


# every page module, as tests that walk the whole dashboard visit them
PAGE_MODULES = ["overview", "ghost_town", "amplification", "trends", "weekly", "audit", "data"]
# the pickers of a page's parts: each draws one part a run
SECTION_KEYS = ("ghost_section", "risk_section", "trends_view")


def each_section(at):
    """The page after each of its sections is drawn in turn (the first as already run), with
    what it draws on request (open_on_request) drawn too."""
    yield open_on_request(at)
    for picker in [radio for radio in at.radio if radio.key in SECTION_KEYS]:
        for section in picker.options[1:]:
            at.radio(key=picker.key).set_value(section).run()
            assert not at.exception, section
            yield open_on_request(at)


def open_on_request(at):
    """Opens every closed expander whose content the page draws only while it is open
    (widgets.on_request: the expanders that track their state, so have an id) and reruns."""
    closed = [user_key_from_element_id(box.proto.id) for box in at.expander
              if box.proto.id and not at.session_state[user_key_from_element_id(box.proto.id)]]
    for key in closed:
        at.session_state[key] = True
    if closed:
        at.run()
        assert not at.exception
    return at


def code_named(headers: list[str]) -> list[str]:
    """The headers that read as code names (snake_case), an hour's zone aside: the IANA name a
    header gives it last in its brackets ('hour (America/New_York)', as the heatmap's axis;
    'requested at (newest first, America/New_York)', formatting.with_zone's) is no code name."""
    return [header for header in headers if "_" in re.sub(r"(?: \(|, )\w+/[\w/+-]+\)$", ")", header)]


def weekly_preview(at, exported: list):
    """Turn the Weekly page's one-pager preview on: the figure it exported to show (the
    `exported` fixture of conftest.py records it)."""
    assert not at.get("image"), "the preview is drawn on request"
    at.toggle(key="weekly_preview").set_value(True).run()
    assert not at.exception
    assert len(at.get("image")) == 1 and len(exported) == 1
    return exported[-1]


def expected_links(ids, db: Path) -> list:
    """safe.mention_link of each id, as every list links it: none for a mention the demo generator
    made (its load's file is demo:...), whose id is made up (app/demo_links.py)."""
    from etl import warehouse
    with warehouse.connect_readonly(db) as con:
        made_up = set(con.execute("SELECT mention_id FROM mentions JOIN loads USING (load_id) "
                                  "WHERE starts_with(file, 'demo:')").df()["mention_id"])
    return [None if mention_id in made_up else safe.mention_link(mention_id) for mention_id in ids]
