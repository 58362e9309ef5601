"""Facebook Graph API page exports: posts with nested `comments.data`, whose comments nest
their replies the same way. Comments by the page itself are brand responses.

A page export is a complete picture of the page over the period it covers, which is what
lets a later export reveal deleted comments (the loader records its coverage).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .jsonio import CUT_SHORT, read_json
from .records import (Account, BadRecord, Blank, ParseOptions, Partial, Record, Reject, clean_count,
                      clean_id, clean_text, mention, not_this_kind, parse_time, qualify)


def parse(path: Path, options: ParseOptions) -> Iterator[Record | Reject | Account | Blank]:
    position = 0
    page_names: dict[str, str | None] = {}
    lists_comments = False
    for item in read_json(path, close_cut_items=True):
        if item.blank:
            yield Blank(0)
            continue
        if item.problem:
            position += 1
            yield Reject(position, item.locator, item.raw, item.problem, cut=item.cut)
            continue
        for locator, node, page, parent, kind in _nodes(item.value, item.locator):
            if node is _PAGED:
                yield Partial(locator)
                continue
            position += 1
            lists_comments = lists_comments or "comments" in node
            raw = _dump(node)
            try:
                if node.get(CUT_SHORT):
                    raise BadRecord(_CUT_REASON)
                record = _mention(node, page, parent, kind, options)
            except BadRecord as err:
                yield Reject(position, locator, raw, str(err))
                continue
            page_names[page[0]] = page_names.get(page[0]) or page[1]
            yield Record(position, locator, raw, record)
    if position and not lists_comments:
        yield Partial(NO_COMMENTS_LISTED)
    # Declared last: a page's name may only show on a later post of the export.
    for page_id, name in page_names.items():
        yield Account("facebook", page_id, None, options.brand or name or page_id)


# A file in which no post or comment has a `comments` field was pulled without them (the
# Graph API's fields=message,created_time): it says nothing of the page's comments, and taken
# for a complete export every comment an earlier export held looked deleted.
NO_COMMENTS_LISTED = "no post or comment of the file lists its comments (no 'comments' field)"


# A post (or comment) the file breaks off inside may lack fields that came after the break;
# the comments under it that ended before the break are whole and load.
_CUT_REASON = ("the file breaks off inside this record, so fields after the break may be "
               "missing; its comments complete before the break were loaded")


def _nodes(value, locator: str) -> Iterator[tuple[str, dict, tuple | None, str | None, str]]:
    """(locator, post-or-comment, (page id, page name), parent id, kind) depth first."""
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        value, locator = value["data"], f"{locator}: data"
    posts = value if isinstance(value, list) else [value]
    for index, post in enumerate(posts):
        here = f"{locator}[{index}]" if isinstance(value, list) else locator
        if not isinstance(post, dict):
            yield here, {"_not_an_object": post}, None, None, "post"
            continue
        page = _page_of(post)
        yield here, post, page, None, "post"
        yield from _comments(post, here, page, "comment")


_PAGED = {}  # stands for the rest of a paged list of comments, which this file does not hold


def _comments(node: dict, locator: str, page, kind: str) -> Iterator[tuple]:
    comments = node.get("comments")
    items = comments.get("data") if isinstance(comments, dict) else comments
    if not isinstance(items, list):
        return
    if isinstance(comments, dict) and isinstance(comments.get("paging"), dict) and comments["paging"].get("next"):
        yield f"{locator}.comments.paging.next", _PAGED, page, None, kind
    parent = node.get("id")
    for index, comment in enumerate(items):
        here = f"{locator}.comments[{index}]"
        if not isinstance(comment, dict):
            yield here, {"_not_an_object": comment}, page, parent, kind
            continue
        yield here, comment, page, parent, kind
        yield from _comments(comment, here, page, "reply")


def _page_of(post: dict) -> tuple[str, str | None] | None:
    author = post.get("from") if isinstance(post.get("from"), dict) else {}
    post_id = str(post.get("id") or "")
    # Page post ids are 'PAGEID_POSTID'; an export of the page's own feed may omit 'from'.
    page_id = post_id.split("_", 1)[0] if "_" in post_id else author.get("id")
    if not page_id:
        return None
    page_name = author.get("name") if str(author.get("id")) == page_id else None
    if not isinstance(page_name, str):  # a page's own post with a name that is no text is refused
        page_name = None
    return str(page_id), page_name


# A Graph API post or comment has some of these; an object with none is another file's.
_NODE_KEYS = ("id", "message", "created_time", "from", "comments")


def _mention(node: dict, page, parent, kind: str, options: ParseOptions) -> dict:
    if "_not_an_object" in node:
        raise BadRecord("not a post or comment object")
    if not any(key in node for key in _NODE_KEYS):
        raise BadRecord(not_this_kind("a Facebook post or comment", node, _NODE_KEYS, "facebook-json"))
    if page is None:
        raise BadRecord("the post names no page (no 'PAGEID_POSTID' id and no 'from')")
    parent_id = clean_id(parent, "parent id")
    if kind != "post" and parent_id is None:
        raise BadRecord(_ORPHAN[kind])
    author = node.get("from") if isinstance(node.get("from"), dict) else {}
    author_id = clean_id(author.get("id"), "from.id")
    if author_id is None and kind == "post":
        author_id = page[0]  # the page's own feed export leaves 'from' out of its posts
    elif author_id is None and "from" not in node:
        author_id = _unknown_author(node)
    is_brand = author_id == page[0] or author_id in options.brand_accounts
    shares = node.get("shares")
    return mention(
        mention_id=qualify("facebook", clean_id(node.get("id"), "id")),
        platform="facebook",
        brand=options.brand,  # else the page's brand, resolved by the loader
        page=page[0],
        author_id=author_id,
        author_handle=author.get("name") or None,
        is_brand=is_brand,
        created_at=parse_time(node.get("created_time"), "created_time", options),
        text=clean_text(node.get("message"), "message"),
        kind=kind,
        parent_id=qualify("facebook", parent_id),
        likes=clean_count(node.get("like_count"), "like_count"),
        shares=clean_count(shares.get("count") if isinstance(shares, dict) else None, "shares.count"),
        replies=clean_count(node.get("comment_count"), "comment_count"),
    )


# A comment under a post with no id (or a reply under such a comment) ties to nothing: loaded,
# it was a conversation of its own, and one without 'from' was taken for the page's own post,
# a visitor's complaint counted as the brand's (a review).
_ORPHAN = {"comment": "the post it comments on has no id, so the comment cannot be tied to it",
           "reply": "the comment it replies to has no id, so the reply cannot be tied to it"}


# An unknown author's id starts so; a later export that names the author replaces it (etl/load.py).
UNKNOWN_AUTHOR = "facebook:unknown:"


def _unknown_author(comment: dict) -> str | None:
    """The author of a comment the Graph API gives without 'from' (a visitor's, for some tokens):
    unknown, and not the page's. mentions.author_id may not be NULL, and one id for them all
    would make them one customer whose reply to another's comment continues it (SPEC 4), so
    each comment's author is an id of its own, never a page's or an account's."""
    comment_id = clean_id(comment.get("id"), "id")
    return comment_id and f"{UNKNOWN_AUTHOR}{comment_id}"  # no id either: refused as it was


def _dump(node: dict) -> str:
    # The record itself, without the comments nested in it (they are records of their own).
    return json.dumps({k: v for k, v in node.items() if k not in ("comments", CUT_SHORT)},
                      ensure_ascii=False, default=str)
