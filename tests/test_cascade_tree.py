"""Cascade forests: structural virality against known Wiener indices and networkx, and the
repairs applied to pathological links."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from etl.cascade_tree import (INFER_RECENT_CANDIDATES, ancestry, build_forest, structural_virality,
                              subtree_sizes, tree_metrics)


def frame(parents, kinds=None, times=None, followers=None, authors=None):
    """Edge frame for nodes n0..n{k-1}; parents are indices (-1 root) or raw ids (str/None)."""
    k = len(parents)
    return pd.DataFrame({
        "node_id": [f"n{i}" for i in range(k)],
        "parent_id": [p if (p is None or isinstance(p, str)) else (None if p < 0 else f"n{p}") for p in parents],
        "created_at": np.arange(k, dtype=float) * 60 if times is None else times,
        "author_id": [f"a{i}" for i in range(k)] if authors is None else authors,
        "followers": np.full(k, 10.0) if followers is None else followers,
        "kind": kinds or ["post"] + ["reply"] * (k - 1),
    })


def metrics_of(parents, **kw):
    nodes = build_forest(frame(parents, **kw))
    return nodes, tree_metrics(nodes).set_index("root_id")


@pytest.mark.parametrize("n", [2, 3, 10, 101])
def test_star_virality_is_two_times_n_minus_one_over_n(n):
    _, m = metrics_of([-1] + [0] * (n - 1))
    assert m.loc["n0", "structural_virality"] == pytest.approx(2 * (n - 1) / n)
    assert m.loc["n0", "depth"] == 1
    assert m.loc["n0", "max_breadth"] == n - 1


@pytest.mark.parametrize("n", [2, 5, 64, 2500])  # 2500 levels takes the deep-forest scan
def test_path_virality_is_n_plus_one_over_three(n):
    _, m = metrics_of([-1] + list(range(n - 1)))
    assert m.loc["n0", "structural_virality"] == pytest.approx((n + 1) / 3)
    assert m.loc["n0", "depth"] == n - 1
    assert m.loc["n0", "max_breadth"] == 1


def test_single_node_cascade_has_zero_virality():
    _, m = metrics_of([-1])
    assert m.loc["n0", "structural_virality"] == 0
    assert m.loc["n0", "size"] == 1


@pytest.mark.parametrize("seed", range(8))
def test_random_forest_matches_networkx_wiener_index(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    parent = np.array([-1] + [int(rng.integers(-1, i)) if rng.random() < 0.15 else int(rng.integers(0, i))
                              for i in range(1, n)])
    sv = structural_virality(parent)
    root, _, _ = ancestry(parent)
    graph = nx.Graph([(i, int(p)) for i, p in enumerate(parent) if p >= 0])
    graph.add_nodes_from(range(n))
    for r in np.flatnonzero(parent < 0):
        members = np.flatnonzero(root == r)
        k = len(members)
        expected = nx.wiener_index(graph.subgraph(members.tolist())) / (k * (k - 1) / 2) if k > 1 else 0.0
        assert sv[r] == pytest.approx(expected)


def test_subtree_sizes_count_descendants():
    parent = np.array([-1, 0, 0, 1, 1, 3, -1])
    _, depth, _ = ancestry(parent)
    assert subtree_sizes(parent, depth).tolist() == [6, 4, 1, 2, 1, 1, 1]


def test_metrics_by_kind_reach_and_half_time():
    kinds = ["post", "share", "quote", "reply", "share", "comment"]
    parents = [-1, 0, 0, 1, 1, 2]
    times = [0, 10, 20, 600, 900, 3600]
    followers = [1000, 50, 20, 5, np.nan, 30]
    authors = ["root", "x", "y", "x", "z", "w"]  # x twice: counted once
    _, m = metrics_of(parents, kinds=kinds, times=times, followers=followers, authors=authors)
    row = m.loc["n0"]
    assert (row["size"], row["shares"], row["quotes"], row["replies"]) == (6, 2, 1, 2)
    assert row["potential_reach"] == 1000 + 50 + 20 + 30
    assert row["impressions_low"] == pytest.approx(0.01 * 1100)
    assert row["impressions_high"] == pytest.approx(0.20 * 1100)
    assert row["time_to_half_size"] == 20  # 3rd of 6 nodes
    assert row["depth"] == 2 and row["max_breadth"] == 3


@pytest.mark.parametrize("parents, depth, breadth", [
    ([-1], 0, 1),                # a lone root: its one level holds one node
    ([-1, 0], 1, 1),
    ([-1, 0, 1, 2], 3, 1),       # a chain
    ([-1, 0, 0, 0, 1], 2, 3),    # widest at level 1
])
def test_depth_and_max_breadth_count_the_levels_nodes(parents, depth, breadth):
    _, m = metrics_of(parents)
    assert (m.loc["n0", "depth"], m.loc["n0", "max_breadth"]) == (depth, breadth)


def test_self_loop_is_dropped():
    nodes, m = metrics_of([-1, 0, "n2"])
    assert nodes.set_index("node_id").loc["n2", "self_loop"]
    assert set(m.index) == {"n0", "n2"}


def test_a_self_loop_falls_back_to_the_nodes_other_link():
    # a share declaring itself its parent, its shared root n0: it joins n0, flagged, rather
    # than being cut from a one-node cycle into a root of its own (review: untested)
    edges = frame([-1, 0, "n2"], kinds=["post", "reply", "share"])
    edges["fallback_parent_id"] = [None, None, "n0"]
    nodes = build_forest(edges).set_index("node_id")
    assert nodes.loc["n2", "self_loop"] and nodes.loc["n2", "parent_id"] == "n0"
    assert not nodes.loc["n2", "cycle_cut"]


def test_node_claimed_by_two_parents_keeps_earliest_valid():
    edges = frame([-1, 0, 1, -1])
    extra = edges.iloc[[2]].assign(parent_id="n0")  # n2 also claimed by n0 (earlier than n1)
    extra2 = edges.iloc[[2]].assign(parent_id="n3")  # and by n3, created after n2: not valid first
    nodes = build_forest(pd.concat([edges, extra, extra2])).set_index("node_id")
    assert nodes.loc["n2", "parent_id"] == "n0"
    assert nodes.loc["n2", "multi_parent"]
    assert len(nodes) == 4


def test_missing_parent_becomes_root_or_falls_back_to_shared_root():
    edges = frame([-1, "gone", "gone"], kinds=["post", "reply", "share"])
    edges["fallback_parent_id"] = [None, None, "n0"]
    nodes = build_forest(edges).set_index("node_id")
    assert nodes.loc["n1", "root_id"] == "n1" and nodes.loc["n1", "orphan"]
    assert nodes.loc["n2", "parent_id"] == "n0" and not nodes.loc["n2", "orphan"]


def test_cycle_is_cut_at_its_earliest_node():
    # parent links n2 -> n1 -> n3 -> n2 with n2 the earliest created; n4 hangs off the cycle
    nodes, m = metrics_of([-1, 3, 1, 2, 3], times=[0, 50, 10, 30, 60])
    nodes = nodes.set_index("node_id")
    assert nodes.loc["n2", "cycle_cut"] and nodes.loc["n2", "parent"] == -1
    assert nodes.loc["n4", "root_id"] == "n2"
    assert m.loc["n2", "size"] == 4 and m.loc["n2", "depth"] == 2


def test_child_before_parent_is_clamped_to_parent_time():
    nodes, m = metrics_of([-1, 0, 1], times=[100, 50, 40])
    nodes = nodes.set_index("node_id")
    assert nodes["time"].tolist() == [100, 100, 100]
    assert nodes.loc["n1", "clamped"] and nodes.loc["n2", "clamped"]
    assert m.loc["n0", "time_to_half_size"] == 0


def test_flattened_retweets_get_inferred_parents():
    # every share points at the root; n2 comes 10 s after n1, a big account, long after the root
    kinds = ["post", "share", "share", "share"]
    times = [0, 7200, 7210, 90000]
    followers = [100, 50000, 10, 10]
    nodes, m = metrics_of([-1, 0, 0, 0], kinds=kinds, times=times, followers=followers)
    nodes = nodes.set_index("node_id")
    assert nodes.loc["n2", "parent_id"] == "n1" and nodes.loc["n2", "inferred_edge"]
    assert nodes.loc["n3", "parent_id"] == "n1"  # the most-followed earlier sharer
    assert not nodes.loc["n1", "inferred_edge"]  # nothing earlier beats the root
    assert m.loc["n0", "depth"] == 2 and m.loc["n0", "inferred_edges"] == 2


def test_a_late_flattened_share_goes_to_the_most_followed_sharer_beyond_the_recent_ones():
    # a big account shares at 1 h, small ones just after (more than the recent candidates
    # looked at one by one), then one more share two days later: the big account, not the
    # root, is its likeliest source (review: untested)
    count = INFER_RECENT_CANDIDATES + 8
    kinds = ["post"] + ["share"] * (count + 2)
    times = [0, 3600] + [3600 + 10 * (i + 1) for i in range(count)] + [55 * 3600]
    followers = [100, 1_000_000] + [1] * count + [1]
    nodes, _ = metrics_of([-1] + [0] * (count + 2), kinds=kinds, times=times, followers=followers)
    late = nodes.set_index("node_id").loc[f"n{count + 2}"]
    assert late["parent_id"] == "n1" and late["inferred_edge"]


def test_shares_with_real_depth_are_not_reinferred():
    kinds = ["post", "share", "share", "share"]
    nodes, _ = metrics_of([-1, 0, 1, 0], kinds=kinds, followers=[1, 1000, 1, 1])
    assert not nodes["inferred_edge"].any()
    assert nodes.set_index("node_id").loc["n3", "parent_id"] == "n0"


def test_datetime_created_at_is_accepted():
    times = pd.to_datetime(["2024-01-01T00:00:00Z", "2024-01-01T00:05:00Z", "2024-01-01T01:00:00Z"])
    _, m = metrics_of([-1, 0, 0], times=times)
    assert m.loc["n0", "time_to_half_size"] == 300
