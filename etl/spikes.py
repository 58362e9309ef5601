"""Spike alerts: negative volume per hour or day above a trailing, weekday-aware baseline.

A bucket (e.g. Monday 09:00-10:00) is compared with the same bucket of the week in the
previous `weeks` weeks, so a Monday-morning rush is not an alert every Monday. Alert when
count > mean + k * spread and count >= min_count, spread = sqrt(sd^2 + mean) (at least 1):
the week-to-week spread plus the Poisson noise of the bucket itself, so a baseline of four
near-identical weeks does not alarm on ordinary noise. Vectorised over brands and buckets.

One rule, `alerts_from_counts`, reached two ways:

- production (the dashboard's Trends and Overview, app/trends.spike_alerts, and
  bench/backtest_spikes.py): counts aggregated in SQL, made a table by `count_table`. These
  alerts carry no evidence: the page fetches the mentions behind one spike when it is
  shown (app/trends.spike_mentions, app/sql/trends_spike_mentions.sql).
- reference (`detect_spikes`, with `negative_counts` and `_link_evidence`; used by the tests,
  not the app): the same rule on the mentions themselves, counted in pandas, each alert
  with the mention_ids and root_ids (cascades) behind it. It exists as an independent
  count of what the SQL counts: the dashboard tests check the page's alerts and each
  spike's mentions against it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PERIODS_PER_WEEK = {"h": 168, "D": 7}
MIN_COUNT = 3  # fewer negative mentions than this in a bucket is never an alert
BASELINE_WEEKS = 4  # the dashboard's baseline: the same weekday (and hour) of the weeks before
# A baseline day on which the brand has no customer mention at all is a day the data does not
# cover, not a quiet one: the twcs sample gave 12 of its 19 daily alerts (k = 3) a baseline of
# four such days (0 of 4, 'baseline 0.0, threshold 3.0'), an alert the data cannot support.
MIN_BASELINE_DAYS_WITH_DATA = 1
DEFAULT_K = 3.0  # the Overview's alerts, and the Trends page's until a user moves it
SPREAD = "√(SD² + mean), at least 1"  # of the baseline's counts: spread() computes it; pages quote it
# the formula in words, said once where a reader meets the rule
SPREAD_MEANS = ("the counts' sample standard deviation (n - 1), widened by the chance variation of "
                "small counts")
DEFINITION = (
    "A day (or hour) whose negative customer mentions (sentiment label negative, not by a brand "
    f"account) number at least {MIN_COUNT} and exceed mean + k x spread of the same weekday (and hour) "
    f"in the previous {BASELINE_WEEKS} weeks. The spread is {SPREAD_MEANS}: {SPREAD}. "
    f"k = {DEFAULT_K:g} on the Overview, user-set on the Trends page. Buckets are days or "
    "hours of the chosen time zone's clock: on the night its clocks go back, the repeated "
    f"hour holds two hours' mentions. The first {BASELINE_WEEKS} weeks after a brand's first mention (on the "
    "chosen platforms and pages) have no baseline and raise no alert, nor does a bucket whose "
    f"{BASELINE_WEEKS} baseline days all lack any customer mention of the brand (days the data does not "
    "cover, not quiet ones); 'baseline days with data' says how many of them hold one.")

# The back-test's terms (bench/backtest_spikes.py runs with these): the Trends page quotes them,
# so a reader of the alerts can tell what 'caught' and 'false alarm' meant there.
BACKTEST_K = (2.0, 3.0, 4.0)
BACKTEST_TAIL_HOURS = 30  # after a demo incident ends: it decays with a 10 h time constant, 3 of them
# an alarm whose bucket's negative mentions are this share or more one cascade: a complaint spreading
BACKTEST_ONE_CASCADE_SHARE = 0.5
BACKTEST_RATIOS = (2.0, 3.0, 5.0, 10.0)  # injected: a bucket's count raised to r x its baseline mean


ALERT_COLUMNS = ["brand", "window_start", "window_end", "count", "baseline_mean", "baseline_sd",
                 "threshold", "baseline_days_with_data"]


def spread(mean, sd):
    """The alert rule's spread (SPREAD): sqrt(sd^2 + mean), at least 1 (numbers or arrays)."""
    return np.maximum(np.sqrt(np.asarray(sd, dtype=float) ** 2 + np.asarray(mean, dtype=float)), 1.0)


def negative_counts(mentions: pd.DataFrame, freq: str = "h", column: str = "is_negative") -> pd.DataFrame:
    """Buckets x brands count table of negative mentions (of the rows whose `column` is true),
    every bucket from the first mention's (negative or not) to the last's present (zeros too)."""
    bucket = pd.to_datetime(mentions["created_at"], utc=True).dt.floor(freq)
    negative = mentions[column].astype(bool).astype("int64")
    table = pd.crosstab(bucket, mentions["brand"], values=negative, aggfunc="sum").fillna(0).astype("int64")
    if table.empty:
        return table
    full = pd.date_range(table.index.min(), table.index.max(), freq=freq)
    return table.reindex(full, fill_value=0)


def detect_spikes(mentions: pd.DataFrame, freq: str = "h", k: float = DEFAULT_K, weeks: int = BASELINE_WEEKS,
                  min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Alerts, one row per brand and bucket above its baseline.

    mentions columns: mention_id, brand, created_at, is_negative; optional root_id (the
    cascade each belongs to) and is_brand (a brand account's post: no customer mention, so
    it shows no day with data). Output: brand, window_start, window_end, count,
    baseline_mean, baseline_sd, threshold, baseline_days_with_data, mention_ids, root_ids.
    """
    columns = [*ALERT_COLUMNS, "mention_ids", "root_ids"]
    # each brand's history from its first mention given (the dashboard: its first mention)
    starts = pd.to_datetime(mentions["created_at"], utc=True).dt.floor(freq).groupby(mentions["brand"]).min()
    customer = ~mentions["is_brand"].astype(bool) if "is_brand" in mentions else True
    covered = days_with_data(negative_counts(mentions.assign(is_customer=customer), freq, "is_customer"))
    out = alerts_from_counts(negative_counts(mentions, freq), freq, k, weeks, min_count, starts, covered)
    if out.empty:
        return pd.DataFrame(columns=columns)
    return _link_evidence(out, mentions, freq)[columns]


def count_table(counts: pd.DataFrame, freq: str = "h", first: pd.Timestamp | None = None,
                values: str = "count") -> pd.DataFrame:
    """negative_counts from counts already aggregated (columns bucket, brand and `values`;
    buckets floored to freq, e.g. by SQL): the same buckets x brands table, every bucket
    present, from `first` where that is earlier than the first count (the history's start)."""
    if counts.empty:
        return pd.DataFrame()
    table = counts.pivot_table(index="bucket", columns="brand", values=values, aggfunc="sum",
                               fill_value=0)
    table = table.sort_index().sort_index(axis=1)
    start = table.index.min() if first is None else min(table.index.min(), pd.Timestamp(first).floor(freq))
    full = pd.date_range(start, table.index.max(), freq=freq)
    return table.reindex(full, fill_value=0).astype("int64")


def days_with_data(customer_counts: pd.DataFrame) -> pd.DataFrame:
    """Whether each brand has any customer mention in each bucket's day (a buckets x brands
    table of booleans) from a count table of all its customer mentions (count_table or
    negative_counts): for an hour, its whole day, as a quiet hour is no sign of missing data."""
    if customer_counts.empty:
        return customer_counts.astype(bool)
    return customer_counts.groupby(customer_counts.index.floor("D")).transform("sum") > 0


def alerts_from_counts(counts: pd.DataFrame, freq: str = "h", k: float = DEFAULT_K, weeks: int = BASELINE_WEEKS,
                       min_count: int = MIN_COUNT, starts: pd.Series | None = None,
                       covered: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rule of detect_spikes on a buckets x brands count table (negative_counts or
    count_table): ALERT_COLUMNS, no evidence columns. starts: each brand's first bucket of
    data (a Series by brand), so a brand new to the data has its own weeks without a
    baseline, whatever other brands the table holds; None: every brand's at the table's
    first bucket. covered: days_with_data of the same buckets and brands; a bucket whose
    baseline days have fewer than MIN_BASELINE_DAYS_WITH_DATA with data raises no alert;
    None: every baseline day counts as one with data. Buckets without a baseline:
    unjudged_buckets."""
    if counts.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    period = PERIODS_PER_WEEK[freq]
    values = counts.to_numpy(dtype=np.float64)
    lags = np.stack([np.roll(values, period * w, axis=0) for w in range(1, weeks + 1)])
    has_history, with_data = _baselines(counts, freq, weeks, starts, covered)
    mean = lags.mean(axis=0)
    sd = lags.std(axis=0, ddof=1) if weeks > 1 else np.zeros_like(mean)
    threshold = mean + k * spread(mean, sd)
    alert = has_history & (values > threshold) & (values >= min_count)
    rows, cols = np.nonzero(alert)
    step = pd.tseries.frequencies.to_offset(freq)
    return pd.DataFrame({
        "brand": counts.columns.to_numpy()[cols],
        "window_start": counts.index[rows],
        "window_end": counts.index[rows] + step,
        "count": values[rows, cols].astype(int),
        "baseline_mean": mean[rows, cols],
        "baseline_sd": sd[rows, cols],
        "threshold": threshold[rows, cols],
        "baseline_days_with_data": with_data[rows, cols],
    })


def unjudged_buckets(counts: pd.DataFrame, freq: str = "h", weeks: int = BASELINE_WEEKS,
                     min_count: int = MIN_COUNT, starts: pd.Series | None = None,
                     covered: pd.DataFrame | None = None) -> pd.DataFrame:
    """The buckets of at least min_count that alerts_from_counts (same arguments) had no
    baseline to judge by: brand, window_start, count, largest first. No alert there is no
    all-clear."""
    if counts.empty:
        return pd.DataFrame(columns=["brand", "window_start", "count"])
    has_history, _ = _baselines(counts, freq, weeks, starts, covered)
    values = counts.to_numpy()
    rows, cols = np.nonzero(~has_history & (values >= min_count))
    frame = pd.DataFrame({"brand": counts.columns.to_numpy()[cols], "window_start": counts.index[rows],
                          "count": values[rows, cols].astype(int)})
    return frame.sort_values(["count", "window_start", "brand"], ascending=[False, False, True], ignore_index=True)


def _baselines(counts: pd.DataFrame, freq: str, weeks: int, starts: pd.Series | None,
               covered: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """(has_baseline, days_with_data) per bucket and brand: a bucket has a baseline from
    `weeks` weeks after its brand's start, when at least MIN_BASELINE_DAYS_WITH_DATA of its
    baseline days hold data."""
    period = PERIODS_PER_WEEK[freq]
    first = np.zeros(len(counts.columns), dtype=np.int64)
    if starts is not None:
        first = counts.index.searchsorted(starts.reindex(counts.columns).fillna(counts.index[0]))
    has_history = np.arange(len(counts))[:, None] >= first[None, :] + period * weeks
    with_data = _baseline_days_with_data(counts, covered, period, weeks)
    return has_history & (with_data >= MIN_BASELINE_DAYS_WITH_DATA), with_data


def _baseline_days_with_data(counts: pd.DataFrame, covered: pd.DataFrame | None, period: int,
                             weeks: int) -> np.ndarray:
    """Per bucket and brand, how many of its baseline buckets' days hold a customer mention of
    the brand (covered: days_with_data); `weeks` for all of them without covered."""
    if covered is None:
        return np.full(counts.shape, weeks, dtype=np.int64)
    flags = covered.reindex(index=counts.index, columns=counts.columns, fill_value=False).to_numpy(dtype=np.int64)
    return sum(np.roll(flags, period * w, axis=0) for w in range(1, weeks + 1))


def _link_evidence(alerts: pd.DataFrame, mentions: pd.DataFrame, freq: str) -> pd.DataFrame:
    neg = mentions[mentions["is_negative"].astype(bool)].copy()
    neg["window_start"] = pd.to_datetime(neg["created_at"], utc=True).dt.floor(freq)
    # Only the alerts' windows need their evidence: group those, not every bucket.
    windows = alerts[["brand", "window_start"]].drop_duplicates()
    neg = neg.merge(windows.astype({"window_start": neg["window_start"].dtype}),
                    on=["brand", "window_start"])
    if "root_id" not in neg:
        neg["root_id"] = neg["mention_id"]
    grouped = neg.groupby(["brand", "window_start"]).agg(
        mention_ids=("mention_id", list), root_ids=("root_id", lambda r: sorted(set(r))))
    return alerts.join(grouped, on=["brand", "window_start"])

