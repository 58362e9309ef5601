"""The simulation of one chunk of history: customers write to a brand, its care team acts
by its policy, unanswered customers follow up, answered ones sometimes reply, and complaint
tweets spread through a self-exciting share process.

A chunk is (brand, platform, week) with its own seed, so its content never depends on how
the run batches its loads. Times are whole epoch seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .demo_text import Picker, Wording
from .demo_world import (COMPLAINT, END_TS, HOURS, INCIDENTS, INTENT_MIX, MAX_THREAD_SECONDS, QUESTION,
                         START_TS, Brand, BrandClock, Customers)

BRAND = -1                          # author of a message written by the brand
MAX_RESPONSE_SECONDS = 20 * 86400   # a care team that has not answered in 20 days never will
# Cascades: expected direct shares of a post = SHARE_RATE * author followers * boost.
SHARE_RATE = 1 / 1800
SHARE_BOOST = (1.0, 0.1, 0.35, 0.25)          # by intent of the root
UNANSWERED_BOOST = 2.5                        # an ignored complaint spreads further
QUOTE_SHARE = 0.15
_DELAY_SCALE, _DELAY_THETA, _DELAY_MAX = 600.0, 0.7, 14 * 86400.0   # power-law (Lomax) delays


@dataclass(slots=True)
class Message:
    t: int
    author: int               # customer index, or BRAND
    parent: int | None        # index of the message it replies to, within the thread
    text: str
    deleted: int | None = None  # when the brand removed it (facebook); its replies go with it


@dataclass(slots=True)
class Thread:
    intent: int
    customer: int
    messages: list[Message]
    answered_at: int | None   # first brand response, if any


@dataclass
class Chunk:
    brand: Brand
    platform: str
    clock: BrandClock
    customers: Customers
    wording: Wording
    rng: np.random.Generator
    cascade_cap: int
    picker: Picker = field(init=False)

    def __post_init__(self):
        self.picker = Picker(self.rng)

    @property
    def address(self) -> bool:
        # Tweets name the handle; comments on a page need not.
        return self.platform == "twitter"


# ----------------------------------------------------------------------------- roots

@dataclass
class Roots:
    t: np.ndarray
    intent: np.ndarray
    topic: np.ndarray
    customer: np.ndarray
    incident: list          # incident topic name or None, per root


def draw_roots(chunk: Chunk, hour_lo: int, hour_hi: int, per_weight: float) -> Roots:
    """Customer-initiated messages in hours [hour_lo, hour_hi): an inhomogeneous Poisson
    process following the brand's local time-of-week activity and its incidents."""
    hour_lo, hour_hi = max(hour_lo, 0), min(hour_hi, HOURS)
    rng, clock = chunk.rng, chunk.clock
    if hour_hi <= hour_lo:
        return Roots(*(np.zeros(0, np.int64) for _ in range(4)), [])
    activity = clock.activity[hour_lo:hour_hi]
    surge = clock.incident[hour_lo:hour_hi]
    # Incident hours carry extra volume: complaints about the incident.
    weights = activity * surge
    count = rng.poisson(per_weight * weights.sum())
    hours = hour_lo + rng.choice(len(weights), size=count, p=weights / weights.sum())
    t = START_TS + hours.astype(np.int64) * 3600 + rng.integers(0, 3600, count)
    order = np.argsort(t, kind="stable")
    t, hours = t[order], hours[order]
    mix = np.asarray(INTENT_MIX[chunk.brand.industry])
    intent = rng.choice(4, size=count, p=mix)
    from_incident = rng.random(count) < 1 - 1 / clock.incident[hours]
    intent[from_incident] = COMPLAINT
    topic = rng.integers(0, chunk.wording.topic_count(), count)
    customer = chunk.customers.sample(rng, count)
    names = _incident_names(chunk.brand)
    incident = [names.get(int(h)) if hit else None for h, hit in zip(hours, from_incident)]
    _famous_joins_incident(chunk, t, intent, customer, incident)
    return Roots(t, intent, topic, customer, incident)


def _incident_names(brand: Brand) -> dict[int, str]:
    names = {}
    for incident in INCIDENTS:
        if incident.brand == brand.index:
            first = (incident.start - START_TS) // 3600
            for h in range(first, min(first + int(incident.hours) + 72, HOURS)):
                names[h] = incident.topic
    return names


def _famous_joins_incident(chunk: Chunk, t, intent, customer, incident) -> None:
    """The first incident complaint two hours in comes from a famous account: the kind of
    post that turns a bad day into a wildfire."""
    for spec in INCIDENTS:
        if spec.brand != chunk.brand.index:
            continue
        late = np.nonzero((t >= spec.start + 7200) & (intent == COMPLAINT)
                          & np.array([name is not None for name in incident], dtype=bool))[0]
        if len(late) and t[late[0]] < spec.start + 6 * 3600:
            customer[late[0]] = spec.brand % 3  # one of the famous accounts


# ----------------------------------------------------------------------------- care

def respond(chunk: Chunk, t: int, intent: int, u: float, z: float, scale: float = 1.0) -> int | None:
    """When the brand answers a message sent at t, or None if it never does."""
    policy, clock = chunk.brand.policy, chunk.clock
    hour = min(max((t - START_TS) // 3600, 0), len(clock.is_open) - 1)
    closed = policy.office_hours and not clock.is_open[hour]
    chance = policy.p_answer_closed if closed else policy.p_answer[intent]
    if u >= chance * scale:
        return None
    delay = math.exp(math.log(policy.median_minutes * 60) + policy.sigma * z)
    local_hour = clock.hour[hour]
    if local_hour >= 22 or local_hour < 7:
        delay *= policy.night_factor
    answer = t + max(int(delay), 20)
    if policy.office_hours:
        start = t if closed else answer
        opening = int(clock.next_opening(start))
        if opening != start:       # picked up when the office opens
            answer = opening + int(delay) % 2400 + 60
    return answer if answer - t <= MAX_RESPONSE_SECONDS else None


def simulate_thread(chunk: Chunk, t0: int, intent: int, topic: int, customer: int,
                    incident: str | None, u: list[float], z: list[float],
                    can_delete: bool) -> Thread:
    """One customer's message and everything that follows it, in time order of creation."""
    p, words, policy = chunk.picker, chunk.wording, chunk.brand.policy
    address = chunk.address
    messages = [Message(t0, customer, None, words.customer_post(p, intent, topic, incident, address))]
    needs_reply = intent in (COMPLAINT, QUESTION)
    answer_at = respond(chunk, t0, intent, u[0], z[0])
    if needs_reply:
        _follow_ups(chunk, messages, answer_at, intent, u, z)
    if answer_at is not None:
        parent = max(i for i, m in enumerate(messages) if m.t < answer_at)
        deflect = needs_reply and u[3] < policy.p_deflect
        messages.append(Message(answer_at, BRAND, parent, _answer_text(chunk, intent, customer, deflect)))
        if needs_reply:
            _reply_back(chunk, messages, len(messages) - 1, customer, deflect, u, z)
    if can_delete and intent == COMPLAINT and u[7] < policy.p_delete_negative:
        low, high = policy.delete_days
        messages[0].deleted = t0 + int((low + (high - low) * u[8]) * 86400)
    return Thread(intent, customer, messages, answer_at)


def _follow_ups(chunk: Chunk, messages: list[Message], answer_at, intent: int, u, z) -> None:
    """Unanswered customers nudge: a reply to their own last message (the metrics' 'run')."""
    chances = (0.45, 0.3) if intent == COMPLAINT else (0.3, 0.2)
    t = messages[0].t
    for step, (chance, minutes) in enumerate(zip(chances, (150, 400))):
        t = t + int(math.exp(math.log(minutes * 60) + z[1 + step]))
        if u[1 + step] >= chance or (answer_at is not None and answer_at <= t):
            return
        text = chunk.wording.follow_up(chunk.picker, chunk.address)
        messages.append(Message(t, messages[0].author, len(messages) - 1, text))


def _reply_back(chunk: Chunk, messages: list[Message], answer: int, customer: int,
                deflected: bool, u, z) -> None:
    """Some customers answer the brand; an unhappy answer is a new request of its own."""
    if deflected:
        outcome = "deflected" if u[4] < 0.55 else None
    else:
        outcome = "good" if u[4] < 0.25 else "bad" if u[4] < 0.38 else None
    if outcome is None:
        return
    t = messages[answer].t + int(math.exp(math.log(25 * 60) + z[3]))
    text = chunk.wording.reply_back(chunk.picker, outcome, chunk.address)
    messages.append(Message(t, customer, answer, text))
    if outcome == "good":
        return
    again = respond(chunk, t, COMPLAINT, u[5], z[4], scale=0.7)
    if again is not None:
        deflect = u[6] < chunk.brand.policy.p_deflect
        messages.append(Message(again, BRAND, len(messages) - 1,
                                _answer_text(chunk, COMPLAINT, customer, deflect)))


def _answer_text(chunk: Chunk, intent: int, customer: int, deflect: bool) -> str:
    people = chunk.customers
    handle = people.handle(customer) if chunk.address else None
    return chunk.wording.answer(chunk.picker, intent, people.first_name(customer), deflect, handle)


def thread_randoms(chunk: Chunk, count: int) -> tuple[list, list]:
    """Per-root uniforms and normals, drawn in one go (slots used by simulate_thread)."""
    return chunk.rng.random((count, 9)).tolist(), chunk.rng.standard_normal((count, 5)).tolist()


# ----------------------------------------------------------------------------- cascades

@dataclass
class Shares:
    root: np.ndarray        # index of the root thread shared
    t: np.ndarray
    author: np.ndarray      # customer index
    quote: np.ndarray       # bool


def cascades(chunk: Chunk, threads: list[Thread]) -> Shares:
    """Retweets and quotes from a self-exciting process: every sharer's audience may share
    again at a rate proportional to its followers, after a power-law delay. Twitter
    flattens retweets, so every share points at the root."""
    rng, followers = chunk.rng, chunk.customers.followers
    n = len(threads)
    if n == 0:
        return Shares(*(np.zeros(0, np.int64) for _ in range(3)), np.zeros(0, bool))
    roots = np.arange(n)
    t = root_t0 = np.array([th.messages[0].t for th in threads], dtype=np.int64)
    intent = np.array([th.intent for th in threads])
    ignored = np.array([th.intent == COMPLAINT and (th.answered_at is None
                        or th.answered_at - th.messages[0].t > 7200) for th in threads])
    boost = np.asarray(SHARE_BOOST)[intent] * np.where(ignored, UNANSWERED_BOOST, 1.0)
    parent_f = followers[[th.customer for th in threads]].astype(float)
    size = np.zeros(n, dtype=np.int64)
    out_root, out_t, out_author = [], [], []
    generation = 0
    while len(roots) and generation < 30:
        expected = np.minimum(SHARE_RATE * parent_f * boost, chunk.cascade_cap)
        counts = rng.poisson(expected)
        child_root = np.repeat(roots, counts)
        child_t = np.repeat(t, counts) + _power_law_delays(rng, int(counts.sum()))
        keep = ((_rank_within(child_root) + size[child_root] < chunk.cascade_cap) & (child_t < END_TS)
                & (child_t - root_t0[child_root] <= MAX_THREAD_SECONDS))
        child_root, child_t = child_root[keep], child_t[keep]
        authors = chunk.customers.sample(rng, len(child_root))
        size += np.bincount(child_root, minlength=n)
        out_root.append(child_root), out_t.append(child_t), out_author.append(authors)
        roots, t, parent_f = child_root, child_t, followers[authors].astype(float)
        boost = np.full(len(roots), 0.6)   # the outrage of the original fades down the tree
        generation += 1
    root = np.concatenate(out_root) if out_root else np.zeros(0, np.int64)
    quote = rng.random(len(root)) < QUOTE_SHARE
    return Shares(root, np.concatenate(out_t) if out_t else root.copy(),
                  np.concatenate(out_author) if out_author else root.copy(), quote)


def _power_law_delays(rng: np.random.Generator, count: int) -> np.ndarray:
    """Lomax delays (heavy tail, most shares within the first hour), truncated at 14 days."""
    tail = 1 - (1 + _DELAY_MAX / _DELAY_SCALE) ** -_DELAY_THETA
    u = rng.random(count) * tail
    return (_DELAY_SCALE * ((1 - u) ** (-1 / _DELAY_THETA) - 1)).astype(np.int64) + 5


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of a grouped (repeat-built) array."""
    if len(groups) == 0:
        return groups
    starts = np.r_[0, np.nonzero(np.diff(groups))[0] + 1]
    lengths = np.diff(np.r_[starts, len(groups)])
    return np.arange(len(groups)) - np.repeat(starts, lengths)
