"""Hostile mention texts and author names: markup, script, formula prefixes, invisible characters.

Loaded as real mentions of a fictional brand (Quillfeather) beside the demo history, so every
page and export shows them; tests check they arrive as text and never act."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

BRAND, PAGE, ACCOUNT = "Quillfeather", "@QuillfeatherHelp", "qf-care"
# Marks a script would leave if any of these ever ran in the browser.
SCRIPT_MARK = "hostile_fired"

TEXTS = [
    f"<script>window.{SCRIPT_MARK}=1</script> my order never arrived, still waiting",
    f'<img src=x onerror="window.{SCRIPT_MARK}=1"> refund me now, charged twice',
    "[click for refund](javascript:alert(1)) worst service ever",
    f"<b>bold</b> <a href=\"javascript:window.{SCRIPT_MARK}=1\">plotly link</a> flight cancelled again",
    "=HYPERLINK(\"http://evil.example\",\"click\") my parcel is lost",
    "+SUM(1,1) still no response from you",
    "-2+3 support never replied",
    "@SUM(A1) why was I charged twice?",
    "\u202eevil\u202c reversed text, the app crashed",
    "zero\u200bwidth\u200djoin complaint: outage all day",
    "**not bold** _not italic_ # not a heading `code` still broken",
    "$x^2$ :red[not red] <style>body{display:none}</style> delayed 5 hours",
]
HANDLES = [
    f"<script>window.{SCRIPT_MARK}=1</script>",
    "=cmd|' /C calc'!A0",
    "[link](javascript:alert(1))",
    "\u202eadmin",
]
# Bare URLs and addresses that Streamlit's Markdown would make links of (GFM literal autolinks,
# found even with ':' and '.' backslash-escaped), and shortcodes it would draw as icons: names
# (brands, authors, files) shown through app.safe.markdown_text must stay these characters.
AUTOLINKS = [
    "http://evil.example",
    "https://x.example/a?b=c&d=e#f",
    "www.evil.example",
    "mail@evil.example",
    "HTTP://EVIL.EXAMPLE",
    "xmpp:foo@bar.example",
    "ftp://x.example, http://www.evil.example and (www.x.example) in a sentence",
    "Acme *Care* :red[Red] $x^2$ [link](http://evil.example)",
    "<http://x.example> x_y-z+w@evil.example",
    ":material/verified: :smile: :streamlit: a::b \\: \\. .. ok.",
]


def tweet_id(number: int) -> str:
    """A tweet id of Twitter's size (a 19-digit snowflake, as the demo's), which gets a link:
    one of a dataset's own numbering (twcs', from 1) gets none (app/safe.mention_link)."""
    return f"twitter:{9_000_000_000_000_000_000 + number}"


def write_corpus(path: Path, start: datetime | None = None) -> Path:
    """A canonical CSV: each hostile text as a complaint to the brand, some answered."""
    start = start or datetime(2025, 3, 3, 9, tzinfo=timezone.utc)
    header = ["mention_id", "platform", "brand", "page", "author_id", "author_handle",
              "author_followers", "is_brand", "created_at", "text", "kind", "parent_id", "shared_id"]
    rows = []
    for i, text in enumerate(TEXTS):
        at = start + timedelta(hours=7 * i)
        mention = tweet_id(990000 + i)
        rows.append([mention, "twitter", BRAND, PAGE, f"hostile-{i}", HANDLES[i % len(HANDLES)],
                     str(10 ** (i % 7)), "false", at.isoformat(), text, "post", "", ""])
        if i % 3 == 0:
            rows.append([tweet_id(991000 + i), "twitter", BRAND, PAGE, ACCOUNT, "QuillfeatherHelp",
                         "5000", "true", (at + timedelta(minutes=30)).isoformat(),
                         "Sorry! Please DM us your order number.", "reply", mention, ""])
        rows.append([tweet_id(992000 + i), "twitter", BRAND, PAGE, f"sharer-{i}", HANDLES[-1 - i % 4],
                     "200", "false", (at + timedelta(minutes=5)).isoformat(), text, "share", "", mention])
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path
