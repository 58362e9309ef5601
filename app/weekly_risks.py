"""The Weekly Snapshot's top risks: each brand's open or ignored requests ranked by their
customers' reach, as the snapshot keeps them (ids, no texts), with what each customer said read
for those ids alone, no link to a message the demo generator made, and whether its author has
deleted it since."""

from __future__ import annotations

import json

import pandas as pd

from . import db, safe
from .demo_links import made_up_ids
from .weekly import data_end, pending_moment, week_closed, week_running


# the status before the text: its caption stresses it, and after the text a phone never reached it
RISK_COLUMNS = ["brand", "rank", "status_at_week_end", "text", "link", "complaint",
                "author_handle", "followers", "requested_at", "quoted_id", "request_id"]


def risks_status_when(rows: pd.DataFrame) -> str:
    """When the top risks' status is of, at the time their rows are as of (data_end, no year):
    'the week's end (Sun 06 Dec 23:59 UTC)' once closed, else that time, the newest data and why
    the week has not ended for it (still running, or the data ends inside it)."""
    at = data_end(rows, year=False)
    if week_closed(rows):
        return f"{pending_moment(rows)} ({at})"
    why = "the week is still running" if week_running(rows) else "the data ends inside the week"
    return f"{at}, {pending_moment(rows)} ({why})"


def top_risks(rows: pd.DataFrame) -> pd.DataFrame:
    """The top_risks JSON of each brand as one table. The message quoted (and linked) is a
    complaint's message that complains, else the request's first (a snapshot stored before
    complaints kept their id: the first); quoted_id names it where it is not the request's
    first, blank otherwise (two equal id columns read as a mistake); `text` is empty here
    (top_risks_with_text reads it). Texts and author handles are untrusted text. The status
    is the snapshot's, as of the week's end."""
    records = []
    for brand, risks_json in zip(rows.get("brand", []), rows.get("top_risks", [])):
        for rank, item in enumerate(json.loads(risks_json or "[]"), start=1):
            records.append({"brand": brand, "rank": rank, "text": None,
                            "status_at_week_end": item.get("status"),
                            "complaint": bool(item.get("is_complaint")),
                            "author_handle": item.get("author_handle"),
                            "followers": item.get("followers"),
                            "requested_at": item.get("requested_at"),
                            "quoted_id": item.get("complaint_id")
                            if item.get("complaint_id") != item.get("request_id") else None,
                            "request_id": item.get("request_id")})
    unlinked = pd.DataFrame(records, columns=[c for c in RISK_COLUMNS if c != "link"])
    # a time, not the JSON's ISO text: the grid shows it to the minute under its zone. Parsed as
    # ISO 8601 whatever each one's precision: pandas took the first's format for all, and a week
    # whose risks mixed whole seconds with fractions (a new export's) failed the page
    unlinked["requested_at"] = pd.to_datetime(unlinked["requested_at"], utc=True, format="ISO8601")
    return unlinked.assign(link=safe.mention_links(quoted(unlinked)))[RISK_COLUMNS]


def quoted(risks: pd.DataFrame) -> pd.Series:
    """The id of the message each top risk quotes: its quoted_id, else its request's."""
    return risks["quoted_id"].fillna(risks["request_id"])


@db.cached
def mention_texts(cur, mention_ids: tuple[str, ...]) -> dict[str, str]:
    """The text of each mention (read for these ids only; the stored snapshot keeps ids,
    not texts)."""
    if not mention_ids:
        return {}
    found = cur.execute(db.sql_text("mention_details"), {"ids": list(mention_ids)}).df()
    return dict(zip(found["mention_id"], found["text"]))


@db.cached
def made_up_mentions(cur, mention_ids: tuple[str, ...]) -> frozenset[str]:
    """Which of these mentions the demo generator made (demo_links.made_up_ids): no link."""
    return made_up_ids(cur, mention_ids)


def top_risks_with_text(rows: pd.DataFrame, read_texts=mention_texts, read_made_up=made_up_mentions) -> pd.DataFrame:
    """top_risks(rows) with what each customer said, and no link to a message the demo generator
    made (read_texts, read_made_up: mention_texts and made_up_mentions, or readers of their
    signatures bound to a connection)."""
    risks = top_risks(rows)
    ids = quoted(risks)
    return risks.assign(text=ids.map(read_texts(tuple(ids))), link=safe.mention_links(ids, read_made_up(tuple(ids))))


def _top_risks_with_text_uncached(cur, rows: pd.DataFrame) -> pd.DataFrame:
    return top_risks_with_text(rows, lambda ids: mention_texts.uncached(cur, ids),
                               lambda ids: made_up_ids(cur, ids))


top_risks_with_text.uncached = _top_risks_with_text_uncached


@db.cached
def deleted_since(cur, mention_ids: tuple[str, ...]) -> dict[str, pd.Timestamp]:
    """When each of these mentions was noticed deleted by its author (app/sql/weekly_deleted_since.sql),
    for those deleted, as of the newest load."""
    if not mention_ids:
        return {}
    found = cur.execute(db.sql_text("weekly_deleted_since"), {"ids": list(mention_ids)}).df()
    return dict(zip(found["mention_id"], found["noticed_at"]))


def with_deleted_since(risks: pd.DataFrame, read_deleted=deleted_since) -> pd.DataFrame:
    """risks with noticed_at: when the message each quotes was noticed missing from a later
    complete export (its author deleted it), blank if it was not. A stored week is final, its
    rows as they stood at its end: this says what became of them since, where a top risk its
    author had deleted read as a request still worth chasing, its link opening nothing."""
    ids = quoted(risks)
    # beside the status it qualifies: last, it was off the grid's edge at 1440 px
    listed = risks.copy()
    listed.insert(listed.columns.get_loc("status_at_week_end") + 1, "noticed_at",
                  pd.to_datetime(ids.map(read_deleted(tuple(ids))), utc=True))
    return listed


def deleted_since_note(risks: pd.DataFrame) -> str | None:
    """The caption under top risks with_deleted_since marked deleted; None with none."""
    deleted = int(risks["noticed_at"].notna().sum()) if "noticed_at" in risks else 0
    if not deleted:
        return None
    which, author, it, exports = (
        ("One of them was", "its author", "it", "a later complete export of the page") if deleted == 1
        else (f"{deleted:,} of them were", "their authors", "them", "later complete exports of the pages"))
    return (f"{which} since deleted by {author} ({exports} lacked {it}; 'noticed missing' gives when that load "
            f"finished): nothing is left to answer. The week's figures keep {it}, as they stood at its end.")
