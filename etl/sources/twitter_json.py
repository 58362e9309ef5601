"""Tweet objects: API v1.1 (one per line, or search responses) and API v2 responses.

v1.1 embeds the shared tweet in `retweeted_status` / `quoted_status`; v2 lists referenced
tweets under `includes.tweets` and authors under `includes.users`. An embedded tweet is a
record of its own (a cascade needs its root), read once however many tweets embed it; one
the file also carries at top level is not read again, so neither read nor duplicate counts
it: an embedded copy's text may differ from the tweet's own (an anonymised export's do), and
counted as records such copies would be quarantined as conflicts with the tweet's id (17 of a
public sample's 359 tweets, a complete load made partial).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
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
            raw = item.raw if locator == item.locator and item.raw else None
            if isinstance(tweet, _Unreadable):
                yield Reject(next(counter), locator, raw or _dump(tweet.value), tweet.reason)
                continue
            tweet_id = _tweet_id(tweet)
            # An embedded tweet with no id is no copy of another: refused on its own (as "id is
            # missing"), where all of them shared one key and all but the first were lost.
            if is_embedded and tweet_id is not None:
                embedded.setdefault(tweet_id, (locator, tweet, users))
                continue
            top_level.add(tweet_id)
            yield from _emit(next(counter), locator, raw or _dump(tweet), tweet, users, options, declared)
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


@dataclass(slots=True)
class _Unreadable:
    """A value where a tweet or an include should be, and its reason: quarantined, where
    read as a tweet it failed the whole load with a traceback (a review)."""
    value: object
    reason: str


_NOT_A_TWEET = "not a tweet object"


def _tweet_id(tweet: dict) -> str | None:
    tweet_id = tweet.get("id_str") or tweet.get("id")
    return None if tweet_id is None else str(tweet_id)


def _tweets(value, locator: str) -> Iterator[tuple[str, dict, dict, bool]]:
    """(locator, tweet, users by id, embedded?) for every tweet in one JSON value."""
    if isinstance(value, list):
        for index, element in enumerate(value):
            yield from _tweets(element, f"{locator}[{index}]")
        return
    if not isinstance(value, dict):
        yield locator, _Unreadable(value, _NOT_A_TWEET), {}, False
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
    includes = value.get("includes", {})
    if not isinstance(includes, dict):
        yield f"{locator}: includes", _Unreadable(includes, _NOT_INCLUDES), {}, False
        includes = {}
    users = {}
    for where, user in _included(includes, "users", f"{locator}: includes.users"):
        if isinstance(user, _Unreadable):
            yield where, user, {}, False
        else:
            users[str(user.get("id"))] = user
    key = "data" if "data" in value else "statuses"
    tweets = value[key] if isinstance(value[key], list) else [value[key]]
    for index, tweet in enumerate(tweets):
        yield from _with_embedded(tweet, f"{locator}: {key}[{index}]", users)
    for where, tweet in _included(includes, "tweets", f"{locator}: includes.tweets"):
        yield where, tweet, users, True


_NOT_INCLUDES = "includes is not an object with lists of users and tweets: none of them is read"
# The users of a response are no mentions, but its tweets' authors: without them a tweet
# loads with no handle and no follower count, which the reasons say.
_NO_AUTHORS = "this response's tweets load without their authors' handles and follower counts"
_NOT_LISTED = {"users": f"includes.users is not a list of user objects: {_NO_AUTHORS}",
               "tweets": "includes.tweets is not a list of tweet objects: none of them is read"}
_NOT_AN_OBJECT = {"users": "not a user object: a tweet by the user it stands for loads without a handle "
                           "and follower count",
                  "tweets": _NOT_A_TWEET}


def _included(includes: dict, key: str, locator: str) -> Iterator[tuple[str, dict | _Unreadable]]:
    """(locator, object) for each of a response's included users or tweets; an _Unreadable
    for each that is not an object, or for the whole list when it is no list."""
    listed = includes.get(key, [])
    if not isinstance(listed, list):
        yield locator, _Unreadable(listed, _NOT_LISTED[key])
        return
    for index, element in enumerate(listed):
        yield (f"{locator}[{index}]",
               element if isinstance(element, dict) else _Unreadable(element, _NOT_AN_OBJECT[key]))


def _with_embedded(tweet, locator: str, users: dict, embedded: bool = False) -> Iterator[tuple]:
    if not isinstance(tweet, dict):
        yield locator, _Unreadable(tweet, _NOT_A_TWEET), users, embedded
        return
    yield locator, tweet, users, embedded
    for key in ("retweeted_status", "quoted_status"):
        if isinstance(tweet.get(key), dict):
            yield from _with_embedded(tweet[key], f"{locator}: {key}", users, True)


# A tweet has some of these (API v1.1 or v2); an object with none is another file's (a user
# review read 'created_at is missing' for a JSON file of another kind altogether).
_TWEET_KEYS = ("id", "id_str", "text", "full_text", "created_at", "user", "author_id")


def _mention(tweet: dict, users: dict, options: ParseOptions) -> dict:
    if not any(key in tweet for key in _TWEET_KEYS):
        raise BadRecord(not_this_kind("a tweet", tweet, _TWEET_KEYS, "twitter-json"))
    if "user" in tweet or "id_str" in tweet:
        return _v1(tweet, options)
    return _v2(tweet, users, options)


def _v1(tweet: dict, options: ParseOptions) -> dict:
    user = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
    author = clean_id(user.get("id_str") or user.get("id"), "user.id")
    handle = user.get("screen_name") or None
    shared = _embedded(tweet, "retweeted_status")
    quoted_status = _embedded(tweet, "quoted_status") or {}
    quoted = tweet.get("quoted_status_id_str") or quoted_status.get("id_str")
    parent = clean_id(tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"),
                      "in_reply_to_status_id")
    if shared is not None:
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
    refs = _references(tweet.get("referenced_tweets"))
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


def _embedded(tweet: dict, key: str) -> dict | None:
    """The tweet a v1.1 tweet retweets or quotes, None when it has none."""
    shared = tweet.get(key)
    if shared is not None and not isinstance(shared, dict):
        raise BadRecord(f"{key} is not a tweet object: {_dump(shared)[:40]}")
    return shared


def _references(refs) -> dict:
    """A v2 tweet's referenced_tweets, {type: id}."""
    if refs is None:
        return {}
    if not isinstance(refs, list) or not all(isinstance(ref, dict) for ref in refs):
        raise BadRecord(f"referenced_tweets is not a list of objects: {_dump(refs)[:40]}")
    return {ref.get("type"): ref.get("id") for ref in refs}


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
    # a handle that is no text is refused by mention(), not lower-cased here
    return bool(wanted) and (str(author).lower() in wanted or isinstance(handle, str) and handle.lower() in wanted)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
