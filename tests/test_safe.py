"""app/safe.py: untrusted text stays text in plots, Markdown, CSV and links."""

from __future__ import annotations

import html
import io
import re

import pandas as pd
import pytest

import hostile
from app import safe


@pytest.mark.parametrize("text", hostile.TEXTS + hostile.HANDLES)
def test_plot_text_leaves_no_markup(text):
    shown = safe.plot_text(text, limit=10_000)
    assert "<" not in shown and ">" not in shown and '"' not in shown


@pytest.mark.parametrize("text", hostile.TEXTS + hostile.HANDLES + ['say "no" & it\'s <b>'])
def test_plot_text_uses_only_entities_plotly_decodes(text):
    # plotly.js converts numeric entities and amp/lt/gt (and a few symbols); any other named
    # entity, as &quot;, would be printed as written.
    for entity in re.findall(r"&([^;\s]*);", safe.plot_text(text, limit=10_000)):
        assert entity in ("amp", "lt", "gt") or re.fullmatch(r"#\d+", entity), entity


def test_plot_text_shortens_long_text():
    assert safe.plot_text("x" * 500, limit=20) == "x" * 19 + "…"


@pytest.mark.parametrize("text", ["\u202eevil", "zero\u200bwidth", "bom\ufeff", "iso\u2066late\u2069"])
def test_invisible_characters_are_shown_not_obeyed(text):
    shown = safe.visible(text)
    assert "<U+" in shown
    assert not any(ch in shown for ch in "\u202e\u200b\ufeff\u2066\u2069")


def test_markdown_text_escapes_every_markup_character():
    shown = safe.markdown_text("[click](javascript:alert(1)) **b** <b>x</b> :red[y] $x$ `c`")
    shown = shown.replace(safe.NODE_BREAK, "")  # the empty directives between text nodes
    assert "<b>" not in shown
    for i, ch in enumerate(shown):
        if ch in "[]()*:$`":
            assert shown[i - 1] == "\\", f"unescaped {ch!r} at {i} in {shown!r}"


def _text_nodes(markdown: str) -> list[str]:
    """The text nodes Streamlit's parser makes of markdown_text's output: backslash escapes and
    entities decoded, each unescaped ':small[]' (an empty directive) ending a node."""
    nodes = [""]
    for escaped, directive, char in re.findall(r"\\(.)|(:small\[\])|(.)", markdown, re.S):
        if directive:
            nodes.append("")
        else:
            nodes[-1] += escaped or char
    return [html.unescape(node) for node in nodes]


def _gfm_autolinks(node: str) -> list[str]:
    """What remark-gfm's literal autolinks (mdast-util-gfm-autolink-literal, as bundled with
    Streamlit) would link in one text node: http(s):// or www. before a dotted domain, and
    e-mail addresses. The character before them is not checked: stricter than remark."""
    urls = [m.group() for m in re.finditer(r"(?:https?://|www(?=\.))([-.\w]+)", node, re.I | re.A)
            if re.search(r"[a-z\d][-\w]*\.[-\w]*[a-z\d]", m.group(1), re.I | re.A)]
    return urls + re.findall(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", node)


@pytest.mark.parametrize("text", hostile.AUTOLINKS + hostile.TEXTS + hostile.HANDLES)
def test_markdown_text_leaves_no_url_or_shortcode_in_any_text_node(text):
    """remark-gfm finds bare URLs and addresses in the decoded text, so backslashes alone left
    http://evil.example a link (user review); Streamlit draws :smile: and :material/x: so too.
    The browser's view of this: tests/e2e/test_untrusted_markdown.py."""
    shown = safe.markdown_text(text)
    nodes = _text_nodes(shown)
    assert "".join(nodes) == safe.visible(text)  # the reader's characters, nothing added
    assert [link for node in nodes for link in _gfm_autolinks(node)] == [], nodes
    assert not any(re.search(r":[\w+-]+:", node) for node in nodes), nodes
    assert ":material/" not in shown  # Streamlit rewrites it in the source, escaped or not


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_evaluate_are_neutralised(cell):
    data = safe.csv_bytes(pd.DataFrame({"text": [cell], "n": [1]}))
    [value] = pd.read_csv(io.BytesIO(data), keep_default_na=False)["text"]
    assert value.startswith("'")


@pytest.mark.parametrize("stored", ["@AcmeAir", "'@AcmeAir", "=Acme", "'tis", "''x", "O'Brien", "Acme",
                                    "-3", "'-3", "-x", "'", "", None])
def test_a_name_pasted_back_from_a_csv_is_the_name_stored(stored):
    """The command line's --brand and --page take a name as our CSVs write it (csv_cell): the
    guard's apostrophe off, a stored one kept, so '@Odd and @Odd stay two names (code review)."""
    from etl.csv_out import as_written, csv_cell
    assert as_written(csv_cell(stored)) == stored


def test_csv_keeps_ordinary_text_and_numbers_as_they_are():
    frame = pd.DataFrame({"text": ["my order, late", "a=b"], "n": [-3, 4]})
    back = pd.read_csv(io.BytesIO(safe.csv_bytes(frame)))
    assert back["text"].tolist() == ["my order, late", "a=b"] and back["n"].tolist() == [-3, 4]


@pytest.mark.parametrize("mention_id, link", [
    ("twitter:1590000000000000001", "https://twitter.com/i/web/status/1590000000000000001"),
    ("twitter:10000000000", "https://twitter.com/i/web/status/10000000000"),
    # a dataset's own numbering (twcs numbers its tweets from 1): the link opened another tweet
    ("twitter:3600", None), ("twitter:9999999999", None), ("twitter:12_34", None),
    ("facebook:77_901", "https://www.facebook.com/77_901"),
    ("twitter:javascript:alert(1)", None),
    ("twitter:1/../../evil", None),
    ("reddit:abc", None),
    (None, None),
])
def test_links_are_built_only_from_numeric_ids(mention_id, link):
    assert safe.mention_link(mention_id) == link


def test_a_missing_id_has_no_link():
    assert safe.mention_link(float("nan")) is None


def test_links_go_last_or_beside_their_id_and_leave_the_frame_as_it_was():
    frame = pd.DataFrame({"mention_id": ["twitter:1590000000000000001", None], "text": ["a", "b"]})
    assert list(safe.with_links(frame, "mention_id").columns) == ["mention_id", "text", "link"]
    beside = safe.with_links(frame, "mention_id", name="open", beside_id=True)
    assert list(beside.columns) == ["mention_id", "open", "text"]
    assert beside["open"].iloc[0] == "https://twitter.com/i/web/status/1590000000000000001"
    assert pd.isna(beside["open"].iloc[1])
    assert list(frame.columns) == ["mention_id", "text"]


def _grid_script():
    import pandas as pd

    from app import widgets
    hidden = "a\u202eb\u200bc"
    widgets.grid(pd.DataFrame({"text": [hidden, "x"], "response": [hidden, None], "request_text": [hidden, "x"],
                               "file": [hidden, "x"], "message": [hidden, None], "brand": [hidden, "Acme"],
                               "page": [hidden, None], "author_id": [hidden, "7"], "industry": [hidden, "x"]}),
                 key="g")
    widgets.labelled_table(pd.DataFrame({"reason": [hidden]}), [("reason", "why")], key="l")


def test_every_grid_shows_untrusted_text_with_its_invisible_characters_visible():
    """One place for it (widgets.grid): the Ghost Town deflections' brand response and an
    uploaded file's name in the last upload's accounting were shown with theirs acting."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_function(_grid_script).run()
    assert not at.exception
    shown, labelled = (frame.value for frame in at.dataframe)
    for column in ("text", "response", "request_text", "file", "message", "brand", "page", "author_id",
                   "industry"):
        assert shown[column].iloc[0] == "a<U+202E>b<U+200B>c", column
    # a missing message (a load that said nothing) stays missing, shown as MISSING, not ""
    assert shown["message"].isna().iloc[1] and shown["response"].isna().iloc[1]
    assert labelled["reason"].iloc[0] == "a<U+202E>b<U+200B>c"


@pytest.mark.parametrize("values", [
    pd.Series(["Acme", None, "a\u202eb", "Acme"]), pd.Series(["Acme", None, "a\u202eb"], dtype="string"),
    pd.Series(["Acme", None, "x"], dtype=object), pd.Series(["a\u200bb", "c"], dtype="category"),
    pd.Series([1, True, None], dtype=object), pd.Series([], dtype=object), pd.Series([None, None], dtype=object),
    pd.Series([float("nan"), "y"], dtype="str")])
def test_a_grids_untrusted_column_is_shown_as_each_value_alone_would_be(values):
    """widgets._visible works safe.visible out once per distinct text: the same values and
    dtype as safe.visible of each row (a dict would take 1 and True for one key, and give the
    NaN string dtype for the NA one)."""
    from app import widgets
    pd.testing.assert_series_equal(widgets._visible(values).where(values.notna(), None),
                                   values.map(safe.visible).where(values.notna(), None))


def test_a_grids_repeated_names_are_made_visible_once_each(monkeypatch):
    """A brand column of 50,000 rows and 3 brands (the Trends hourly spike numbers at 10M:
    47,860 calls, 0.26 s of the render) asks safe.visible 3 times."""
    from app import widgets
    calls = []
    shown = safe.visible
    monkeypatch.setattr(safe, "visible", lambda text: calls.append(text) or shown(text))
    values = pd.Series(["Acme", "Bolt", "a\u202eb"] * 1000 + [None])
    assert widgets._visible(values).iloc[2] == "a<U+202E>b"
    assert len(calls) == 3


def _prose_script():
    import pandas as pd

    from app import widgets
    widgets.grid(pd.DataFrame({"text": ["a" * 300], "request_text": ["b"], "response": ["c"], "requests": [3]}),
                 key="g")
    widgets.grid(pd.DataFrame({"text": ["a"]}), key="h", text={"label": "said", "width": "large"})


def test_grids_keep_long_texts_to_a_medium_column_so_the_numbers_stay_on_screen():
    import json

    from streamlit.testing.v1 import AppTest
    at = AppTest.from_function(_prose_script).run()
    assert not at.exception
    default, chosen = (json.loads(frame.proto.columns) for frame in at.dataframe)
    assert {c: default[c].get("width") for c in ("text", "request_text", "response")} == \
        dict.fromkeys(("text", "request_text", "response"), "medium")
    assert "width" not in default["requests"] and chosen["text"]["width"] == "large"


def test_the_dashboards_csv_is_the_command_lines():
    """An export from a page and the same table from `python -m etl` are the same bytes:
    flags 0/1, times in ISO 8601 with a 'T' (the pages wrote True and a space)."""
    from etl.cli_output import write_frame
    frame = pd.DataFrame({"answered": [True, False], "at": pd.to_datetime(["2026-10-31T23:54:05Z", None], utc=True),
                          "text": ["=1+1", "@handle"]})
    out = io.StringIO()
    write_frame(frame, "csv", out)
    assert safe.csv_bytes(frame).decode() == out.getvalue()
    assert safe.csv_bytes(frame).decode().splitlines()[1] == '1,"2026-10-31T23:54:05+00:00","\'=1+1"'
