"""Mention text and author names are untrusted: helpers that keep them plain text.

Streamlit's st.dataframe, st.text and st.code show strings as text. Markdown (st.write,
st.markdown, st.metric labels, st.caption) and plotly labels interpret markup, so untrusted
strings go there only through these functions.
"""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Collection

import pandas as pd

from etl.csv_out import csv_text, plain_values

# Bidi overrides and zero-width characters can disguise text (Trojan Source); shown escaped.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# What a shown command line must not hold raw: the above, and control characters (a newline).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f" + _INVISIBLE.pattern[1:])
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_NUMERIC_ID = re.compile(r"[0-9]+(_[0-9]+)?")
# An empty Streamlit text directive: drawn as an empty <span>, nothing to see or to copy, but
# it ends a text node. Streamlit's Markdown finds bare URLs and e-mail addresses (remark-gfm's
# literal autolinks), :emoji:, :streamlit: and :material/icon: in each node's text *after*
# escapes and character references are decoded: escaping alone left http://evil.example a
# live link (user review), and &#58; or &#46; do no better.
NODE_BREAK = ":small[]"


def visible(text: object) -> str:
    """The text with bidi and zero-width characters shown as <U+XXXX> instead of acting."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", str(text))


def shell_command(words: list[str]) -> str:
    """A command line to show and copy: shlex's quoting, except that a word holding a control,
    bidi or zero-width character is written $'...' with each such character as its UTF-8 bytes,
    \\xHH. Shown raw, those would reorder, break or hide the command; shown as <U+XXXX>
    (visible), a pasted command names another brand than the one it was made for. bash, zsh and
    ksh read $'...' back to the word itself in any locale: their \\uXXXX stays those six
    characters in a C locale (a cron job's, a container's)."""
    return " ".join(_shell_word(word) for word in words)


def _shell_word(word: str) -> str:
    if not _UNSHOWABLE.search(word):
        return shlex.quote(word)
    return "$'" + "".join(_ansi_c(char) for char in word) + "'"


def _ansi_c(char: str) -> str:
    """One character inside $'...'."""
    if _UNSHOWABLE.match(char):
        return "".join(f"\\x{byte:02x}" for byte in char.encode("utf-8"))
    return "\\" + char if char in "\\'" else char


def plot_text(text: object, limit: int = 140) -> str:
    """Untrusted text for plotly labels and hover text: escaped so no tag or link acts.
    Quotes become numeric entities: plotly decodes those and &amp; &lt; &gt;, but shows
    &quot; as it is (a tweet's "x" printed as &quot;x&quot; in the weekly PNG)."""
    shown = visible(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return html.escape(shown, quote=False).replace('"', "&#34;").replace("'", "&#39;")


def _escaped(match: re.Match) -> str:
    """One markup character, backslash-escaped; a '.' or ':' also split off its neighbours."""
    char = match.group()
    if char == ".":
        # Before each '.': a node holds a '.' only as its first character, and every literal
        # autolink needs one further in (a domain after http://, www or @).
        return NODE_BREAK + "\\."
    if char == ":":
        # After each ':': no node holds ':name:' whole, and the source never reads
        # ':material/', which Streamlit rewrites before parsing.
        return "\\:" + NODE_BREAK
    return "\\" + char


def markdown_text(text: object) -> str:
    """Untrusted text inside Markdown (st.caption, st.metric labels): every markup character
    escaped, and no URL, e-mail address or shortcode left for Streamlit to turn into a link or
    an icon; the reader sees (and copies) the text's own characters."""
    return _MARKDOWN_SPECIAL.sub(_escaped, html.escape(visible(text), quote=False))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV, formula cells neutralised, flags and times written as the command
    line's CSV writes them (etl/csv_out.py: 0/1, ISO 8601 with a 'T')."""
    return csv_text(plain_values(frame)).encode("utf-8")


# Below this a tweet id is a tweet of 2006 to early 2010 or, far likelier in a brand's care
# history, a dataset's own numbering: the Customer Support on Twitter dataset (twcs) numbers
# its tweets from 1, and a link built from one opened somebody's unrelated tweet of 2006 (a
# review of an audit of twcs). No link is better than a wrong one.
FIRST_LINKED_TWEET_ID = 10_000_000_000
# What an empty link cell means, on hover over a grid's link column.
LINK_HELP = ("Opens the mention on its platform. Empty where no link can be trusted: a tweet id too small to "
             "be Twitter's since 2010 (a dataset's own numbering, as twcs' from 1), an id that is not a "
             "number, a platform without links, or a demo mention (fictional: there is no post to open).")


# Each platform's mention links: how they start, and the site's name (link_site)
_LINKS = {"twitter": ("https://twitter.com/i/web/status/", "Twitter"),
          "facebook": ("https://www.facebook.com/", "Facebook")}


def mention_link(mention_id: str | None) -> str | None:
    """A link to the mention on its platform, built only from a numeric id (never from text);
    None for anything else, a missing id (None, NaN) too, and a tweet id too small to be one
    of Twitter's since 2010 (FIRST_LINKED_TWEET_ID)."""
    if not isinstance(mention_id, str) or ":" not in mention_id:
        return None
    platform, native = mention_id.split(":", 1)
    if platform not in _LINKS or not _NUMERIC_ID.fullmatch(native):
        return None
    if platform == "twitter" and ("_" in native or int(native) < FIRST_LINKED_TWEET_ID):
        return None
    return _LINKS[platform][0] + native


def link_site(url: str) -> str | None:
    """The name of the site a mention_link link opens ('Twitter'); None for another link."""
    return next((site for start, site in _LINKS.values() if url.startswith(start)), None)


def mention_links(ids: pd.Series, made_up: Collection[str] = frozenset()) -> pd.Series:
    """mention_link of each id, none for an id in made_up (with_links)."""
    made_up = frozenset(made_up)
    return ids.map(lambda mention_id: None if mention_id in made_up else mention_link(mention_id))


def with_links(frame: pd.DataFrame, id_column: str, name: str = "link",
               beside_id: bool = False, made_up: Collection[str] = frozenset()) -> pd.DataFrame:
    """A copy of frame with a column `name` linking each row's mention (mention_link of
    frame[id_column]): last, or with beside_id just after the id column. made_up: the ids
    the demo generator made (demo_links.made_up_ids), left without a link: a link built from
    a made-up id opened no such post, or a stranger's."""
    position = frame.columns.get_loc(id_column) + 1 if beside_id else len(frame.columns)
    out = frame.copy()
    out.insert(position, name, mention_links(frame[id_column], made_up))
    return out


def with_deflection_links(frame: pd.DataFrame, made_up: Collection[str] = frozenset()) -> pd.DataFrame:
    """A deflection list (answered_id, response_id) with a link beside each id: to the
    customer's message and to the brand's response (the Ghost Town's and the audit's lists);
    none to a mention the demo generator made (made_up, as with_links)."""
    for name, id_column in (("answered_link", "answered_id"), ("response_link", "response_id")):
        frame = with_links(frame, id_column, name=name, beside_id=True, made_up=made_up)
    return frame
