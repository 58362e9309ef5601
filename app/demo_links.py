"""Which listed mentions the demo generator made up, so that no list links them.

`python -m etl demo` writes fictional mentions whose ids look real (twitter:<19 digits>,
facebook:<page>_<post>): a link built from one opened no post of theirs, or a stranger's real one.
Every list with links (safe.with_links, safe.with_deflection_links) passes made_up_ids of its
rows, whatever page, file or report shows it, so a demo row has no link anywhere and a row
loaded from a real file keeps its link.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .queries import sql_text
from .safe import mention_link


def demo_share(cur) -> str | None:
    """How much of the published data the demo generator made (demo_loads.sql): 'all',
    'some' or None; the sidebar (app/startup.demo_note), the reports and made_up_ids say so."""
    has_demo, demo_only = cur.execute(sql_text("demo_loads")).fetchall()[0]
    return ("all" if demo_only else "some") if has_demo else None


def made_up_ids(cur, *id_lists: Iterable) -> frozenset[str]:
    """The ids among id_lists (a list's id columns) of mentions the demo generator made.
    Reads the loads (one row a file) first: a warehouse with no demo load, the usual one,
    reads no mention, and one with only the demo's reads none either (all of them are)."""
    ids = sorted({mention_id for ids in id_lists for mention_id in ids if isinstance(mention_id, str)})
    share = demo_share(cur) if ids else None
    if share is None:
        return frozenset()
    if share == "all":
        return frozenset(ids)
    return frozenset(cur.execute(sql_text("demo_mentions"), {"ids": ids}).df()["mention_id"])


def unlinked_note(frame: pd.DataFrame, id_column: str, link_column: str = "link", what: str = "posts") -> str:
    """Said under a list whose demo rows have no link (a made_up_ids row: its id would make one),
    so the empty link cells read as meant, not as broken; empty for a list with none."""
    if frame.empty or not (frame[link_column].isna() & frame[id_column].map(mention_link).notna()).any():
        return ""
    return (f" The demo's {what} have no link: they are fictional, and a link built from a made-up id would open "
            "no post of theirs (or a stranger's).")
