"""Spike alerts: negative volume per hour or day above a trailing, weekday-aware baseline.

A bucket (e.g. Monday 09:00-10:00) is compared with the same bucket of the week in the
previous `weeks` weeks, so a Monday-morning rush is not an alert every Monday. Alert when
count > mean + k * spread and count >= min_count, spread = sqrt(sd^2 + mean) (at least 1):
the week-to-week spread plus the Poisson noise of the bucket itself, so a baseline of four
near-identical weeks does not alarm on ordinary noise. Vectorised over brands and buckets.

One rule, `judge` (`alerts_from_counts` its alerts alone), reached two ways:

- production (the dashboard's Trends and Overview, app/trends.spike_alerts, and
  bench/backtest_spikes.py through it): counts aggregated in SQL, made a table by `count_table`. These
  alerts carry no evidence: the page fetches the mentions behind one spike when it is
  shown (app/trends.spike_mentions, app/sql/trends_spike_mentions.sql).
- reference (`detect_spikes`, with `negative_counts` and `_link_evidence`; used by the tests,
  not the app): the same rule on the mentions themselves, counted in pandas, each alert
  with the mention_ids and root_ids (cascades) behind it. It exists as an independent
  count of what the SQL counts: the dashboard tests check the page's alerts and each
  spike's mentions against it.
"""

from __future__ import annotations

from typing import NamedTuple

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
    "hour holds two hours' mentions (its true count shown, marked '2 h') and is judged, and "
    "enters baselines, by its count per hour, and a 25- or 23-hour day by its count per 24 "
    "hours; the hour skipped going forward is no bucket, and a baseline that would hold it has "
    "one week fewer. "
    f"The first {BASELINE_WEEKS} weeks after a brand's first mention (on the "
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
                 "threshold", "baseline_days_with_data", "hours", "rate"]
# hours: the real hours a bucket spans (2 for the hour the clocks repeat going back, 25 for its day);
# rate: the count the rule judged, per hour (a day's per 24 h); the baseline and threshold are rates.


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
                  min_count: int = MIN_COUNT, tz: str | None = None) -> pd.DataFrame:
    """Alerts, one row per brand and bucket above its baseline.

    mentions columns: mention_id, brand, created_at, is_negative; optional root_id (the
    cascade each belongs to) and is_brand (a brand account's post: no customer mention, so
    it shows no day with data). Output: brand, window_start, window_end, count,
    baseline_mean, baseline_sd, threshold, baseline_days_with_data, hours and rate (the bucket's
    real hours and count per hour, or per 24 h for days: judge's), mention_ids, root_ids.
    tz: the zone whose wall clock created_at gives (local times read as UTC), as judge's.
    """
    columns = [*ALERT_COLUMNS, "mention_ids", "root_ids"]
    # each brand's history from its first mention given (the dashboard: its first mention)
    starts = pd.to_datetime(mentions["created_at"], utc=True).dt.floor(freq).groupby(mentions["brand"]).min()
    customer = ~mentions["is_brand"].astype(bool) if "is_brand" in mentions else True
    covered = days_with_data(negative_counts(mentions.assign(is_customer=customer), freq, "is_customer"))
    out = alerts_from_counts(negative_counts(mentions, freq), freq, k, weeks, min_count, starts, covered, tz)
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


class Judged(NamedTuple):
    """One pass of the rule over a count table: the alerts (ALERT_COLUMNS) and the unjudged
    buckets (brand, window_start, count: those of at least min_count with no baseline to judge
    them by, largest first; no alert there is no all-clear) and, per bucket, whether it is on
    the zone's clock (bucket_hours > 0: the skipped hour has none; None: every bucket is)."""
    alerts: pd.DataFrame
    unjudged: pd.DataFrame
    on_the_clock: np.ndarray | None = None


UNJUDGED_COLUMNS = ["brand", "window_start", "count"]


def judge(counts: pd.DataFrame, freq: str = "h", k: float = DEFAULT_K, weeks: int = BASELINE_WEEKS,
          min_count: int = MIN_COUNT, starts: pd.Series | None = None, covered: pd.DataFrame | None = None,
          tz: str | None = None) -> Judged:
    """The rule of detect_spikes on a buckets x brands count table (negative_counts or
    count_table), its baselines worked out once for the alerts and the unjudged buckets both.
    starts: each brand's first bucket of data (a Series by brand), so a brand new to the data
    has its own weeks without a baseline, whatever other brands the table holds; None: every
    brand's at the table's first bucket. covered: days_with_data of the same buckets and
    brands; a bucket whose baseline days have fewer than MIN_BASELINE_DAYS_WITH_DATA with data
    raises no alert; None: every baseline day counts as one with data. tz: the zone whose wall
    clock the buckets are of: a bucket its clock skips (the spring-forward hour) holds no
    mention because it never was, so it enters no baseline (bucket_hours 0), and one it
    repeats (the fall-back hour: two real hours, bucket_hours) is judged, and enters baselines,
    by its count per hour (rate); None: every bucket is on the clock and its nominal length (UTC).
    A fall-back hour of a steady 12 an hour held 24 and was judged as one hour: a spike."""
    if counts.empty:
        return Judged(pd.DataFrame(columns=ALERT_COLUMNS), pd.DataFrame(columns=UNJUDGED_COLUMNS))
    values = counts.to_numpy(dtype=np.float64)
    step = pd.tseries.frequencies.to_offset(freq)
    nominal = pd.Timedelta(step) / pd.Timedelta(1, "h")
    hours = bucket_hours(counts.index, freq, tz)
    if hours is None:
        hours, rates, on_the_clock = np.full(len(counts), nominal), values, None
    else:
        rates = values * (nominal / np.where(hours > 0, hours, nominal))[:, None]
        on_the_clock = None if (hours > 0).all() else hours > 0
    baseline = _baselines(counts, rates, freq, weeks, starts, covered, on_the_clock)
    threshold = baseline.mean + k * spread(baseline.mean, baseline.sd)
    alert = baseline.judged & (rates > threshold) & (values >= min_count)
    rows, cols = np.nonzero(alert)
    alerts = pd.DataFrame({
        "brand": counts.columns.to_numpy()[cols],
        "window_start": counts.index[rows],
        "window_end": counts.index[rows] + step,
        "count": values[rows, cols].astype(int),
        "baseline_mean": baseline.mean[rows, cols],
        "baseline_sd": baseline.sd[rows, cols],
        "threshold": threshold[rows, cols],
        "baseline_days_with_data": baseline.with_data[rows, cols],
        "hours": hours[rows],
        "rate": rates[rows, cols],
    })
    rows, cols = np.nonzero(~baseline.judged & (values >= min_count))
    unjudged = pd.DataFrame({"brand": counts.columns.to_numpy()[cols], "window_start": counts.index[rows],
                             "count": values[rows, cols].astype(int)})
    unjudged = unjudged.sort_values(["count", "window_start", "brand"], ascending=[False, False, True],
                                    ignore_index=True)
    return Judged(alerts, unjudged, on_the_clock)


def alerts_from_counts(counts: pd.DataFrame, freq: str = "h", k: float = DEFAULT_K, weeks: int = BASELINE_WEEKS,
                       min_count: int = MIN_COUNT, starts: pd.Series | None = None,
                       covered: pd.DataFrame | None = None, tz: str | None = None) -> pd.DataFrame:
    """judge's alerts alone (ALERT_COLUMNS, no evidence columns)."""
    return judge(counts, freq, k, weeks, min_count, starts, covered, tz).alerts


def bucket_hours(index: pd.DatetimeIndex, freq: str, tz: str | None) -> np.ndarray | None:
    """Per bucket (wall-clock starts of freq in zone tz, naive or read as UTC), the real hours
    it spans: 2 for London's 01:00 the night its clocks go back (01:00 to 02:00 is lived twice),
    0 for New York's skipped 02:00, 1.5 and 0.5 for Lord Howe's half-hour changes, 25 and 23 for
    those days. None where every bucket is its nominal length (no zone, or no change in them)."""
    if tz in (None, "UTC") or not len(index):  # UTC: the back-test's hundreds of passes
        return None
    if index.tz is not None:  # detect_spikes' local times read as UTC
        index = index.tz_localize(None)
    step = pd.tseries.frequencies.to_offset(freq)
    # every quarter hour (the finest step of any zone's offset) around the buckets, on the zone's
    # clock: each bucket spans as many as fall in it (tz_localize's shift of a skipped time is a
    # fixed hour, not the gap: Lord Howe's half hour and Samoa's lost day came out wrong)
    instants = pd.date_range(index.min() - pd.Timedelta(1, "D"), index.max() + step + pd.Timedelta(1, "D"),
                             freq="15min", tz="UTC")
    wall = instants.tz_convert(tz).tz_localize(None).floor(freq)
    hours = wall.value_counts().reindex(index, fill_value=0).to_numpy(dtype=np.float64) / 4
    return None if (hours == pd.Timedelta(step) / pd.Timedelta(1, "h")).all() else hours


class _Baseline(NamedTuple):
    judged: np.ndarray  # a baseline to judge by (the brand's weeks, days with data)
    mean: np.ndarray
    sd: np.ndarray
    with_data: np.ndarray  # baseline buckets on days with data


def _baselines(counts: pd.DataFrame, values: np.ndarray, freq: str, weeks: int, starts: pd.Series | None,
               covered: pd.DataFrame | None, on_the_clock: np.ndarray | None) -> _Baseline:
    """Per bucket and brand: its baseline (of values, counts' rates: the same bucket of the
    `weeks` weeks before, those on the clock) and whether it is one to judge by: from `weeks`
    weeks after its brand's start, with at least MIN_BASELINE_DAYS_WITH_DATA of its baseline
    buckets on days with data."""
    period = PERIODS_PER_WEEK[freq]
    lags = np.stack([np.roll(values, period * w, axis=0) for w in range(1, weeks + 1)])
    first = np.zeros(len(counts.columns), dtype=np.int64)
    if starts is not None:
        first = counts.index.searchsorted(starts.reindex(counts.columns).fillna(counts.index[0]))
    has_history = np.arange(len(counts))[:, None] >= first[None, :] + period * weeks
    if on_the_clock is None:
        mean = lags.mean(axis=0)
        sd = lags.std(axis=0, ddof=1) if weeks > 1 else np.zeros_like(mean)
        taken = None
        in_baseline = np.full(values.shape, weeks)
    else:
        taken = np.stack([np.roll(on_the_clock, period * w) for w in range(1, weeks + 1)])[:, :, None]
        in_baseline = np.broadcast_to(taken.sum(axis=0), values.shape)
        mean = np.where(taken, lags, 0.0).sum(axis=0) / np.maximum(in_baseline, 1)
        squares = np.where(taken, (lags - mean) ** 2, 0.0).sum(axis=0)
        sd = np.where(in_baseline > 1, np.sqrt(squares / np.maximum(in_baseline - 1, 1)), 0.0)
    with_data = _baseline_days_with_data(counts, covered, period, weeks, taken, in_baseline)
    judged = has_history & (in_baseline > 0) & (with_data >= MIN_BASELINE_DAYS_WITH_DATA)
    return _Baseline(judged, mean, sd, with_data)


def _baseline_days_with_data(counts: pd.DataFrame, covered: pd.DataFrame | None, period: int, weeks: int,
                             taken: np.ndarray | None, in_baseline: np.ndarray) -> np.ndarray:
    """Per bucket and brand, how many of its baseline buckets' days hold a customer mention of
    the brand (covered: days_with_data; taken: which baseline buckets are on the clock); all of
    them (in_baseline) without covered."""
    if covered is None:
        return np.array(in_baseline, dtype=np.int64)
    flags = covered.reindex(index=counts.index, columns=counts.columns, fill_value=False).to_numpy(dtype=np.int64)
    lagged = np.stack([np.roll(flags, period * w, axis=0) for w in range(1, weeks + 1)])
    return (lagged if taken is None else lagged * taken).sum(axis=0)


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

