"""The statistics behind the care metrics, vectorised over many groups at once (numpy,
no per-row Python): Wilson intervals, Kaplan–Meier with censoring, and empirical-Bayes
beta-binomial shrinkage for rankings."""

from __future__ import annotations

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


def kaplan_meier(groups, times, events, at_time: float) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the Kaplan–Meier median time and P(event by at_time).

    groups are integer codes 0..G-1; times are observed durations; events is True where
    the event (a response) happened at that time and False where the observation is
    censored (still unanswered when last seen). At tied times events come before
    censorings, the usual convention. The median is the first time S(t) <= 0.5, NaN when
    the curve never gets there.
    """
    groups = np.asarray(groups, dtype=np.int64)
    times = np.asarray(times, dtype=float)
    events = np.asarray(events, dtype=bool)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    medians = np.full(n_groups, np.nan)
    survival_at = np.ones(n_groups)
    if not groups.size:
        return medians, 1 - survival_at
    order = _by_group_then_time(groups, times, n_groups)
    g, t, e = groups[order], times[order], events[order]
    group_size = np.bincount(g, minlength=n_groups)
    group_start = np.concatenate(([0], np.cumsum(group_size)[:-1]))

    new_block = np.ones(g.size, dtype=bool)
    new_block[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    first = np.flatnonzero(new_block)
    block_group, block_time = g[first], t[first]
    deaths = np.add.reduceat(e.astype(np.int64), first)
    at_risk = group_size[block_group] - (first - group_start[block_group])
    factor = 1.0 - deaths / at_risk
    survival = pd.Series(factor).groupby(block_group).cumprod().to_numpy()

    reached = survival <= _HALF
    np.fmin.at(medians, block_group[reached], block_time[reached])
    # S at the last block at or before at_time (1 where nothing happened that early).
    early = block_time <= at_time
    last_early = np.full(n_groups, -1)
    np.maximum.at(last_early, block_group[early], np.flatnonzero(early))
    has_early = last_early >= 0
    survival_at[has_early] = survival[last_early[has_early]]
    return medians, 1 - survival_at


def _by_group_then_time(groups: np.ndarray, times: np.ndarray, n_groups: int) -> np.ndarray:
    """An order sorting by group, then time: what np.lexsort((times, groups)) gives, up to
    the order of equal (group, time) pairs, which Kaplan–Meier sums anyway. Sorting by time,
    then stably by group, with the groups as 16-bit integers (a radix sort) takes half the
    time of lexsort on millions of requests."""
    if n_groups >= 2**15:
        return np.lexsort((times, groups))
    by_time = np.argsort(times)
    return by_time[np.argsort(groups[by_time].astype(np.int16), kind="stable")]


def beta_binomial_shrinkage(successes, trials) -> np.ndarray:
    """Empirical-Bayes posterior means of each group's rate; see shrink()."""
    return shrink(successes, trials)[0]


def shrink(successes, trials, z: float = 1.6448536269514722) -> tuple[np.ndarray, np.ndarray]:
    """Empirical-Bayes posterior mean of each group's rate, and a conservative bound.

    A beta prior is fitted across the groups given (method of moments: the spread of the
    rates minus what binomial noise alone explains); each group's posterior mean pulls a
    small group towards the pooled rate while a large one keeps its own. The bound is
    the posterior mean minus z posterior standard deviations (about the 5th percentile):
    ranking on it keeps a handful of requests from topping a table on luck alone.
    Groups without trials get the pooled rate; with fewer than two groups there is
    nothing to borrow from, so the raw rate and its Wilson bound are returned.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    prior = beta_prior(x, n)
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
    strength = float(np.clip(strength, 1e-6, _MAX_PRIOR_STRENGTH))
    return mu * strength, (1 - mu) * strength
