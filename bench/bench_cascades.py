"""Cascade benchmarks: structural virality of a 1M-node tree, metrics for 1M mentions in
100k cascades, and the spread back-test on real retweet cascades observed for 1 hour.

    python3 bench/bench_cascades.py [--cascades PATH] [--observe-hours 1] [--only-spread] [--repeats 10]
    python3 bench/bench_cascades.py --grid   (only the forecast's grid search, on a synthetic band)

PATH: a CSV with cascade_id, magnitude (followers), time (seconds after the first tweet),
user (default: the auspol development set). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from etl.cascade_tree import build_forest, structural_virality, tree_metrics  # noqa: E402
from etl.spread import backtest, predict_spread  # noqa: E402

AUSPOL = Path("/work/shared/data/auspol/auspol_cascades.csv")


def random_tree(rng, n):
    """Random recursive tree: node i attaches to a uniform earlier node."""
    return np.concatenate([[-1], (rng.random(n - 1) * np.arange(1, n)).astype(np.int64)])


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def bench_virality(rng):
    n = 1_000_000
    parent = random_tree(rng, n)
    sv, secs = timed(structural_virality, parent)
    chain, chain_secs = timed(structural_virality, np.arange(-1, n - 1))
    # baseline in the same run: networkx's all-pairs Wiener index on a small tree, scaled
    # by its O(n^2) cost (what per-cascade networkx would take at 1M nodes)
    small = 2000
    g = nx.Graph([(i, int(p)) for i, p in enumerate(random_tree(rng, small)) if p >= 0])
    _, nx_secs = timed(nx.wiener_index, g)
    nx_scaled = nx_secs * (n / small) ** 2
    print(f"structural virality, 1,000,000-node random tree: {secs:.3f} s (value {sv[0]:.3f}; target <= 3 s)")
    print(f"structural virality, 1,000,000-node chain:       {chain_secs:.3f} s (value {chain[0]:.1f}, exact {(n + 1) / 3:.1f})")
    print(f"  baseline networkx.wiener_index on {small} nodes: {nx_secs:.3f} s -> scaled O(n^2) to 1M: "
          f"{nx_scaled:,.0f} s; ratio {nx_scaled / secs:,.0f}x")


def forest_edges(rng, n=1_000_000, k=100_000):
    """n mentions in k cascades, each grown as a random recursive tree of shares/replies."""
    m = n - k
    cascade = np.sort(rng.integers(0, k, m))
    start = np.searchsorted(cascade, cascade)
    rank = np.arange(m) - start
    members = np.arange(k, n)
    pick = (rng.random(m) * (rank + 1)).astype(np.int64)  # 0: the root, else an earlier member
    parent = np.full(n, -1)
    parent[members] = np.where(pick == 0, cascade, members[start + np.maximum(pick - 1, 0)])
    times = np.empty(n)
    times[:k] = rng.random(k) * 30 * 86400
    times[members] = times[cascade] + (rank + rng.random(m)) * 600  # later rank, later time
    ids = np.char.add("m", np.arange(n).astype(str)).astype(object)
    kinds = np.where(rng.random(n) < 0.7, "share", "reply").astype(object)
    kinds[:k] = "post"
    return pd.DataFrame({"node_id": ids, "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
                         "created_at": times, "author_id": rng.integers(0, 300_000, n),
                         "followers": np.floor(rng.pareto(1.2, n) * 100), "kind": kinds})


def naive_metrics(nodes, roots):
    """Baseline: a per-cascade pandas/networkx loop, as one would write it naively."""
    for root in roots:
        part = nodes[nodes["root_id"] == root]
        g = nx.Graph(list(zip(part["node_id"], part["parent_id"].fillna(part["node_id"]))))
        g.remove_edges_from(nx.selfloop_edges(g))
        nx.wiener_index(g)
        nx.eccentricity(g, root)


def bench_metrics(rng):
    edges = forest_edges(rng)
    nodes, forest_secs = timed(build_forest, edges)
    metrics, metric_secs = timed(tree_metrics, nodes)
    total = forest_secs + metric_secs
    events = pd.DataFrame({"cascade_id": nodes["root"], "time": nodes["time"], "followers": nodes["followers"],
                           "is_root": nodes["parent"] < 0})
    _, spread_secs = timed(predict_spread, events, float(nodes["time"].quantile(0.9)))
    print(f"spread forecast as of the 90th time percentile, same {len(metrics):,} cascades: {spread_secs:.2f} s")
    sample = metrics["root_id"].iloc[:200].tolist()
    _, naive_secs = timed(naive_metrics, nodes, sample)
    naive_scaled = naive_secs * len(metrics) / len(sample)
    print(f"metrics, {len(nodes):,} mentions in {len(metrics):,} cascades: {total:.2f} s "
          f"(forest {forest_secs:.2f} s + metrics {metric_secs:.2f} s; target <= 20 s)")
    print(f"  baseline per-cascade pandas+networkx loop on 200 cascades: {naive_secs:.2f} s -> scaled to "
          f"{len(metrics):,}: {naive_scaled:,.0f} s; ratio {naive_scaled / total:,.0f}x")


def _cell(results, key):
    values = [r[key] for r in results if key in r]
    if not values:
        return "  -  "
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{np.mean(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def _line(label, results, secs):
    r = results[0]
    return (f"  {label}: n={r['cascades']:>5}  seismic {_cell(results, 'median_rel_error_seismic')}  "
            f"final=current {_cell(results, 'median_rel_error_current')}  "
            f"current x typical growth {_cell(results, 'median_rel_error_growth')}  "
            f"current x band growth {_cell(results, 'median_rel_error_band_growth')}  "
            f"80% interval held {_cell(results, 'interval_coverage')}  ({secs:.1f} s)")


def bench_backtest(path: Path, hours: float, repeats: int = 1):
    if not path.exists():
        print(f"spread back-test skipped: {path} is missing (real data is not in the repo)")
        return
    raw = pd.read_csv(path)
    events = raw.rename(columns={"magnitude": "followers"})[["cascade_id", "time", "followers"]]
    seeds = range(repeats)
    print(f"spread back-test on {path} ({events['cascade_id'].nunique():,} cascades), observed {hours:g} h, "
          "2-fold cross-validated, median relative error of the final size"
          + (f" (mean [min-max] over {repeats} random fold splits)" if repeats > 1 else "") + ":")
    for min_observed in (1, 5, 10, 20, 50):
        rs, secs = timed(lambda m: [backtest(events, hours * 3600, min_observed=m, seed=k) for k in seeds], min_observed)
        print(_line(f"cascades with >= {min_observed:>2} nodes seen", rs, secs))
    sizes = events.groupby("cascade_id").size()
    large = events[events["cascade_id"].isin(sizes.index[sizes >= 20])]
    rs, secs = timed(lambda: [backtest(large, hours * 3600, seed=k) for k in seeds])
    print(_line("only cascades that reached >= 20 (selected on outcome, like 'large cascade' sets)", rs, secs))


def bench_grid_search(repeats: int = 10) -> None:
    """The calibration's grid search on a band of MAX_CALIBRATION synthetic cascades, most
    never growing (ties), as the forecast of an added load runs it 105 times."""
    from etl import spread
    rng = np.random.default_rng(5)
    n = spread.MAX_CALIBRATION
    current = rng.integers(1, 30, n).astype(float)
    obs = pd.DataFrame({"observed": current, "exposure": rng.lognormal(5, 2, n) * (rng.random(n) < 0.8),
                        "weighted_count": rng.poisson(0.5, n).astype(float),
                        "weighted_exposure": rng.lognormal(6, 2, n)})
    final = np.round(current * np.where(rng.random(n) < 0.6, 1.0, rng.lognormal(0.3, 0.5, n)))
    p_pool = spread._pooled_infectiousness(obs, final)
    times = [timed(spread._grid_search, obs, final, p_pool)[1] for _ in range(repeats)]
    print(f"grid search over {n} cascades: best {min(times) * 1000:.1f} ms, "
          f"median {float(np.median(times)) * 1000:.1f} ms of {repeats}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cascades", type=Path, default=AUSPOL)
    parser.add_argument("--observe-hours", type=float, default=1.0)
    parser.add_argument("--skip-synthetic", "--only-spread", action="store_true",
                        help="skip the 1M-node benchmarks; run only the spread back-test")
    parser.add_argument("--repeats", type=int, default=1,
                        help="random fold splits to average the back-test over (its noise is large)")
    parser.add_argument("--grid", action="store_true", help="time only the forecast's grid search")
    args = parser.parse_args()
    if args.grid:
        bench_grid_search()
        return
    rng = np.random.default_rng(0)
    if not args.skip_synthetic:
        bench_virality(rng)
        bench_metrics(rng)
    bench_backtest(args.cascades, args.observe_hours, args.repeats)


if __name__ == "__main__":
    main()
