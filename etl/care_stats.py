"""The statistics behind the care metrics, vectorised over many groups at once (numpy,
no per-row Python): Wilson intervals, Kaplan–Meier with censoring, and empirical-Bayes
beta-binomial shrinkage for rankings."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
_HALF = 0.5 + 1e-12  # S(t) = 0.5 exactly must count as reaching the median despite rounding


def wilson_interval(successes, trials, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for successes/trials; NaN where trials is 0."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z2 = z * z
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    low = np.where(x <= 0, 0.0, low)    # exact ends, not rounding noise like 5e-17
    high = np.where(x >= n, 1.0, high)
    empty = n <= 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def may_be_chance(successes_a, trials_a, successes_b, trials_b) -> bool:
    """Whether two rates (successes/trials) differ by less than chance explains, at 95%: a
    two-sided two-proportion z-test with a pooled rate, or Fisher's exact test where a cell
    would expect fewer than 5 (the z-test called 0 of 2 -> 2 of 2 a change; Fisher's p is
    0.33). True too when either has no trials or both rates are the same 0 or 1. A KPI card's
    red 'worse' for 20% -> 25% of 40 requests each (z = 0.5) read as a finding (a review)."""
    if not trials_a or not trials_b:
        return True
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    if min(pooled, 1 - pooled) * min(trials_a, trials_b) < 5:
        return fisher_exact_p(successes_a, trials_a, successes_b, trials_b) >= 0.05
    spread = np.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    return bool(abs(successes_a / trials_a - successes_b / trials_b) / spread < Z95)


def rate_change_may_be_chance(rate_now, decided_now: int, rate_before, decided_before: int) -> bool:
    """may_be_chance of two rates of decided requests given as rates and counts (the cards
    keep rates: successes are rate x decided, whole numbers up to rounding); False with a rate
    missing (None or NaN): nothing to weigh, and the change shows as it is."""
    if any(value is None or pd.isna(value) for value in (rate_now, rate_before)):
        return False
    return may_be_chance(round(rate_now * decided_now), decided_now, round(rate_before * decided_before),
                         decided_before)


def net_change_may_be_chance(net_now, polar_now: int, net_before, polar_before: int) -> bool:
    """rate_change_may_be_chance of two net sentiments, (positive - negative) / (positive +
    negative), at their counts of positive and negative mentions (polar): a net sentiment is
    2 x the share positive of those - 1, so it changes by chance as that share does."""
    if any(value is None or pd.isna(value) for value in (net_now, net_before)):
        return False
    return rate_change_may_be_chance((net_now + 1) / 2, polar_now, (net_before + 1) / 2, polar_before)


def count_change_may_be_chance(now: int, before: int) -> bool:
    """Whether two counts of periods of equal length differ by less than chance explains, at 95%:
    as Poisson counts of one rate, the count now given their sum is binomial(sum, 1/2), whose
    exact two-sided p is taken (a z-test past 10,000, where the two agree). True with no count at
    all. A red 'worse' beside 91 -> 96 ignored complaints (customers lost 455 -> 480, assumed)
    read as a finding where the ghost-town rate's change beside it said 'may be chance'."""
    total = int(now) + int(before)
    if total == 0:
        return True
    if total > 10_000:
        return bool(abs(int(now) - int(before)) / math.sqrt(total) < Z95)

    def log_p(k: int) -> float:
        return _log_comb(total, k) - total * math.log(2)

    return _exact_p(log_p, int(now), range(total + 1)) >= 0.05


def fisher_exact_p(successes_a: int, trials_a: int, successes_b: int, trials_b: int) -> float:
    """Two-sided p of Fisher's exact test on the 2x2 table: the chance, with the margins fixed,
    of a table no likelier than the one seen. In logs (lgamma), as a group of thousands makes
    binomials of thousands of digits; the tables summed are few where the test is used."""
    successes, total = successes_a + successes_b, trials_a + trials_b

    def log_p(x: int) -> float:  # hypergeometric: x of the successes in group a
        return _log_comb(trials_a, x) + _log_comb(trials_b, successes - x) - _log_comb(total, successes)

    return _exact_p(log_p, successes_a, range(max(0, successes - trials_b), min(trials_a, successes) + 1))


def _exact_p(log_p, seen: int, outcomes: range) -> float:
    """An exact test's two-sided p: the chance of the outcomes no likelier than the one seen,
    each outcome's log chance worked out once (within a relative 1e-7 counts as equally likely)."""
    bar = log_p(seen) + 1e-7
    return min(1.0, sum(math.exp(chance) for chance in map(log_p, outcomes) if chance <= bar))


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def kaplan_meier(groups, times, events, at_time: float, counts=None) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the Kaplan–Meier median time and P(event by at_time).

    groups are integer codes 0..G-1; times are observed durations; events is True where
    the event (a response) happened at that time and False where the observation is
    censored (still unanswered when last seen). At tied times events come before
    censorings, the usual convention. The median is the first time S(t) <= 0.5, NaN when
    the curve never gets there. P(event by at_time) is NaN for a group none of which was seen
    for at_time, unless every one had its event: the curve ends at the last time seen, and
    nothing is known later (requests all younger than an hour and unanswered read as 0%
    answered within the hour). counts: see km_steps.
    """
    groups = np.asarray(groups, dtype=np.int64)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    medians = np.full(n_groups, np.nan)
    survival_at = np.ones(n_groups)
    steps = km_steps(groups, times, events, n_groups, counts)
    reached = steps.survival <= _HALF
    np.fmin.at(medians, steps.group[reached], steps.time[reached])
    # S at the last step at or before at_time (1 where nothing happened that early).
    early = steps.time <= at_time
    last_early = np.full(n_groups, -1)
    np.maximum.at(last_early, steps.group[early], np.flatnonzero(early))
    has_early = last_early >= 0
    survival_at[has_early] = steps.survival[last_early[has_early]]
    seen_for = np.full(n_groups, -np.inf)
    np.maximum.at(seen_for, groups, np.asarray(times, dtype=float))
    unknown = (seen_for < at_time) & (survival_at > 0)
    return medians, np.where(unknown, np.nan, 1 - survival_at)


@dataclass(frozen=True)
class Steps:
    """The steps of Kaplan–Meier curves: one per group and distinct event time, sorted by
    group then time, with the events at that time, the observations at risk (time >= it)
    and the survival S just after it."""

    group: np.ndarray
    time: np.ndarray
    deaths: np.ndarray
    at_risk: np.ndarray
    survival: np.ndarray


def km_steps(groups, times, events, n_groups: int, counts=None) -> Steps:
    """Kaplan–Meier steps of every group at once. Only the event times are sorted: a
    censored observation matters only as one fewer at risk after its time, so it is
    counted, not sorted (most requests of a ghost town are censored: at 10M mentions this
    sorts 100k response times instead of 6M).

    counts: how many observations each row stands for (None: one each). Only censored rows
    may stand for several (the dashboard's old unanswered requests come collapsed)."""
    groups = np.asarray(groups, dtype=np.int64)
    times = np.asarray(times, dtype=float)
    events = np.asarray(events, dtype=bool)
    if counts is not None:
        counts = np.asarray(counts, dtype=np.int64)
        if np.any(counts[events] != 1):
            raise ValueError("an event row stands for one observation; only censored rows may count several")
    g, t = groups[events], times[events]
    order = _by_group_then_time(g, t, n_groups)
    g, t = g[order], t[order]
    new_step = np.ones(g.size, dtype=bool)
    new_step[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    first = np.flatnonzero(new_step)
    step_group, step_time = g[first], t[first]
    deaths = np.diff(np.append(first, g.size))
    # at risk = the group's observations minus those before the step's time: its earlier
    # events (the steps are sorted) and its earlier censorings
    group_size = group_counts(groups, counts, n_groups)
    events_before = first - np.searchsorted(g, step_group)
    # a censoring after the last response of all (most ignored requests) is before no step
    early = ~events & (times < t.max()) if t.size else np.zeros(0, dtype=bool)
    censored_before = _censored_before(step_group, step_time, groups[early], times[early], n_groups,
                                       None if counts is None else counts[early])
    at_risk = group_size[step_group] - events_before - censored_before
    factor = 1.0 - deaths / at_risk
    survival = pd.Series(factor).groupby(step_group).cumprod().to_numpy()
    return Steps(step_group, step_time, deaths, at_risk, survival)


def group_counts(codes: np.ndarray, counts: np.ndarray | None, n: int) -> np.ndarray:
    """How many observations each of n group codes has, rows standing for `counts` of them
    (None: one each)."""
    if counts is None:
        return np.bincount(codes, minlength=n)
    return np.bincount(codes, weights=counts, minlength=n).astype(np.int64)


def _censored_before(step_group, step_time, censored_group, censored_time, n_groups,
                     censored_counts=None) -> np.ndarray:
    """For each step (sorted by group, then time): the censored observations of its group
    with a time before the step's. Each censored observation is placed, by binary search
    on a (group, time rank) key, at the first step of its group at or after its time, and
    counted from there on: a per-group running sum."""
    if not step_group.size:
        return np.zeros(0, dtype=np.int64)
    distinct = np.unique(step_time)
    width = distinct.size + 1
    step_key = step_group * width + np.searchsorted(distinct, step_time)
    # time ranks: a censored time c is before a step time t exactly when
    # (number of distinct step times <= c) <= rank of t
    censored_key = censored_group * width + np.searchsorted(distinct, censored_time, side="right")
    at = np.searchsorted(step_key, censored_key)
    group_end = np.searchsorted(step_group, np.arange(n_groups), side="right")
    inside = at < group_end[censored_group]  # else: after every step of its group
    running = np.cumsum(group_counts(at[inside], None if censored_counts is None else censored_counts[inside],
                               step_group.size))
    group_start = np.searchsorted(step_group, step_group)
    before_group = np.where(group_start > 0, running[group_start - 1], 0)
    return running - before_group


def _by_group_then_time(groups: np.ndarray, times: np.ndarray, n_groups: int) -> np.ndarray:
    """An order sorting by group, then time: what np.lexsort((times, groups)) gives, up to
    the order of equal (group, time) pairs, which Kaplan–Meier sums anyway. Sorting by time,
    then stably by group, with the groups as 16-bit integers (a radix sort) takes half the
    time of lexsort on millions of requests."""
    if n_groups >= 2**15:
        return np.lexsort((times, groups))
    by_time = np.argsort(times)
    return by_time[np.argsort(groups[by_time].astype(np.int16), kind="stable")]


def shrink(successes, trials, z: float = 1.6448536269514722,
           in_prior=None) -> tuple[np.ndarray, np.ndarray]:
    """Empirical-Bayes posterior mean of each group's rate, and a conservative bound.

    A beta prior is fitted across the groups given (method of moments: the spread of the
    rates minus what binomial noise alone explains); each group's posterior mean pulls a
    small group towards the pooled rate while a large one keeps its own. The bound is
    the posterior mean minus z posterior standard deviations (about the 5th percentile):
    ranking on it keeps a handful of requests from topping a table on luck alone.
    Groups without trials get the pooled rate; with fewer than two groups there is
    nothing to borrow from, so the raw rate and its Wilson bound are returned.
    in_prior (a boolean per group; default all) names the groups the prior is fitted over;
    the others are shrunk towards it all the same, without pulling it. With none named, all are
    (a file of those groups alone is shrunk as before).
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    fitted = np.asarray(in_prior, dtype=bool) if in_prior is not None else np.ones(len(x), dtype=bool)
    if not fitted.any():
        fitted = np.ones(len(x), dtype=bool)
    prior = beta_prior(x[fitted], n[fitted])
    if prior is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.where(n > 0, x / n, np.nan)
        low = wilson_interval(x, n, z)[0]
        return raw, low
    alpha, beta = prior
    a, b = x + alpha, n - x + beta
    mean = a / (a + b)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return mean, np.clip(mean - z * sd, 0, 1)


_MAX_PRIOR_STRENGTH = 1e6  # no spread between groups: pool (almost) completely
# At least four requests' worth at the pooled rate (Agresti-Coull's two and two). With two or
# three groups, or one far larger than the rest, the spread between groups is barely measured:
# 1 of 1 ignored beside 807 of 2,907 fitted a prior worth a quarter of a request, and the
# single request topped the ranking (bound 47% against 26%).
MIN_PRIOR_STRENGTH = 4.0


def beta_prior(x: np.ndarray, n: np.ndarray) -> tuple[float, float] | None:
    """Method-of-moments beta prior (alpha, beta) across groups, None if it cannot be fitted."""
    used = n > 0
    total = n[used].sum()
    if used.sum() < 2 or total == 0:
        return None
    rates = x[used] / n[used]
    mu = x[used].sum() / total
    if mu in (0.0, 1.0):
        return mu * _MAX_PRIOR_STRENGTH, (1 - mu) * _MAX_PRIOR_STRENGTH
    spread = np.sum(n[used] * (rates - mu) ** 2)
    noise = (used.sum() - 1) * mu * (1 - mu)
    tau2 = max(0.0, (spread - noise) / (total - np.sum(n[used] ** 2) / total))
    strength = mu * (1 - mu) / tau2 - 1 if tau2 > 0 else _MAX_PRIOR_STRENGTH
    strength = float(np.clip(strength, MIN_PRIOR_STRENGTH, _MAX_PRIOR_STRENGTH))
    return mu * strength, (1 - mu) * strength
