"""A canonical-CSV history of N mentions for benchmarks, generated with numpy in chunks.

Customer complaints and questions to 8 fictional brands, some answered by the brand after
a delay, some followed up by the customer, some shared. It is a load generator for timing,
not a realistic world: `python -m etl demo` is the realistic one."""

from __future__ import annotations

import argparse
import csv
import sys

import numpy as np

BRANDS = [f"Bench Brand {i}" for i in range(8)]
OPENERS = ["my order never arrived", "still waiting for a refund", "app keeps crashing",
           "charged twice this month", "flight delayed again", "love the new update",
           "how do I change my plan", "no signal since this morning", "thanks for the quick fix",
           "on hold for an hour", "package arrived damaged", "where is my parcel"]
REPLIES = ["Sorry about that, we have fixed it now.", "Please DM us your account number.",
           "Thanks, glad it worked out!", "Could you call us on the number in our bio?"]
# Real texts are nearly all distinct: an order number and a detail keep a text-hash cache honest.
DETAILS = ["", "and nobody answers", "this is ridiculous", "please help", "really disappointed",
           "three days now", "😡", "thanks anyway", "any update?", "not happy at all",
           "customer for 10 years", "is anyone there?"]
START = np.datetime64("2025-01-01T00:00:00")
# Mentions are 18 s apart (about 7 months for 1M) up to 1.2M; beyond, closer together, so any
# size ends in the past (the loader quarantines mentions dated in the future).
STEP_TENTHS, SPAN_TENTHS = 180, 180 * 1_200_000


def write(path: str, mentions: int, seed: int = 1, chunk: int = 200_000, first: int = 0,
          reach_back: bool = False) -> None:
    """Mentions first .. first + mentions - 1. Parents and shares point only inside that
    range, or with reach_back also at the 49 mentions before it (an increment that answers
    and continues the history it follows)."""
    floor = 0 if reach_back else first
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["mention_id", "platform", "brand", "page", "author_id", "author_handle",
                      "author_followers", "is_brand", "created_at", "text", "kind", "parent_id",
                      "shared_id"])
        written = 0
        while written < mentions:
            n = min(chunk, mentions - written)
            out.writerows(_rows(rng, first + written, n, floor, _step(first + mentions)))
            written += n


def _step(total: int) -> int:
    """Tenths of a second between consecutive mentions of a history of `total`."""
    return max(1, min(STEP_TENTHS, SPAN_TENTHS // max(total, 1)))


def _rows(rng, first: int, n: int, floor: int = 0, step_tenths: int = STEP_TENTHS):
    ids = np.arange(first, first + n)
    brand = rng.integers(0, len(BRANDS), n)
    role = rng.choice(4, n, p=[0.5, 0.25, 0.15, 0.10])  # post, brand reply, follow-up, share
    offset = rng.integers(1, 50, n)
    parent = np.maximum(ids - offset, floor)
    seconds = (ids * step_tenths // 10) + rng.integers(0, 3600, n)
    followers = (rng.pareto(1.2, n) * 50).astype(np.int64)
    opener = rng.integers(0, len(OPENERS), n)
    reply = rng.integers(0, len(REPLIES), n)
    detail = rng.integers(0, len(DETAILS), n)
    order = rng.integers(10_000, 10_000_000, n)
    for i in range(n):
        b = BRANDS[brand[i]]
        handle = "@" + b.replace(" ", "")
        when = str(START + np.timedelta64(int(seconds[i]), "s")) + "Z"
        mid = f"twitter:{ids[i]}"
        if role[i] == 1 and ids[i] > floor:
            yield [mid, "twitter", b, handle, f"brand{brand[i]}", handle[1:], 50000, "true", when,
                   REPLIES[reply[i]], "reply", f"twitter:{parent[i]}", ""]
        elif role[i] == 2 and ids[i] > floor:
            yield [mid, "twitter", b, handle, f"c{ids[i] % 50000}", "", followers[i], "false", when,
                   f"{handle} {OPENERS[opener[i]]} still nothing, order {order[i]} {DETAILS[detail[i]]}", "reply", f"twitter:{parent[i]}", ""]
        elif role[i] == 3 and ids[i] > floor:
            yield [mid, "twitter", b, handle, f"c{(ids[i] * 7) % 50000}", "", followers[i], "false",
                   when, f"RT {OPENERS[opener[i]]}", "share", "", f"twitter:{parent[i]}"]
        else:
            yield [mid, "twitter", b, handle, f"c{ids[i] % 50000}", "", followers[i], "false", when,
                   f"{handle} {OPENERS[opener[i]]}, order {order[i]} {DETAILS[detail[i]]} #{ids[i] % 97}", "post", "", ""]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="first mention number (for increments)")
    parser.add_argument("--reach-back", action="store_true", help="parents may precede --first")
    args = parser.parse_args()
    write(args.out, args.mentions, args.seed, first=args.first, reach_back=args.reach_back)
    print(f"wrote {args.mentions:,} mentions to {args.out}", file=sys.stderr)
