"""Spread prediction: final size of every cascade from what is known at an observation time.

A SEISMIC-style self-exciting point process (Zhao et al., "SEISMIC: A Self-Exciting Point
Process Model for Predicting Tweet Popularity", KDD 2015). Each participant i (the root
included), seen at t_i with n_i followers, raises the reshare rate by p * n_i * phi(t - t_i),
phi being the power-law memory kernel (etl/memory_kernel.py). At age t of a cascade:

* infectiousness p_t = (triangular-weighted count of recent reshares) / (the same weighting
  of the expected exposure sum n_i * phi), the window being max(300 s, min(t/2, 2 h)),
  widened to hold the latest five reshares when there are five. Few events make p_t noisy, so it is shrunk
  towards the pooled infectiousness of the calibration cascades with a Gamma prior
  worth `prior_strength` reshares (the fallback for few events, built into the estimator);
* final size = R_t + p_t * sum_i n_i (1 - Phi(t - t_i)) / (1 - p_t n*), R_t counting the
  nodes seen so far (root included). n*, the free constant (in theory the followers of a
  typical future resharer), and the prior strength are calibrated on cascades that were
  complete by the as-of time, truncated at the same age, by minimising the median relative
  error; the interval comes from held-out calibration residuals (log final / predicted),
  split conformal.
* per band, the forecast is a geometric blend current x (SEISMIC / current)^w x g^(1 - w)
  with g the band's median growth (final / current) and w in BLEND_GRID chosen on
  held-out halves of the calibration cascades: on real retweet cascades the
  follower-weighted estimate is noisy (a handful of cascades per band, exposures spanning
  orders of magnitude), and w says how far it earns trust over typical growth.
* unknown follower counts take the median known count (all unknown: 1 each, which turns
  the model into an unweighted Hawkes process; the calibration absorbs the scale).

Everything is vectorised over cascades; the loops below run over a small grid of
constants or a handful of age buckets, never over cascades.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.cascade_tree import typical_followers
from etl.memory_kernel import S0, kernel_cdf, kernel_first_moment

MAX_WINDOW = 2 * 3600.0
MIN_WINDOW_EVENTS = 5
MIN_DENOMINATOR = 0.1  # caps 1/(1 - p n*) at 10x: a supercritical estimate is noise, not a forecast
N_STAR_GRID = np.concatenate([[0.0], np.geomspace(1.0, 1e5, 41)])
BLEND_GRID = (1.0, 0.75, 0.5, 0.25, 0.0)  # ties go to SEISMIC
SCALE_GRID = np.geomspace(1 / 64, 4.0, 17)
PRIOR_GRID = (0.25, 1.0, 4.0, 16.0, 64.0, 1e6)  # 1e6: one pooled infectiousness
INTERVAL = (0.1, 0.9)  # residual quantiles giving an 80% interval
MIN_CALIBRATION = 20   # fewer completed cascades than this: keep the default model
MIN_BORROWED = 10  # a band borrowing neighbours may stop at this many reshared cascades (see _band_rows)
MAX_CALIBRATION = 1000  # a random sample this large pins the median down; keeps the grid cheap
# Cascades are calibrated by how many nodes were seen (root included): a cascade with 50
# reshares in its first hour behaves unlike one still alone, and small ones vastly outnumber
# large ones, so one pooled fit would serve only the small.
SIZE_STRATA = (1, 2, 5, 20, 50)
DEFAULT_N_STAR = 100.0  # SEISMIC's default, used when nothing can be calibrated
# Pooled infectiousness (reshares per follower-exposure) used as the prior when there is
# nothing to calibrate on: the order measured on the auspol retweet cascades at 1 h (1e-4
# to 5e-4). Without it a lone post would be forecast never to spread, whoever wrote it.
DEFAULT_P_POOL = 2e-4
COMPLETION_AGE = 7 * 86400.0  # a cascade older than this at the as-of time counts as complete
AGE_BUCKETS = np.array([0.0, 900.0, 3600.0, 4 * 3600.0, 12 * 3600.0, 86400.0, 3 * 86400.0, COMPLETION_AGE])


@dataclass(frozen=True)
class SpreadModel:
    n_star: float = DEFAULT_N_STAR
    scale: float = 1.0  # multiplies the predicted additional reshares (the paper's linear correction)
    p_pool: float = DEFAULT_P_POOL  # pooled infectiousness of the calibration cascades
    prior_strength: float = 1.0
    log_resid_low: float = 0.0
    log_resid_high: float = np.log(2.0)
    # Median calibration suits one cascade's forecast; totals (risk, reach) need the mean:
    # this rescales the additional reshares so calibration totals match what happened.
    expected_scale: float = 1.0
    # The forecast is current x (SEISMIC / current)^blend x band_growth^(1 - blend): on real
    # cascades the follower-weighted estimate can be noisier than the plain typical growth
    # of cascades of the same size and age, and the weight says how far to trust it.
    blend: float = 1.0
    band_growth: float = 1.0  # median final / current of the calibration cascades
    calibrated_on: int = 0
    calibration_error: float = np.nan  # median relative error on the calibration cascades


# ------------------------------------------------------------------------- features


def cascade_ids(ev: pd.DataFrame) -> np.ndarray:
    """The cascade ids in the order of prepare_events' `cascade` codes, from its result
    (sorted by code, so each code's first row names it: no second hashing of every event)."""
    code = ev["cascade"].to_numpy()
    if not len(code):
        return ev["cascade_id"].to_numpy()[:0]
    return ev["cascade_id"].to_numpy()[np.flatnonzero(np.r_[True, code[1:] != code[:-1]])]


def prepare_events(events: pd.DataFrame) -> pd.DataFrame:
    """Sorted events with cascade codes and times relative to each cascade's root.

    events columns: cascade_id, time (seconds), followers (nullable); optional is_root
    (default: each cascade's earliest event is its root).
    """
    ev = pd.DataFrame({
        "cascade_id": events["cascade_id"].to_numpy(),
        "time": pd.to_numeric(events["time"], errors="coerce").to_numpy(dtype=np.float64),
        "followers": pd.to_numeric(events["followers"], errors="coerce").to_numpy(dtype=np.float64),
    })
    code, ids = pd.factorize(ev["cascade_id"], sort=True)
    ev["cascade"] = code
    first = ev.groupby("cascade")["time"].transform("min").to_numpy()
    ev["is_root"] = events["is_root"].to_numpy(dtype=bool) if "is_root" in events else False
    if "is_root" not in events:
        earliest = np.lexsort((np.arange(len(ev)), ev["time"].to_numpy(), code))
        heads = np.ones(len(ev), dtype=bool)
        heads[1:] = code[earliest][1:] != code[earliest][:-1]
        ev.loc[earliest[heads], "is_root"] = True
    root_time = np.full(len(ids), np.nan)
    root_time[code[ev["is_root"].to_numpy()]] = ev["time"].to_numpy()[ev["is_root"].to_numpy()]
    root_time = np.where(np.isnan(root_time), first[np.unique(code, return_index=True)[1]], root_time)
    ev["t"] = np.maximum(ev["time"].to_numpy() - root_time[code], 0.0)
    counts = ev["followers"].to_numpy(dtype=np.float64, na_value=np.nan)
    ev["followers"] = ev["followers"].fillna(typical_followers(counts)).clip(lower=0)
    order = canonical_order(ev["cascade"].to_numpy(), ev["is_root"].to_numpy(), ev["t"].to_numpy(),
                            ev["followers"].to_numpy())
    # Taken a column at a time: sort_values held a sorted copy of every column beside the
    # unsorted ones (8M events: peak 930 -> 739 MB; the forecast is the cascade step's peak).
    columns = {}
    for name in list(ev.columns):
        columns[name] = ev.pop(name).to_numpy()[order]
    return pd.DataFrame(columns, copy=False)


def canonical_order(cascade, is_root, t, followers) -> np.ndarray:
    """The order of prepared events: by cascade, root first, then by time and followers.

    Events tied on all four are alike in everything observe() sums, so any order of them
    gives the same floating-point sums: the statistics do not depend on how the events
    came, and a caller holding no ids (etl/cascade_increment.py) sorts them as a whole
    recompute does."""
    return np.lexsort((followers, t, ~np.asarray(is_root, dtype=bool), cascade))


OBSERVE_EVENTS = 1_000_000  # events per slice of observe(): its temporaries follow the slice


def observe(ev: pd.DataFrame, age: np.ndarray) -> pd.DataFrame:
    """SEISMIC statistics of every cascade seen `age[c]` seconds after its root.

    Returns per cascade: observed (R_t, root included), exposure (sum n_i (1 - Phi(age - t_i)),
    the future reaction mass), weighted_count and weighted_exposure (the two sides of the
    windowed infectiousness estimate), followers_new (followers of observed reshares).
    Computed over slices of whole cascades (each cascade's statistics are its own), so a
    history of millions of events does not hold a dozen temporaries of its length at once.
    """
    code = ev["cascade"].to_numpy()
    n_casc = int(code.max()) + 1 if len(code) else 0
    age = np.broadcast_to(np.asarray(age, dtype=np.float64), (n_casc,))
    columns = (code, ev["t"].to_numpy(), ev["followers"].to_numpy(), ev["is_root"].to_numpy())
    cuts = np.unique(np.searchsorted(code, code[::OBSERVE_EVENTS]))  # each at a cascade's first event
    slices = []
    for begin, end in zip(cuts, [*cuts[1:], len(code)]):
        first = code[begin]
        last = code[end - 1] + 1
        part_code, t, fol, root = (c[begin:end] for c in columns)
        slices.append(_observe_slice(part_code - first, t, fol, root, age[first:last]))
    if not slices:
        slices = [_observe_slice(code, *columns[1:], age)]
    # Joined a column at a time, each slice's column freed as it goes: pd.concat held every
    # slice and the whole result at once (8M events in 4.5M cascades: peak 365 -> 233 MB).
    return pd.DataFrame({name: np.concatenate([part.pop(name) for part in slices]) for name in _OBSERVED},
                        copy=False)


_OBSERVED = ("observed", "exposure", "weighted_count", "weighted_exposure", "followers_new", "age")


def _observe_slice(code, t, fol, root, age) -> dict[str, np.ndarray]:
    """observe()'s columns on the events of cascades 0..len(age)-1 (sorted as
    prepare_events sorts)."""
    n_casc = len(age)
    a = age[code]
    seen = t <= a
    count = np.bincount(code[seen], minlength=n_casc)
    left = a[seen] - t[seen]
    exposure = np.bincount(code[seen], weights=fol[seen] * (1.0 - kernel_cdf(left)), minlength=n_casc)

    window = np.clip(age / 2.0, S0, MAX_WINDOW)
    # widen the window to the MIN_WINDOW_EVENTS-th latest reshare (sorted: root first, then by t)
    start = np.searchsorted(code, np.arange(n_casc))
    reshares = count - 1
    has_enough = reshares >= MIN_WINDOW_EVENTS
    kth = np.where(has_enough, start + count - MIN_WINDOW_EVENTS, start)
    t_kth = np.where(has_enough, t[np.minimum(kth, len(t) - 1)] if len(t) else 0.0, 0.0)
    # (a cascade with fewer reshares keeps the plain window: stretching it over the whole
    # age would pick windows by how little happened, biasing the pooled estimate low)
    window = np.where(has_enough, np.maximum(window, age - t_kth), window)
    window = np.maximum(window, 1e-9)
    w = window[code]

    in_window = seen & ~root & (t >= a - w)
    wcount = np.bincount(code[in_window], weights=1.0 - (a - t)[in_window] / w[in_window], minlength=n_casc)
    u_hi = a[seen] - t[seen]
    u_lo = np.maximum(u_hi - w[seen], 0.0)
    ws = w[seen]
    weight_integral = ((kernel_cdf(u_hi) - kernel_cdf(u_lo)) * (1.0 - u_hi / ws)
                       + (kernel_first_moment(u_hi) - kernel_first_moment(u_lo)) / ws)
    wexposure = np.bincount(code[seen], weights=fol[seen] * weight_integral, minlength=n_casc)
    new = seen & ~root
    followers_new = np.bincount(code[new], weights=fol[new], minlength=n_casc)
    return {"observed": count, "exposure": exposure, "weighted_count": wcount,
            "weighted_exposure": wexposure, "followers_new": followers_new, "age": age}


def final_sizes(ev: pd.DataFrame) -> np.ndarray:
    """Every cascade's size over all its events."""
    return np.bincount(ev["cascade"].to_numpy())


def observed_sizes(ev: pd.DataFrame, age: np.ndarray) -> np.ndarray:
    """Every cascade's size `age[c]` seconds after its root: observe()'s `observed` alone."""
    code = ev["cascade"].to_numpy()
    return np.bincount(code[ev["t"].to_numpy() <= age[code]], minlength=len(age))


# ----------------------------------------------------------------------- prediction


def _infectiousness(obs: pd.DataFrame | dict, p_pool: float, prior_strength: float) -> np.ndarray:
    count = np.asarray(obs["weighted_count"])
    expo = np.asarray(obs["weighted_exposure"])
    if p_pool > 0:
        return (count + prior_strength) / (expo + prior_strength / p_pool)
    return np.where(expo > 0, count / np.maximum(expo, 1e-300), 0.0)


def _seismic(obs: pd.DataFrame | dict, p: np.ndarray, n_star, scale=1.0) -> np.ndarray:
    """R_t + scale * p S / (1 - p n*); n_star may be a column vector for a grid of constants."""
    denom = np.maximum(1.0 - p * n_star, MIN_DENOMINATOR)
    return np.asarray(obs["observed"]) + scale * p * np.asarray(obs["exposure"]) / denom


def predict(obs: pd.DataFrame, model: SpreadModel) -> pd.DataFrame:
    """Predicted final size with its interval, per row of `observe`."""
    p = _infectiousness(obs, model.p_pool, model.prior_strength)
    current = obs["observed"].to_numpy()
    seismic = _seismic(obs, p, model.n_star, model.scale)
    pred = _blend(current, seismic, model.band_growth, model.blend)
    low = np.maximum(current, pred * np.exp(model.log_resid_low))
    high = np.maximum(pred * np.exp(model.log_resid_high), low)
    # The mean (for risk and reach totals) keeps SEISMIC's ranking of which cascades grow:
    # the blend's band growth is one median for a whole band, often "no growth" at all.
    expected = current + model.expected_scale * np.maximum(seismic - current, 0.0)
    return pd.DataFrame({"infectiousness": p, "predicted_final_size": pred,
                         "predicted_final_size_low": low, "predicted_final_size_high": high,
                         "expected_final_size": expected})


def relative_error(pred, final) -> np.ndarray:
    final = np.asarray(final, dtype=np.float64)
    return np.abs(np.asarray(pred, dtype=np.float64) - final) / np.maximum(final, 1.0)


def _grid_search(obs: pd.DataFrame | dict, final: np.ndarray, p_pool: float) -> tuple:
    """(error, prior strength, n*, scale, predictions) minimising the median relative error.

    Every scale and n* of one prior strength is scored in one array operation (a
    SCALE_GRID x N_STAR_GRID x cascades block, two buffers reused across priors: fresh ones
    cost page faults each time); the choice is the one the plain nested loop over prior,
    scale and n* would make (first strict improvement wins).
    """
    current = np.asarray(obs["observed"])
    exposure = np.asarray(obs["exposure"])
    scales = SCALE_GRID[:, None, None]
    floor = np.maximum(final, 1.0)
    preds = np.empty((len(SCALE_GRID), len(N_STAR_GRID), len(final)))
    work = np.empty_like(preds)
    best = None
    for prior in PRIOR_GRID:
        p = _infectiousness(obs, p_pool, prior)
        denom = np.maximum(1.0 - p[None, :] * N_STAR_GRID[:, None], MIN_DENOMINATOR)
        np.divide(scales * p * exposure, denom, out=preds)  # same evaluation order as _seismic
        preds += current
        np.subtract(preds, final, out=work)
        np.abs(work, out=work)
        work /= floor  # relative_error, in place
        median = np.median(work, axis=2, overwrite_input=True)
        for i, scale in enumerate(SCALE_GRID):
            # A cell's error is its median plus a tie-break of at least 0: a row whose
            # smallest median cannot beat the best so far is not tie-broken (the tie-breaks'
            # logarithms were a third of the forecast's time).
            if best is not None and median[i].min() >= best[0] - 1e-12:
                continue
            # ties (often: many cascades never grow) go to the smaller mean log error
            errors = median[i] + 1e-6 * _log_error_where_tied(preds[i:i + 1], floor, median[i:i + 1])[0]
            k = int(np.argmin(errors))
            if best is None or errors[k] < best[0] - 1e-12:
                best = (float(errors[k]), prior, float(N_STAR_GRID[k]), float(scale), preds[i, k].copy())
    return best


def _log_error_where_tied(preds: np.ndarray, floor: np.ndarray, median: np.ndarray) -> np.ndarray:
    """The mean log error of every (scale, n*) cell whose median could still win its row once
    the tie-break is added (inf elsewhere): a cell whose median is above the row's smallest
    median plus that cell's tie-break is never the row's choice. Computing it for every cell
    was a third of the grid search."""
    rows = np.arange(len(median))
    first = np.argmin(median, axis=1)
    bound = median[rows, first] + 1e-6 * _mean_log_error(preds[rows, first], floor)
    tied = median <= bound[:, None]
    out = np.full(median.shape, np.inf)
    out[tied] = _mean_log_error(preds[tied], floor)
    return out


def _mean_log_error(preds: np.ndarray, floor: np.ndarray) -> np.ndarray:
    return np.abs(np.log(np.maximum(preds, 1e-9) / floor)).mean(axis=-1)


def _blend(current, seismic, growth, weight):
    """Geometric blend of the SEISMIC forecast and current x growth (a ratio, one for all
    or one per cascade): weight 1 is SEISMIC."""
    current = np.maximum(np.asarray(current, dtype=np.float64), 1.0)
    return current * np.exp(weight * np.log(np.maximum(seismic, current) / current)
                            + (1.0 - weight) * np.log(np.maximum(growth, 1.0)))


def conformal_bounds(resid: np.ndarray, levels=INTERVAL) -> tuple[float, float]:
    """The interval's ends from n held-out residuals: split conformal's floor((n+1) a)-th and
    ceil((n+1) b)-th smallest, which hold at least b - a of another cascade's residual when the
    cascades are alike, where plain quantiles of the ~20 residuals of a sparse band held less
    (auspol, 1 h, >= 20 seen: 0.61 of final sizes within the 80% interval; 0.67 so). Under
    about 1 / a residuals the ends are the extremes, which guarantee less."""
    ordered = np.sort(resid)
    n = len(ordered)
    lo = max(int(np.floor((n + 1) * levels[0])) - 1, 0)
    hi = min(int(np.ceil((n + 1) * levels[1])) - 1, n - 1)
    return float(ordered[lo]), float(ordered[hi])


def calibrate(obs: pd.DataFrame, final: np.ndarray, min_size: int = MIN_CALIBRATION) -> SpreadModel:
    """Fit n*, the scale and the prior strength on completed cascades observed at their
    truncation age, then the weight of SEISMIC against the band's typical growth.

    Grid search minimising the median relative error of the final size. The blend weight
    is chosen on out-of-sample forecasts of the calibration cascades (two halves, each
    forecast by constants fitted on the other), since in-sample the grid search would
    always look better than it is; the residual quantiles of those out-of-sample forecasts
    give the interval. Fewer cascades than min_size: the default model.
    """
    final = np.asarray(final, dtype=np.float64)
    if len(final) < min_size:
        return SpreadModel(calibrated_on=len(final))
    if len(final) > MAX_CALIBRATION:
        # The grid search is a median over cascades: a fixed random sample estimates it as
        # well as all of them, and keeps the cost flat however large the history grows.
        keep = np.sort(np.random.default_rng(0).choice(len(final), MAX_CALIBRATION, replace=False))
        obs, final = obs.iloc[keep].reset_index(drop=True), final[keep]
    current = obs["observed"].to_numpy()
    p_pool = _pooled_infectiousness(obs, final)
    # The columns as arrays: the grid searches took pandas' column and row look-ups some
    # two thousand times a forecast (a sixth of the fits' time).
    obs = {name: obs[name].to_numpy() for name in _CALIBRATED}
    ratio = final / np.maximum(current, 1)
    growth = float(np.median(ratio))
    _, prior, n_star, scale, seismic = _grid_search(obs, final, p_pool)

    held_seismic, held_growth = _held_out_forecasts(obs, final, ratio, p_pool)
    error, weight, held = _best_blend(current, held_seismic, held_growth, final)
    resid = np.log(np.maximum(final, 1.0) / np.maximum(held, 1e-9))
    added = np.maximum(seismic - current, 0.0)
    expected_scale = float((final - current).sum() / added.sum()) if added.sum() > 0 else 1.0
    low, high = conformal_bounds(resid, INTERVAL)
    return SpreadModel(n_star=n_star, scale=scale, p_pool=p_pool, prior_strength=prior, log_resid_low=float(low),
                       log_resid_high=float(high), calibrated_on=len(final),
                       calibration_error=error, expected_scale=max(expected_scale, 0.0),
                       blend=weight, band_growth=growth)


def _held_out_forecasts(obs: dict[str, np.ndarray], final: np.ndarray, ratio: np.ndarray,
                        p_pool: float) -> tuple[np.ndarray, np.ndarray]:
    """Each calibration cascade's SEISMIC forecast and typical growth (final over observed)
    out of sample: the cascades in two halves, each forecast by constants fitted on the other."""
    half = np.random.default_rng(1).permutation(len(final)) % 2
    held_seismic = np.empty(len(final))
    held_growth = np.empty(len(final))  # the typical growth of the other half
    for h in (0, 1):
        fit_on, out = half != h, half == h
        _, pr, ns, sc, _ = _grid_search(_rows(obs, fit_on), final[fit_on], p_pool)
        held_out = _rows(obs, out)
        held_seismic[out] = _seismic(held_out, _infectiousness(held_out, p_pool, pr), ns, sc)
        held_growth[out] = np.median(ratio[fit_on])
    return held_seismic, held_growth


def _best_blend(current: np.ndarray, held_seismic: np.ndarray, held_growth: np.ndarray,
                final: np.ndarray) -> tuple[float, float, np.ndarray]:
    """The weight of BLEND_GRID whose blend of the held-out forecasts has the least median
    relative error (the first of equals): (that error, the weight, the blended forecasts)."""
    best = None
    for weight in BLEND_GRID:
        held = _blend(current, held_seismic, held_growth, weight)
        error = float(np.median(relative_error(held, final)))
        if best is None or error < best[0] - 1e-12:
            best = (error, weight, held)
    return best


_CALIBRATED = ("observed", "exposure", "weighted_count", "weighted_exposure")  # what the grid searches read


def _rows(columns: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
    return {name: values[rows] for name, values in columns.items()}


def _pooled_infectiousness(obs: pd.DataFrame, final: np.ndarray) -> float:
    """Windowed reshares over windowed exposure of all the calibration cascades; none
    reshared yet (e.g. roots alone): learnt from outcomes instead."""
    expo = obs["weighted_exposure"].to_numpy()
    p_pool = float(obs["weighted_count"].sum() / expo.sum()) if expo.sum() > 0 else 0.0
    if p_pool == 0.0 and obs["exposure"].sum() > 0:
        p_pool = float(np.maximum(final - obs["observed"].to_numpy(), 0).sum() / obs["exposure"].sum())
    return p_pool


PREDICTION_COLUMNS = ["infectiousness", "predicted_final_size", "predicted_final_size_low",
                      "predicted_final_size_high", "expected_final_size"]


@dataclass(frozen=True)
class StratifiedModel:
    """One SpreadModel per band of observed size (lower edges in `edges`)."""
    edges: tuple[int, ...]
    models: tuple[SpreadModel, ...]

    def predict(self, obs: pd.DataFrame) -> pd.DataFrame:
        band = self.band(obs)
        out = pd.DataFrame(index=obs.index, columns=PREDICTION_COLUMNS, dtype=np.float64)
        for k, model in enumerate(self.models):
            rows = band == k
            if rows.any():
                out.loc[rows] = predict(obs[rows], model).to_numpy()
        return out

    def band(self, obs: pd.DataFrame) -> np.ndarray:
        band = np.searchsorted(np.asarray(self.edges), obs["observed"].to_numpy(), side="right") - 1
        return np.clip(band, 0, len(self.models) - 1)

    def band_growth(self, obs: pd.DataFrame) -> np.ndarray:
        """The typical growth of each row's size band: a stronger baseline than one ratio."""
        return np.array([m.band_growth for m in self.models])[self.band(obs)]


class Observation:
    """What fit() reads of its calibration cascades: every one's observed size, and
    observe()'s statistics of the rows it samples (at most MAX_CALIBRATION per band)."""

    def __init__(self, observed: np.ndarray, rows: Callable[[np.ndarray], pd.DataFrame]):
        self.observed = observed
        self.rows = rows  # positions (ascending) -> their observe() rows, renumbered from 0

    @classmethod
    def of_frame(cls, obs: pd.DataFrame) -> Observation:
        return cls(obs["observed"].to_numpy(), lambda picked: obs.iloc[picked].reset_index(drop=True))


def cascade_bounds(ev: pd.DataFrame, cascades: int) -> np.ndarray:
    """Where each of the cascades' events start in prepared events, and the last one's end."""
    return np.searchsorted(ev["cascade"].to_numpy(), np.arange(cascades + 1))


def _events_of(ev: pd.DataFrame, bounds: np.ndarray, picked: np.ndarray) -> pd.DataFrame:
    """The events of the `picked` codes, renumbered 0.. in the order picked and sorted as
    prepare_events sorts, gathered by each cascade's range of events (bounds[c]:bounds[c + 1]
    of events grouped by cascade, in any order within one) instead of a pass over all of them."""
    counts = bounds[picked + 1] - bounds[picked]
    before = np.cumsum(counts) - counts
    rows = np.repeat(bounds[picked] - before, counts) + np.arange(counts.sum())
    cascade = np.repeat(np.arange(len(picked)), counts)
    t, followers, is_root = (ev[name].to_numpy()[rows] for name in ("t", "followers", "is_root"))
    order = canonical_order(cascade, is_root, t, followers)
    return pd.DataFrame({"cascade": cascade, "t": t[order], "followers": followers[order], "is_root": is_root[order]})


def fit(obs: pd.DataFrame | Observation, final: np.ndarray, edges=SIZE_STRATA) -> StratifiedModel:
    """Calibrate each size band on the completed cascades in it; a band with too few takes
    the cascades nearest to it in size, up to MIN_CALIBRATION (see _band_rows).

    The rows' order is the sample's: a band of more than MAX_CALIBRATION is calibrated on
    its first MAX_CALIBRATION rows, so callers give them in a random order (backtest: a
    seeded shuffle; predict_spread: by its `priority`). A fixed order rather than a draw
    here lets a load that holds only the cascades it changed pick the sample a whole
    recompute would (etl/cascade_increment.py). It also means that of the cascades that
    never grew past their root, fit() reads only the first MAX_CALIBRATION: a caller may
    leave the rest out and get the same model (the band of lone roots takes its first
    MAX_CALIBRATION members, a sparse band at most MIN_CALIBRATION of them, nearest first).

    (Widening edge by edge used to jump from the 8-odd cascades with 20+ nodes of an auspol
    fold straight to all those with 5+, most of which never grow: the band of the largest
    cascades was then calibrated to forecast no growth, i.e. final = current.)
    """
    final = np.asarray(final, dtype=np.float64)
    if isinstance(obs, pd.DataFrame):
        obs = Observation.of_frame(obs)
    models = [calibrate(obs.rows(picked), final[picked], enough)
              for picked, enough in _band_samples(obs.observed, len(final), edges)]
    return StratifiedModel(tuple(edges), tuple(models))


def sampled(observed: np.ndarray, cascades: int, edges=SIZE_STRATA) -> np.ndarray:
    """The rows (ascending) fit() calibrates on, of `cascades` complete cascades of which
    `observed` were seen: a caller may read the events of only these."""
    picks = [picked for picked, _ in _band_samples(observed, cascades, edges)]
    return np.unique(np.concatenate(picks)) if picks else np.array([], dtype=np.int64)


def _band_samples(observed: np.ndarray, cascades: int, edges) -> list[tuple[np.ndarray, int]]:
    """Per band of `edges`: the rows fit() calibrates it on, and the fewest it needs."""
    size = np.maximum(observed, 1)
    samples = []
    for k, lo in enumerate(edges):
        rows = _band_rows(size, lo, edges[k + 1] if k + 1 < len(edges) else np.inf)
        # a band that left lone roots out may hold fewer than MIN_CALIBRATION (see _band_rows)
        enough = MIN_BORROWED if lo > 1 and cascades >= MIN_CALIBRATION else MIN_CALIBRATION
        samples.append((np.flatnonzero(rows)[:MAX_CALIBRATION], enough))
    return samples


def _band_rows(size: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The cascades of band [lo, hi); too few: the MIN_CALIBRATION cascades nearest to the
    band in log size (the band's own first, equidistant ones larger first).

    Nearest on either side: widening a sparse band of small cascades to every larger one
    (as this once did) let a training fold with 19 lone roots be calibrated on all its
    cascades, most of them far larger, and forecast the roots a tenth of their growth.
    Lone roots (nothing reshared yet, no infectiousness to measure) are borrowed only by the
    band of lone roots, or when fewer than MIN_BORROWED reshared cascades exist: in a small
    set of large cascades (the 30-odd of a training fold that reached 20 nodes) the band of
    20+ used to fill up with roots still alone at 1 h and learn their 30x growth.
    Exactly that many: a tie at the cut-off (typically the many lone roots) would otherwise
    flood a band of large cascades with cascades of a different kind.
    """
    rows = (size >= lo) & (size < hi)  # (sizes are whole: the same as comparing their logs)
    if rows.sum() >= MIN_CALIBRATION:
        return rows
    # Worked out per distinct size, not per cascade: cascades of one size are equidistant,
    # so they are taken in their order, a whole size at a time, the last one in part
    # (ranked per cascade, a band took 77 ms among the 4.9M complete cascades of 10M mentions).
    values, counts = _size_counts(size)
    log_value = np.log(values)
    top = np.log(hi - 1) if np.isfinite(hi) else np.inf  # sizes are integers
    distance = np.maximum(np.maximum(np.log(lo) - log_value, log_value - top), 0.0)
    if lo > 1 and counts[values > 1].sum() >= MIN_BORROWED:
        distance = np.where(values > 1, distance, np.inf)
    nearest = np.lexsort((-log_value, distance))
    nearest = nearest[np.isfinite(distance[nearest])]
    taken = np.cumsum(counts[nearest])
    whole = nearest[taken <= MIN_CALIBRATION]
    rows = np.isin(size, values[whole])
    if len(whole) < len(nearest):
        short = MIN_CALIBRATION - (int(taken[len(whole) - 1]) if len(whole) else 0)
        rows[np.flatnonzero(size == values[nearest[len(whole)]])[:short]] = True
    return rows


def _size_counts(size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct sizes, ascending, and how many cascades have each."""
    if np.issubdtype(size.dtype, np.integer):  # counted without a sort of every cascade
        counts = np.bincount(size)
        values = np.flatnonzero(counts)
        return values, counts[values]
    return np.unique(size, return_counts=True)


# ------------------------------------------------------------------------ back-test


def backtest(events: pd.DataFrame, observe_age: float = 3600.0, folds: int = 2,
             min_observed: int = 1, seed: int = 0) -> dict:
    """Median relative error of the final size, each cascade seen for `observe_age` seconds.

    Cross-validated: the cascades are split into `folds` at random, each fold predicted
    with a model calibrated on the others. interval_coverage: the share of the scored
    cascades whose final size fell within the forecast's interval (INTERVAL: meant to hold
    80%; the default model's, under MIN_CALIBRATION cascades, is no measured one). Baselines:
    final = current, current x the median growth ratio of the calibration folds, and
    current x the median growth ratio of the calibration cascades of the same size band
    (band_growth, a stronger one). Only
    cascades with at least `min_observed` nodes (root included) at the observation age are
    scored; calibration uses every cascade.
    """
    ev = prepare_events(events)
    final = final_sizes(ev)
    obs = observe(ev, np.full(len(final), float(observe_age)))
    fold = np.random.default_rng(seed).integers(0, folds, len(final))
    pred, low, high = np.empty(len(final)), np.empty(len(final)), np.empty(len(final))
    growth_pred = np.empty(len(final))
    band_growth_pred = np.empty(len(final))
    rng = np.random.default_rng(seed)
    for f in range(folds):
        train, test = fold != f, fold == f
        shuffled = rng.permutation(np.flatnonzero(train))  # fit() samples a band's first rows
        model = fit(obs.iloc[shuffled].reset_index(drop=True), final[shuffled])
        forecast = model.predict(obs[test].reset_index(drop=True))
        pred[test] = forecast["predicted_final_size"].to_numpy()
        low[test] = forecast["predicted_final_size_low"].to_numpy()
        high[test] = forecast["predicted_final_size_high"].to_numpy()
        growth = _median(final[train] / np.maximum(obs["observed"].to_numpy()[train], 1))
        growth_pred[test] = obs["observed"].to_numpy()[test] * growth
        band_growth_pred[test] = obs["observed"].to_numpy()[test] * model.band_growth(obs[test])
    current = obs["observed"].to_numpy()
    scored = current >= min_observed
    inside = (low[scored] <= final[scored]) & (final[scored] <= high[scored])
    return {
        "cascades": int(scored.sum()),
        "observe_age_s": float(observe_age),
        "median_rel_error_seismic": _median(relative_error(pred[scored], final[scored])),
        "median_rel_error_current": _median(relative_error(current[scored], final[scored])),
        "median_rel_error_growth": _median(relative_error(growth_pred[scored], final[scored])),
        "median_rel_error_band_growth": _median(relative_error(band_growth_pred[scored], final[scored])),
        "interval_coverage": float(inside.mean()) if len(inside) else float("nan"),
    }


def _median(values: np.ndarray) -> float:
    """The median, NaN (unknown) of nothing: numpy's warnings ('Mean of empty slice') went to
    stderr of `metrics backtest` on a history with no cascade to score, beside its output."""
    return float(np.median(values)) if len(values) else float("nan")


# ------------------------------------------------------------------------- as of T

FOLLOWER_SHRINK = 5.0  # reshares' worth of prior on a cascade's followers per reshare


def _cascades_where(ev: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The events observe() reads of the cascades where `keep`, renumbered in order (the
    open ones, which predict_spread observes in full)."""
    code = ev["cascade"].to_numpy()
    rows = keep[code]
    return pd.DataFrame({"cascade": (np.cumsum(keep) - 1)[code[rows]], "t": ev["t"].to_numpy()[rows],
                         "followers": ev["followers"].to_numpy()[rows], "is_root": ev["is_root"].to_numpy()[rows]})


def predict_spread(events: pd.DataFrame, as_of: float, completion_age: float = COMPLETION_AGE,
                   priority: Callable[[np.ndarray], np.ndarray] | None = None) -> pd.DataFrame:
    """Forecast of every cascade from the events created up to `as_of` (seconds).

    A cascade whose root is at least `completion_age` old counts as complete: its forecast is
    what it has. Open cascades are grouped by age (AGE_BUCKETS); each group is predicted
    by a model calibrated on the complete cascades truncated at the group's median age, so
    a 20-minute-old cascade is judged against how others looked at 20 minutes.
    priority: sort keys for cascade ids; a band's calibration sample is its complete cascades
    with the lowest keys (see fit). Default: a seeded random order.
    Returns, indexed by cascade_id: observed, age, complete, the PREDICTION_COLUMNS and
    followers_per_reshare (see followers_per_reshare).
    """
    within = pd.to_numeric(events["time"], errors="coerce").to_numpy() <= as_of
    if not within.all():  # (copying them all would cost 200 MB at 10M mentions)
        events = events[within]
    ev = prepare_events(events)
    del events  # a caller that handed its only reference frees it here (10M mentions: 200 MB)
    ids = cascade_ids(ev)
    age = cascade_ages(ev, len(ids), as_of)
    current = observed_sizes(ev, age)
    complete = age >= completion_age
    opened = observe(_cascades_where(ev, ~complete), age[~complete])  # the ones forecast
    out = pd.DataFrame(index=np.arange(len(ids)), columns=PREDICTION_COLUMNS, dtype=np.float64)
    out.loc[complete, PREDICTION_COLUMNS[1:]] = np.repeat(current[complete, None].astype(float), 4, axis=1)
    out.loc[complete, "infectiousness"] = 0.0
    if not complete.all():
        finished = np.flatnonzero(complete)
        keys = priority(ids[finished]) if priority is not None else np.random.default_rng(0).permutation(len(finished))
        # (read in place among every cascade's events: a copy of the complete ones' was
        # 250 MB at 10M mentions, at the forecast's peak)
        calibration = CompleteEvents(ev, current, finished[np.argsort(keys, kind="stable")])
        out.loc[~complete] = forecast_open(opened, age[~complete], calibration).to_numpy()

    cap, overall = reshare_followers(ev["followers"].to_numpy()[~ev["is_root"].to_numpy()])
    out["followers_per_reshare"] = followers_per_reshare(ev, len(ids), cap, overall)
    out["observed"] = current
    out["age"] = age
    out["complete"] = complete
    out.index = pd.Index(ids, name="cascade_id")
    return out


class CompleteEvents:
    """The complete cascades forecast_open calibrates on, from prepare_events' columns (the
    events grouped by cascade code, in any order within a cascade): `order` holds their codes
    in the sample order (see fit), in which `final` gives their final sizes and observation()
    their Observation at any age. final: the size of every cascade of ev."""

    def __init__(self, ev: pd.DataFrame, final: np.ndarray, order: np.ndarray):
        self.ev, self.order = ev, order
        self.final = final[order]
        self.bounds = cascade_bounds(ev, len(final))

    def seen(self, age: float) -> np.ndarray:
        """Each cascade's events by `age`, in the sample order."""
        # Counted per cascade's range of events (each has its root): a bincount of the
        # seen events' codes held a copy of them (10M events: 80 MB a fit, two at a time).
        return np.add.reduceat(self.ev["t"].to_numpy() <= age, self.bounds[:-1], dtype=np.int64)[self.order]

    def observation(self, age: float) -> Observation:
        """Every cascade seen `age` seconds after its root, observed in full only where
        sampled: observing every complete cascade of a history, once per age group, was
        most of the forecast's time (10M mentions: 8 of 12 s) for a thousand per band."""
        def rows(picked: np.ndarray) -> pd.DataFrame:
            return observe(_events_of(self.ev, self.bounds, self.order[picked]), np.full(len(picked), age))
        return Observation(self.seen(age), rows)


class SampledEvents(CompleteEvents):
    """CompleteEvents whose counts were made elsewhere, holding the events of only the
    cascades fit() samples: `final` and `counts[age]` (each cascade's events by that age)
    give every complete cascade in the sample order, at each age it is fitted at; `order`
    the code in ev of each (-1: its events not read, as fit() samples none of them: see
    sampled)."""

    def __init__(self, ev: pd.DataFrame, final: np.ndarray, counts: dict[float, np.ndarray], order: np.ndarray):
        self.ev, self.order, self.final, self.counts = ev, order, final, counts
        self.bounds = cascade_bounds(ev, int((order >= 0).sum()))

    def seen(self, age: float) -> np.ndarray:
        return self.counts[age]


def forecast_open(opened: pd.DataFrame, age: np.ndarray, complete) -> pd.DataFrame:
    """PREDICTION_COLUMNS of the open cascades observed in `opened` (observe's rows) at
    `age`: each age bucket by a model fitted on the complete cascades (`complete.final`,
    `complete.observation(age)`) seen at the bucket's median age."""
    out = pd.DataFrame(index=np.arange(len(age)), columns=PREDICTION_COLUMNS, dtype=np.float64)
    buckets = fit_ages(age)

    def fitted(fit_age: float) -> StratifiedModel:
        return fit(complete.observation(fit_age), complete.final)

    # The buckets' fits are independent, and numpy's array work lets go of the GIL: two
    # cores fit two buckets at once.
    with ThreadPoolExecutor(max_workers=min(len(buckets), os.cpu_count() or 1) or 1) as pool:
        models = list(pool.map(fitted, [fit_age for _, fit_age in buckets]))
    for (rows, _), model in zip(buckets, models):
        out.loc[rows] = model.predict(opened[rows].reset_index(drop=True)).to_numpy()
    return out


def fit_ages(age: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """forecast_open's age buckets of the open cascades: each one's rows, and the age its
    model is fitted at (the bucket's median age)."""
    bucket = np.searchsorted(AGE_BUCKETS, age, side="right")
    return [(rows, float(np.median(age[rows]))) for rows in (bucket == b for b in np.unique(bucket))]


def reshare_followers(followers: np.ndarray) -> tuple[float, float]:
    """(cap, mean) of the reshares' followers: the 99th percentile, and the mean clipped to it
    (summed in sorted order, so it does not depend on the order of the reshares)."""
    if not len(followers):
        return 0.0, 0.0
    cap = float(np.quantile(followers, 0.99))
    return cap, float(np.sort(np.minimum(followers, cap)).sum()) / len(followers)


def followers_per_reshare(ev: pd.DataFrame, cascades: int, cap: float, overall: float) -> np.ndarray:
    """Each cascade's mean followers per reshare in prepared events (each clipped to `cap`),
    shrunk towards the `overall` mean by FOLLOWER_SHRINK reshares' worth, so one celebrity
    does not set everyone's reach. (Every event counts: none is later than the as-of time,
    so none is past its cascade's age.)"""
    new = ~ev["is_root"].to_numpy()
    reshared, followers = ev["cascade"].to_numpy()[new], ev["followers"].to_numpy()[new]
    n_new = np.bincount(reshared, minlength=cascades)
    sum_new = np.bincount(reshared, weights=np.minimum(followers, cap), minlength=cascades)
    return (sum_new + FOLLOWER_SHRINK * overall) / (n_new + FOLLOWER_SHRINK)


def cascade_ages(ev: pd.DataFrame, cascades: int, as_of: float) -> np.ndarray:
    """Each cascade's age at `as_of` in prepared events: seconds since its root."""
    root_time = ev.loc[ev["is_root"], ["cascade", "time"]].drop_duplicates("cascade").set_index("cascade")["time"]
    return as_of - root_time.reindex(np.arange(cascades)).to_numpy()
