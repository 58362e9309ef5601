"""Turning simulated chunks into export rows: tweet ids and CSV rows for Twitter, post and
comment trees for Facebook pages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .demo_export import FacebookPulls, Node, TwitterMonths, iso
from .demo_sim import (BRAND, Chunk, Thread, cascades, draw_roots, simulate_thread, thread_randoms)
from .demo_text import retweet_text
from .demo_world import (END_TS, HOURS, INCIDENTS, START_TS, Brand, BrandClock)

_TWITTER_EPOCH_MS = 1288834974657
VISITOR_POST_SHARE = 0.15        # facebook messages posted on the page rather than under a post
OLDER_POST_SHARE = 0.15          # comments left under the post before the latest one


def brand_followers(brand: Brand) -> int:
    return int(120_000 * brand.volume ** 2)


class TweetIds:
    """Snowflake-style ids: time in the high bits so ids sort like time, unique per chunk."""

    def __init__(self, code: int):
        self.code, self.sequence = code, 0

    def next(self, ts: int) -> str:
        seq = self.sequence
        self.sequence += 1
        ms = ts * 1000 + (seq >> 12) % 1000 - _TWITTER_EPOCH_MS
        return str((ms << 22) | (self.code << 12) | (seq & 0xFFF))


# ----------------------------------------------------------------------------- twitter

def twitter_chunk(chunk: Chunk, week: int, per_weight: float, out: TwitterMonths) -> int:
    """Simulate one brand-week on Twitter and write its tweets; returns rows written."""
    roots = draw_roots(chunk, week * 168, (week + 1) * 168, per_weight)
    uniforms, normals = thread_randoms(chunk, len(roots.t))
    threads = [simulate_thread(chunk, int(roots.t[i]), int(roots.intent[i]), int(roots.topic[i]),
                               int(roots.customer[i]), roots.incident[i], uniforms[i], normals[i], False)
               for i in range(len(roots.t))]
    shares = cascades(chunk, threads)
    ids = TweetIds(chunk.brand.index * 40 + week)
    share_counts = np.bincount(shares.root, minlength=len(threads))
    likes = chunk.rng.poisson(0.3 + 0.004 * chunk.customers.followers[roots.customer]
                              * (roots.intent != 1))
    written = 0
    root_ids = []
    for i, thread in enumerate(threads):
        root_ids.append(None)
        ids_here = []
        for j, message in enumerate(thread.messages):
            if message.t >= END_TS:
                break
            mention_id = ids.next(message.t)
            ids_here.append(mention_id)
            parent = None if message.parent is None else ids_here[message.parent]
            counters = ((int(likes[i]), int(share_counts[i]), len(thread.messages) - 1) if j == 0
                        else ("", "", ""))
            out.write(_tweet_row(chunk, message, mention_id, "post" if j == 0 else "reply", parent,
                                 None, counters))
            written += 1
        root_ids[-1] = ids_here[0] if ids_here else None
    written += _write_shares(chunk, threads, shares, root_ids, ids, out)
    written += _status_tweets(chunk, week, ids, out)
    return written


def _tweet_row(chunk: Chunk, message, mention_id: str, kind: str, parent: str | None,
               shared: str | None, counters=("", "", "")) -> tuple:
    brand, people = chunk.brand, chunk.customers
    if message.author == BRAND:
        author = (brand.twitter_id, brand.handle, brand_followers(brand), True)
    else:
        c = message.author
        author = (people.twitter_id(c), people.handle(c), int(people.followers[c]), False)
    return (mention_id, "twitter", brand.name, f"@{brand.handle}", *author, message.t, message.text,
            kind, parent or "", shared or "", *counters)


class _Share:
    __slots__ = ("t", "author", "parent", "text")

    def __init__(self, t, author, text):
        self.t, self.author, self.parent, self.text = t, author, None, text


def _write_shares(chunk: Chunk, threads: list[Thread], shares, root_ids, ids: TweetIds,
                  out: TwitterMonths) -> int:
    order = np.argsort(shares.t, kind="stable")
    people, written = chunk.customers, 0
    for k in order:
        root = int(shares.root[k])
        shared_id = root_ids[root]
        if shared_id is None:
            continue
        first = threads[root].messages[0]
        if shares.quote[k]:
            text, kind = chunk.wording.quote(chunk.picker), "quote"
        else:
            text, kind = retweet_text(people.handle(first.author), first.text), "share"
        message = _Share(int(shares.t[k]), int(shares.author[k]), text)
        out.write(_tweet_row(chunk, message, ids.next(message.t), kind, None, shared_id))
        written += 1
    return written


def _status_tweets(chunk: Chunk, week: int, ids: TweetIds, out: TwitterMonths) -> int:
    """A brand that is not a ghost town tells its followers when something is broken."""
    written = 0
    for incident in INCIDENTS:
        posted = incident.start + 45 * 60
        if (incident.brand == chunk.brand.index and (posted - START_TS) // (168 * 3600) == week
                and chunk.brand.policy.name != "ghost-town"):
            message = _Share(posted, BRAND, chunk.wording.status_post(incident.topic))
            out.write(_tweet_row(chunk, message, ids.next(posted), "post", None, None))
            written += 1
    return written


# ----------------------------------------------------------------------------- facebook

@dataclass
class PostSchedule:
    """When a page publishes its own posts (the containers customers comment under)."""
    times: np.ndarray

    @classmethod
    def build(cls, clock: BrandClock, count: int, rng: np.random.Generator) -> "PostSchedule":
        days = HOURS // 24
        day = np.sort(rng.integers(0, days, count))
        day[0] = 0
        local_hour = 9 + rng.random(count) * 10
        at_midnight = clock.hour[day * 24].astype(float)
        offset = np.where(at_midnight > 12, at_midnight - 24, at_midnight)
        seconds = ((local_hour - offset) * 3600).astype(np.int64)
        times = np.clip(START_TS + day.astype(np.int64) * 86400 + seconds, START_TS, END_TS - 3600)
        return cls(np.sort(times))


def facebook_chunk(chunk: Chunk, week: int, per_weight: float, schedule: PostSchedule,
                   out: FacebookPulls) -> int:
    """Simulate one brand-week on the brand's page: its posts of the week, the comments they
    collect until the next post, visitor posts, and every reply, removal and follow-up."""
    lo = np.searchsorted(schedule.times, START_TS + week * 168 * 3600)
    hi = np.searchsorted(schedule.times, START_TS + (week + 1) * 168 * 3600)
    if hi <= lo:
        return 0
    first_hour = -(-(int(schedule.times[lo]) - START_TS) // 3600)
    end_hour = HOURS if hi >= len(schedule.times) else -(-(int(schedule.times[hi]) - START_TS) // 3600)
    roots = draw_roots(chunk, first_hour, end_hour, per_weight)
    count = len(roots.t)
    visitor = chunk.rng.random(count) < VISITOR_POST_SHARE
    under = np.searchsorted(schedule.times, roots.t, side="right") - 1
    older = (chunk.rng.random(count) < OLDER_POST_SHARE) & (under > lo)
    under = np.clip(under - older, lo, hi - 1)
    uniforms, normals = thread_randoms(chunk, count)
    can_delete = chunk.brand.policy.p_delete_negative > 0
    page = chunk.brand.page_id
    posts = {i: _brand_post(chunk, i, int(schedule.times[i])) for i in range(lo, hi)}
    sequence = iter(range(1, 1 << 40))
    written = len(posts)
    for i in range(count):
        thread = simulate_thread(chunk, int(roots.t[i]), int(roots.intent[i]), int(roots.topic[i]),
                                 int(roots.customer[i]), roots.incident[i], uniforms[i], normals[i],
                                 can_delete)
        if visitor[i]:
            number = 2_000_000_000_000 + (chunk.brand.index * 40 + week) * 10_000_000 + next(sequence)
            tree = _thread_nodes(chunk, thread, f"{page}_{number}", str(number), sequence)
            if tree is not None:
                out.add(page, tree)
        else:
            post = posts[int(under[i])]
            number = post.data["id"].split("_", 1)[1]
            tree = _thread_nodes(chunk, thread, f"{number}_{next(sequence)}", number, sequence)
            if tree is not None:
                post.children.append(tree)
        written += _size(tree)
    for post in posts.values():
        out.add(page, post)
    return written


def _brand_post(chunk: Chunk, index: int, ts: int) -> Node:
    brand = chunk.brand
    # Comment ids are '<post number>_<n>' without the page, so post numbers differ across pages.
    number = (brand.index + 1) * 1_000_000_000 + index
    data = {"id": f"{brand.page_id}_{number}", "created_time": iso(ts, "+0000"),
            "from": {"id": brand.page_id, "name": brand.name},
            "message": chunk.wording.brand_post(chunk.picker),
            "like_count": int(chunk.rng.poisson(40 * brand.volume)),
            "shares": {"count": int(chunk.rng.poisson(4))}}
    return Node(ts, None, data)


def _thread_nodes(chunk: Chunk, thread: Thread, root_id: str, number: str, sequence) -> Node | None:
    """The thread as nested nodes: each message under the one it replies to."""
    nodes: list[Node | None] = []
    for index, message in enumerate(thread.messages):
        if message.t >= END_TS:
            nodes.append(None)
            continue
        node_id = root_id if index == 0 else f"{number}_{next(sequence)}"
        deleted = message.deleted if message.deleted is not None and message.deleted < END_TS else None
        node = Node(message.t, deleted, {"id": node_id, "created_time": iso(message.t, "+0000"),
                                         "from": _author(chunk, message.author), "message": message.text})
        nodes.append(node)
        if message.parent is not None and nodes[message.parent] is not None:
            nodes[message.parent].children.append(node)
    return nodes[0]


def _author(chunk: Chunk, author: int) -> dict:
    if author == BRAND:
        return {"id": chunk.brand.page_id, "name": chunk.brand.name}
    return {"id": chunk.customers.facebook_id(author), "name": chunk.customers.display_name(author)}


def _size(node: Node | None) -> int:
    return 0 if node is None else 1 + sum(_size(c) for c in node.children)


def schedule_size(expected_mentions: float) -> int:
    """Page posts: about 3% of a page's mentions, one a week at least, three a day at most."""
    return int(min(max(0.03 * expected_mentions, 30), 3 * HOURS // 24))

