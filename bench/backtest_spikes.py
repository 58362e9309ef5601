"""Back-test the spike alerts on a warehouse's own history: which known incidents they catch
and how soon, how many alarms they raise outside them, and how large an injected incident
must be to be caught.

    python bench/backtest_spikes.py --db data/reputation.duckdb [--trials 200] [--seed 0]

The alerts are the Trends page's own, in UTC over all dates: its counts (app.trends.spike_counts:
negative customer mentions per brand and UTC hour or day, shares included, each brand's days with
data and its first bucket) judged by its rule (app.trends.judge_spikes: etl.spikes.judge, 4
trailing weeks of the same weekday and hour, no alert on a baseline without days with data,
etl.spikes.MIN_BASELINE_DAYS_WITH_DATA), injected incidents too. Known
incidents are the demo generator's (etl.demo_world.INCIDENTS), so the first two tables need
a demo warehouse (`python -m etl demo`); the injection table works on any history with more
than four weeks. The real files in ../shared/data are too short for a 4-week baseline
(airline: nine days; twcs: a 5,000-tweet sample), so they are not used here.

An alarm outside the known incidents is "one cascade" when half or more of its bucket's
negative mentions belong to one share/reply cascade (a complaint going viral: worth an
alert) and "unexplained" otherwise (a false alarm as far as this history can tell).
"""

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import trends  # noqa: E402
from app.filters import Filters  # noqa: E402
from etl import spikes, warehouse  # noqa: E402
from etl.demo_world import BRANDS, INCIDENTS  # noqa: E402

UNITS = trends.UNITS
EVERY_MENTION_IN_UTC = Filters(tz="UTC")  # all dates, brands, platforms and pages
BASELINE_WEEKS = spikes.BASELINE_WEEKS  # as the dashboard
# the terms the Trends page quotes (app.trends.BACKTEST_NOTE)
INCIDENT_TAIL_HOURS = spikes.BACKTEST_TAIL_HOURS
ONE_CASCADE_SHARE = spikes.BACKTEST_ONE_CASCADE_SHARE
RATIOS = spikes.BACKTEST_RATIOS


def known_incidents(brands: list[str]) -> pd.DataFrame:
    """The demo's incidents whose brand is in this history: brand, start, end (UTC, naive,
    like the count table's buckets)."""
    rows = []
    for incident in INCIDENTS:
        name = BRANDS[incident.brand].name
        if name in brands:
            start = datetime.fromtimestamp(incident.start, timezone.utc).replace(tzinfo=None)
            end = start + timedelta(hours=incident.hours + INCIDENT_TAIL_HOURS)
            rows.append({"brand": name, "topic": incident.topic, "start": start, "end": end})
    return pd.DataFrame(rows, columns=["brand", "topic", "start", "end"])


def overlaps(alerts: pd.DataFrame, brand: str, start, end) -> pd.DataFrame:
    return alerts[(alerts["brand"] == brand) & (alerts["window_start"] < end) & (alerts["window_end"] > start)]


def incident_table(con, alerts: pd.DataFrame, incidents: pd.DataFrame) -> list[str]:
    lines = []
    for row in incidents.itertuples():
        hits = overlaps(alerts, row.brand, row.start, row.end).sort_values("window_start")
        if hits.empty:
            lines.append(f"  {row.brand} {row.topic} {row.start:%Y-%m-%d %H:%M}: missed")
            continue
        first = hits.iloc[0]
        crossed = crossing_time(con, first)
        lines.append(f"  {row.brand} {row.topic} {row.start:%Y-%m-%d %H:%M}: caught, {len(hits)} "
                     f"alert(s); the first bucket's threshold ({first['threshold']:.1f}) crossed "
                     f"{_hours(crossed - row.start):.1f} h after the start, its bucket closed "
                     f"{_hours(first['window_end'] - row.start):.1f} h after ({first['count']} "
                     "negative mentions)")
    return lines


def crossing_time(con, alert) -> pd.Timestamp:
    """When the alert's bucket got the negative mention that put it over its threshold (a
    live check would alert then rather than at the bucket's end)."""
    needed = max(int(np.floor(alert["threshold"])) + 1, spikes.MIN_COUNT)
    return pd.Timestamp(con.execute("""
        SELECT timezone('UTC', m.created_at)
        FROM mentions AS m JOIN mention_scores AS s USING (mention_id)
        WHERE NOT m.is_brand AND s.sentiment_label = 'negative' AND m.brand = $brand
          AND timezone('UTC', m.created_at) >= $start AND timezone('UTC', m.created_at) < $end
        ORDER BY m.created_at LIMIT 1 OFFSET $skip
    """, {"brand": alert["brand"], "start": alert["window_start"].to_pydatetime(),
          "end": alert["window_end"].to_pydatetime(), "skip": needed - 1}).fetchall()[0][0])


def _hours(delta) -> float:
    return pd.Timedelta(delta) / pd.Timedelta(hours=1)


def outside(alerts: pd.DataFrame, incidents: pd.DataFrame) -> pd.DataFrame:
    """The alerts that overlap no known incident of their brand."""
    keep = np.ones(len(alerts), dtype=bool)
    for row in incidents.itertuples():
        keep &= ~alerts.index.isin(overlaps(alerts, row.brand, row.start, row.end).index)
    return alerts[keep]


def largest_cascade_shares(con, alerts: pd.DataFrame, freq: str) -> np.ndarray:
    """Per alert: the share of its bucket's negative customer mentions in its largest cascade
    (a mention outside any cascade of size > 1 is its own)."""
    if alerts.empty:
        return np.array([])
    con.register("alert_buckets", alerts[["brand", "window_start"]].reset_index(drop=True))
    shares = con.execute(f"""
        WITH negative AS (
            SELECT a.brand, a.window_start, coalesce(n.root_id, m.mention_id) AS root
            FROM alert_buckets AS a
            JOIN mentions AS m ON m.brand = a.brand
             AND date_trunc('{UNITS[freq]}', timezone('UTC', m.created_at)) = a.window_start
            JOIN mention_scores AS s USING (mention_id)
            LEFT JOIN cascade_nodes AS n ON n.node_id = m.mention_id
            WHERE NOT m.is_brand AND s.sentiment_label = 'negative'
        ),
        per_root AS (
            SELECT brand, window_start, root, count(*) AS mentions
            FROM negative GROUP BY ALL
        )
        SELECT brand, window_start, max(mentions) / sum(mentions) AS largest_share
        FROM per_root GROUP BY ALL
    """).df()
    con.unregister("alert_buckets")
    merged = alerts[["brand", "window_start"]].merge(shares, on=["brand", "window_start"], how="left")
    return merged["largest_share"].to_numpy(dtype=np.float64)


def injection_recall(read: trends.SpikeCounts, incidents: pd.DataFrame, freq: str, k: float,
                     trials: int, rng: np.random.Generator) -> dict[float, float]:
    """Recall of incidents injected one at a time: a random brand and bucket after the
    warm-up, away from known incidents, its count raised to r x its baseline mean (at least
    r x 1 mention, so a quiet bucket gets an incident too), judged as the page judges it."""
    counts = read.counts
    values = counts.to_numpy(dtype=np.float64)
    warm_up = spikes.PERIODS_PER_WEEK[freq] * BASELINE_WEEKS
    lags = np.stack([np.roll(values, spikes.PERIODS_PER_WEEK[freq] * w, axis=0)
                     for w in range(1, BASELINE_WEEKS + 1)])
    mean = lags.mean(axis=0)
    near = _near_incidents(counts, incidents)
    candidates = [(b, c) for c in range(values.shape[1]) for b in range(warm_up, len(values))
                  if not near[b, c]]
    picks = rng.choice(len(candidates), size=min(trials, len(candidates)), replace=False)
    recall = {}
    for ratio in RATIOS:
        caught = 0
        for pick in picks:
            row, col = candidates[pick]
            target = ratio * max(mean[row, col], 1.0)
            injected = counts.copy()
            injected.iat[row, col] = max(values[row, col], np.ceil(target))
            window = read._replace(counts=injected.iloc[row - warm_up:row + 1])
            found = trends.judge_spikes(window, freq, k, EVERY_MENTION_IN_UTC.tz).alerts
            caught += bool(((found["brand"] == counts.columns[col])
                            & (found["window_start"] == counts.index[row])).any())
        recall[ratio] = caught / len(picks)
    return recall


def _near_incidents(counts: pd.DataFrame, incidents: pd.DataFrame) -> np.ndarray:
    """buckets x brands: in a known incident, or with one in its baseline weeks."""
    near = np.zeros(counts.shape, dtype=bool)
    for row in incidents.itertuples():
        col = counts.columns.get_loc(row.brand)
        near[:, col] |= (counts.index >= row.start) & (counts.index <= row.end + timedelta(weeks=BASELINE_WEEKS))
    return near


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(warehouse.DEFAULT_DB))
    parser.add_argument("--k", type=float, nargs="+", default=list(spikes.BACKTEST_K))
    parser.add_argument("--trials", type=int, default=200, help="injected incidents per size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"{args.db}: no database; build one with `python -m etl demo` first")
        return 0
    with warehouse.connect_readonly(args.db) as con:
        for freq in ("D", "h"):
            read = trends.spike_counts.uncached(con, EVERY_MENTION_IN_UTC, freq)
            counts = read.counts
            incidents = known_incidents(list(counts.columns))
            weeks = (len(counts) - spikes.PERIODS_PER_WEEK[freq] * BASELINE_WEEKS) / spikes.PERIODS_PER_WEEK[freq]
            per = "daily" if freq == "D" else "hourly"
            print(f"\n== {per} buckets: {len(counts.columns)} brands, {weeks:.1f} weeks after the "
                  f"{BASELINE_WEEKS}-week warm-up, {int(counts.to_numpy().sum()):,} negative customer mentions")
            for k in args.k:
                alerts = trends.judge_spikes(read, freq, k, EVERY_MENTION_IN_UTC.tz).alerts
                print(f"k = {k:g}: {len(alerts)} alerts")
                for line in incident_table(con, alerts, incidents):
                    print(line)
                rest = outside(alerts, incidents)
                share = largest_cascade_shares(con, rest, freq)
                viral = int((share >= ONE_CASCADE_SHARE).sum())
                brand_months = len(counts.columns) * weeks / 4
                print(f"  outside known incidents: {len(rest)} alerts, {viral} of them mostly one cascade; "
                      f"unexplained {len(rest) - viral} = {(len(rest) - viral) / brand_months:.2f} per brand "
                      f"and 4 weeks")
                recall = injection_recall(read, incidents, freq, k, args.trials,
                                          np.random.default_rng(args.seed))
                print("  injected incidents caught: " + ", ".join(
                    f"{ratio:g}x baseline {value:.0%}" for ratio, value in recall.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
