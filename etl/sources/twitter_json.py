"""Tweet objects: API v1.1 (one per line, or search responses) and API v2 responses.

v1.1 embeds the shared tweet in `retweeted_status` / `quoted_status`; v2 lists referenced
tweets under `includes.tweets` and authors under `includes.users`. Embedded tweets are
records of their own (a cascade needs its root); one that is also present at top level
is counted as a duplicate by the loader.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

from .jsonio import read_json
from .records import (Account, BadRecord, Blank, ParseOptions, Record, Reject, clean_count,
                      clean_id, clean_text, mention, not_this_kind, parse_time, qualify,
                      unescape_tweet)


def parse(path: Path, options: ParseOptions) -> Iterator[Record | Reject | Account | Blank]:
    counter = itertools.count(1)
    declared: set[str] = set()
    top_level: set[str] = set()
    embedded: dict[str, tuple[str, dict, dict]] = {}
    for item in read_json(path):
        if item.blank:
            yield Blank(0)
            continue
        if item.problem:
            yield Reject(next(counter), item.locator, item.raw, item.problem)
            continue
        for locator, tweet, users, is_embedded in _tweets(item.value, item.locator):
            if is_embedded:
                embedded.setdefault(_tweet_id(tweet), (locator, tweet, users))
                continue
            top_level.add(_tweet_id(tweet))
            raw = item.raw if locator == item.locator and item.raw else _dump(tweet)
            yield from _emit(next(counter), locator, raw, tweet, users, options, declared)
    # An embedded (retweeted, quoted, included) tweet is a record of its own only when the
    # file does not also carry it at top level: a cascade needs its root, the count does not
    # need it twice.
    for tweet_id, (locator, tweet, users) in embedded.items():
        if tweet_id not in top_level:
            yield from _emit(next(counter), locator, _dump(tweet), tweet, users, options, declared)


def _emit(position, locator, raw, tweet, users, options, declared) -> Iterator[Record | Reject | Account]:
    try:
        record = _mention(tweet, users, options)
    except BadRecord as err:
        yield Reject(position, locator, raw, str(err))
        return
    if record["is_brand"] and record["author_id"] not in declared:
        declared.add(record["author_id"])
        yield Account("twitter", record["author_id"], record["author_handle"],
                      options.brand or record["author_handle"] or record["author_id"])
    yield Record(position, locator, raw, record)


def _tweet_id(tweet: dict) -> str:
    return str(tweet.get("id_str") or tweet.get("id"))


def _tweets(value, locator: str) -> Iterator[tuple[str, dict, dict, bool]]:
    """(locator, tweet, users by id, embedded?) for every tweet in one JSON value."""
    if isinstance(value, list):
        for index, element in enumerate(value):
            yield from _tweets(element, f"{locator}[{index}]")
        return
    if not isinstance(value, dict):
        yield locator, {"_not_an_object": value}, {}, False
        return
    if "data" in value or "statuses" in value:
        yield from _response(value, locator)
        return
    if _empty_page(value):
        return
    yield from _with_embedded(value, locator, {})


def _empty_page(value: dict) -> bool:
    """A v2 response page with no results: its meta and no data at all (a page with `data: []`
    is read as a response of none). Paged searches write one where a page found nothing;
    read as a tweet it was quarantined and the load partial, though nothing was lost."""
    return "meta" in value and not any(key in value for key in _TWEET_KEYS)


def _response(value: dict, locator: str) -> Iterator[tuple[str, dict, dict, bool]]:
    includes = value.get("includes") if isinstance(value.get("includes"), dict) else {}
    users = {str(u.get("id")): u for u in includes.get("users", []) if isinstance(u, dict)}
    key = "data" if "data" in value else "statuses"
    tweets = value[key] if isinstance(value[key], list) else [value[key]]
    for index, tweet in enumerate(tweets):
        yield from _with_embedded(tweet, f"{locator}: {key}[{index}]", users)
    for index, tweet in enumerate(includes.get("tweets", [])):
        yield f"{locator}: includes.tweets[{index}]", tweet, users, True


def _with_embedded(tweet, locator: str, users: dict, embedded: bool = False) -> Iterator[tuple]:
    if not isinstance(tweet, dict):
        yield locator, {"_not_an_object": tweet}, users, embedded
        return
    yield locator, tweet, users, embedded
    for key in ("retweeted_status", "quoted_status"):
        if isinstance(tweet.get(key), dict):
            yield from _with_embedded(tweet[key], f"{locator}: {key}", users, True)


# A tweet has some of these (API v1.1 or v2); an object with none is another file's (a user
# review read 'created_at is missing' for a JSON file of another kind altogether).
_TWEET_KEYS = ("id", "id_str", "text", "full_text", "created_at", "user", "author_id")


def _mention(tweet: dict, users: dict, options: ParseOptions) -> dict:
    if "_not_an_object" in tweet:
        raise BadRecord("not a tweet object")
    if not any(key in tweet for key in _TWEET_KEYS):
        raise BadRecord(not_this_kind("a tweet", tweet, _TWEET_KEYS, "twitter-json"))
    if "user" in tweet or "id_str" in tweet:
        return _v1(tweet, options)
    return _v2(tweet, users, options)


def _v1(tweet: dict, options: ParseOptions) -> dict:
    user = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
    author = clean_id(user.get("id_str") or user.get("id"), "user.id")
    handle = user.get("screen_name") or None
    shared = tweet.get("retweeted_status")
    quoted = tweet.get("quoted_status_id_str") or (tweet.get("quoted_status") or {}).get("id_str")
    parent = clean_id(tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"),
                      "in_reply_to_status_id")
    if isinstance(shared, dict):
        kind, shared_id = "share", clean_id(shared.get("id_str") or shared.get("id"), "retweeted_status.id")
    elif quoted:
        kind, shared_id = "quote", clean_id(quoted, "quoted_status_id")
    else:
        kind, shared_id = ("reply" if parent else "post"), None
    extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) else {}
    return _common(
        options, author=author, handle=handle,
        mention_id=clean_id(tweet.get("id_str") or tweet.get("id"), "id"),
        followers=clean_count(user.get("followers_count"), "user.followers_count"),
        created_at=tweet.get("created_at"),
        text=extended.get("full_text") or tweet.get("full_text") or tweet.get("text"),
        kind=kind, parent=parent, shared=shared_id,
        likes=tweet.get("favorite_count"), shares=tweet.get("retweet_count"),
        replies=tweet.get("reply_count"),
    )


def _v2(tweet: dict, users: dict, options: ParseOptions) -> dict:
    author = clean_id(tweet.get("author_id"), "author_id")
    user = users.get(str(author), {}) if author else {}
    refs = {r.get("type"): r.get("id") for r in tweet.get("referenced_tweets") or []
            if isinstance(r, dict)}
    parent = clean_id(refs.get("replied_to"), "referenced_tweets.replied_to")
    if refs.get("retweeted"):
        kind, shared = "share", clean_id(refs["retweeted"], "referenced_tweets.retweeted")
    elif refs.get("quoted"):
        kind, shared = "quote", clean_id(refs["quoted"], "referenced_tweets.quoted")
    else:
        kind, shared = ("reply" if parent else "post"), None
    metrics = tweet.get("public_metrics") if isinstance(tweet.get("public_metrics"), dict) else {}
    user_metrics = user.get("public_metrics") if isinstance(user.get("public_metrics"), dict) else {}
    # a long tweet's "text" is cut at about 280 characters; note_tweet holds the whole, as
    # extended_tweet does in v1.1
    note = tweet.get("note_tweet") if isinstance(tweet.get("note_tweet"), dict) else {}
    return _common(
        options, author=author, handle=user.get("username") or None,
        mention_id=clean_id(tweet.get("id"), "id"),
        followers=clean_count(user_metrics.get("followers_count"), "followers_count"),
        created_at=tweet.get("created_at"), text=note.get("text") or tweet.get("text"),
        kind=kind, parent=parent, shared=shared,
        likes=metrics.get("like_count"), shares=metrics.get("retweet_count"),
        replies=metrics.get("reply_count"),
    )


def _common(options: ParseOptions, *, author, handle, mention_id, followers, created_at, text,
            kind, parent, shared, likes, shares, replies) -> dict:
    is_brand = _is_brand_account(author, handle, options)
    return mention(
        mention_id=qualify("twitter", mention_id), platform="twitter",
        brand=options.brand if is_brand or options.brand else None,
        page=f"@{handle}" if is_brand and handle else None,
        author_id=author, author_handle=handle, author_followers=followers,
        is_brand=is_brand or None,  # None: decided from known brand accounts in the loader
        created_at=parse_time(created_at, "created_at", options),
        text=unescape_tweet(clean_text(text)), kind=kind,
        parent_id=qualify("twitter", parent), shared_id=qualify("twitter", shared),
        likes=clean_count(likes, "like count"), shares=clean_count(shares, "retweet count"),
        replies=clean_count(replies, "reply count"),
    )


def _is_brand_account(author: str | None, handle: str | None, options: ParseOptions) -> bool:
    wanted = {a.lstrip("@").lower() for a in options.brand_accounts}
    return bool(wanted) and (str(author).lower() in wanted or (handle or "").lower() in wanted)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
