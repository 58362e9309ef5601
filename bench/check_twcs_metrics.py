"""Audit `metrics ghost-town --by brand --requests all` against an independent pandas
implementation of SPEC section 4, written from the SPEC text (not from the SQL models), on
the public twcs data.

    python3 bench/check_twcs_metrics.py [TWCS_CSV]

For every brand with >= 30 requests: requests, answered and ignored must agree within 3%
and the answered-only median response time within 5%. Prints one line per brand, the
figures, and the wall time of both implementations. Exits 0 with a message when the data
file is missing (it is never copied into the repository).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

DEFAULT = Path("/work/shared/data/twcs/twcs_head5000.csv")
HORIZON = pd.Timedelta(hours=72)
MIN_REQUESTS = 30
COUNT_TOLERANCE, MEDIAN_TOLERANCE = 0.03, 0.05
HANDLE = re.compile(r"(?<![\w@])@(\w{1,50})")


def independent(path: Path) -> pd.DataFrame:
    """SPEC 4 per brand, --requests all, as of the newest tweet, H = 72 h."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    tweets = pd.DataFrame({
        "id": raw["tweet_id"].str.strip(),
        "author": raw["author_id"].str.strip(),
        "is_brand": raw["inbound"].str.strip().str.lower() == "false",
        "time": pd.to_datetime(raw["created_at"], format="%a %b %d %H:%M:%S %z %Y", utc=True),
        "text": raw["text"],
        "parent": raw["in_response_to_tweet_id"].str.strip().str.replace(r"\.0$", "", regex=True),
    }).drop_duplicates("id")
    tweets["parent"] = tweets["parent"].where(tweets["parent"] != tweets["id"], "")
    brands = set(tweets.loc[tweets["is_brand"], "author"])
    by_id = tweets.set_index("id")
    brand = _attribute(by_id, brands)
    by_id["brand"] = pd.Series(brand)
    return _care(by_id)


def _attribute(t: pd.DataFrame, brands: set[str]) -> dict[str, str | None]:
    """Which brand each tweet concerns: a brand's own tweets its brand; a customer tweet the
    brand of the thread it replies into, else the first brand handle it names, else the
    brand that replied to it."""
    lower = {b.lower(): b for b in brands}
    replied_by = (t[t["is_brand"] & (t["parent"] != "")].sort_values("time")
                  .groupby("parent")["author"].first().to_dict())
    parent = t["parent"].to_dict()
    is_brand, author, text = t["is_brand"].to_dict(), t["author"].to_dict(), t["text"].to_dict()
    memo: dict[str, str | None] = {}

    def own(tid: str) -> str | None:
        if is_brand[tid]:
            return author[tid]
        for handle in HANDLE.findall(text[tid]):
            if handle.lower() in lower:
                return lower[handle.lower()]
        return replied_by.get(tid)

    for start in t.index:
        chain, tid = [], start
        while tid in t.index and tid not in memo and tid not in chain and len(chain) < 10_000:
            chain.append(tid)
            tid = parent[tid]
        inherited = memo.get(tid)
        for tid in reversed(chain):
            # A thread's brand flows down; a tweet without one falls back on its own clues.
            inherited = (author[tid] if is_brand[tid] else inherited) or own(tid)
            memo[tid] = inherited
    return memo


def _care(t: pd.DataFrame) -> pd.DataFrame:
    as_of = t["time"].max()
    inbound = t[~t["is_brand"] & t["brand"].notna()].sort_values(["time"])
    brand_replies = t[t["is_brand"] & (t["parent"] != "")]
    first_reply = brand_replies.groupby(["parent", "brand"])["time"].min().to_dict()
    request_of: dict[str, str] = {}
    for tid, row in inbound.iterrows():
        p = row["parent"]
        continues = (p in request_of and t.at[p, "author"] == row["author"]
                     and t.at[p, "brand"] == row["brand"] and t.at[p, "time"] <= row["time"]
                     and not (first_reply.get((p, row["brand"]), pd.NaT) < row["time"]))
        request_of[tid] = request_of[p] if continues else tid
    messages = pd.DataFrame({"message": list(request_of), "request": list(request_of.values())})
    messages["brand"] = t.loc[messages["request"], "brand"].to_numpy()
    messages["requested"] = t.loc[messages["request"], "time"].to_numpy()
    replies = brand_replies.reset_index()[["id", "parent", "brand", "time"]]
    joined = messages.merge(replies, left_on=["message", "brand"], right_on=["parent", "brand"])
    joined = joined[joined["time"] >= joined["requested"]]
    response = joined.groupby("request")["time"].min()
    requests = messages.drop_duplicates("request").set_index("request")
    requests["wait"] = response.reindex(requests.index) - requests["requested"]
    requests["answered"] = requests["wait"] <= HORIZON
    requests["ignored"] = ~requests["answered"] & (as_of - requests["requested"] >= HORIZON)
    requests["minutes"] = requests["wait"].dt.total_seconds() / 60
    per_brand = requests.groupby("brand").agg(
        requests=("requested", "size"), answered=("answered", "sum"), ignored=("ignored", "sum"),
        median=("minutes", lambda m: m[requests.loc[m.index, "answered"]].median()))
    return per_brand.astype({"requests": int, "answered": int, "ignored": int})


def ours(path: Path, db: Path) -> pd.DataFrame:
    run = [sys.executable, "-m", "etl"]
    subprocess.run(run + ["load", "twcs", str(path), "--db", str(db), "--quiet"], check=True,
                   stderr=subprocess.DEVNULL)
    out = subprocess.run(run + ["metrics", "ghost-town", "--by", "brand", "--requests", "all",
                                "--db", str(db)], check=True, capture_output=True, text=True)
    return pd.read_csv(io.StringIO(out.stdout)).set_index("brand")


def _within(a, b, tolerance) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return abs(a - b) <= tolerance * max(abs(b), 1e-9)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not path.is_file():
        print(f"{path}: not found; this check needs the public twcs CSV (not in the repo). "
              "Nothing checked.")
        return 0
    started = time.perf_counter()
    expected = independent(path)
    baseline = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        got = ours(path, Path(tmp) / "twcs.duckdb")
        elapsed = time.perf_counter() - started
    checked = expected[expected["requests"] >= MIN_REQUESTS].index
    failures = 0
    print(f"{'brand':<18}{'requests':>16}{'answered':>16}{'ignored':>16}{'median min':>22}  ok")
    for brand in checked:
        e, g = expected.loc[brand], got.loc[brand] if brand in got.index else None
        if g is None:
            print(f"{brand:<18} missing from metrics ghost-town")
            failures += 1
            continue
        ok = all(_within(g[c], e[c], COUNT_TOLERANCE) for c in ("requests", "answered", "ignored"))
        ok = ok and _within(g["median_response_minutes"], e["median"], MEDIAN_TOLERANCE)
        failures += not ok
        print(f"{brand:<18}{g['requests']:>8}/{int(e['requests']):<7}{g['answered']:>8}/{int(e['answered']):<7}"
              f"{g['ignored']:>8}/{int(e['ignored']):<7}{g['median_response_minutes']:>11.2f}/"
              f"{e['median']:<10.2f}  {'yes' if ok else 'NO'}")
    total = got["requests"].sum(), expected["requests"].sum()
    print(f"\n{len(checked)} brands with >= {MIN_REQUESTS} requests checked, {failures} disagree "
          f"(ours/independent); all brands: {total[0]}/{total[1]} requests")
    print(f"independent pandas: {baseline:.2f}s; load + metrics CLI: {elapsed:.2f}s "
          f"(ratio {elapsed / baseline:.2f})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
