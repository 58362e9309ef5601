"""Cascade forests from raw reply/share links, and their per-cascade metrics (SPEC section 4).

Two steps, both vectorised over every cascade at once:

* `build_forest(edges)` turns links as exported (a node claimed by two parents, self-loops,
  cycles, children timestamped before their parent, parents missing from the data,
  flattened retweets) into a clean forest: one parent per node, no cycles, monotone times.
  It returns one row per node with its parent, root, depth, subtree size and what repair
  was applied to it.
* `tree_metrics(nodes)` aggregates that forest into one row per cascade: size by kind,
  depth, max breadth, structural virality, potential reach, impressions range, time to
  half size.

Nothing here loops over cascades in Python: ancestry is found by pointer doubling
(log2(depth) numpy passes), subtree sizes by one pass per depth level (or a plain linear
scan when the forest is very deep), and aggregates by bincount.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.memory_kernel import memory_kernel

REPLY_KINDS = ("reply", "comment")
DEFAULT_IMPRESSIONS = (0.01, 0.20)  # share of potential reach actually seeing a post (SPEC 4)
# Deep forests (long reply chains) would need one numpy pass per level; past this many
# levels a single linear scan in Python is faster than thousands of tiny numpy calls.
_MAX_LEVEL_PASSES = 2000
# How many of the latest earlier sharers a flattened share may be attributed to, besides
# the root and the most-followed earlier sharer (the kernel makes older ones unlikely).
INFER_RECENT_CANDIDATES = 32


def to_seconds(values) -> np.ndarray:
    """Seconds as float64 from numbers or (tz-aware) datetimes; NaN where missing."""
    series = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        ns = series.astype("datetime64[ns]")
        out = ns.astype("int64").to_numpy().astype(np.float64) / 1e9
        out[ns.isna().to_numpy()] = np.nan
        return out
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)


# --------------------------------------------------------------------------- ancestry


def ancestry(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Root, depth and 'reaches a root' flag of every node of a parent-index array.

    parent[i] is the index of i's parent or -1. Pointer doubling: after k passes jump[i] is
    i's 2^k-th ancestor (or its root) and dist[i] the distance to it, so ceil(log2 n) + 1
    passes reach every root. A node still not at a root then hangs off a cycle.
    """
    n = len(parent)
    idx = np.arange(n)
    jump = np.where(parent >= 0, parent, idx)
    dist = (parent >= 0).astype(np.int64)
    for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
        nxt = jump[jump]
        if np.array_equal(nxt, jump):
            break
        dist = dist + dist[jump]
        jump = nxt
    reaches_root = parent[jump] < 0 if n else np.zeros(0, dtype=bool)
    return jump, dist, reaches_root


def _break_cycles(parent: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Cut one edge per cycle (into its earliest node); returns the cut nodes' mask.

    Cycles only arise from inconsistent data (time-ordered links cannot loop), so the
    Python walk below visits a handful of nodes, never the forest.
    """
    cut = np.zeros(len(parent), dtype=bool)
    while True:
        jump, _, ok = ancestry(parent)
        if ok.all():
            return cut
        seen: set[int] = set()
        for start in np.unique(jump[~ok]).tolist():  # after >= n steps: on a cycle
            if start in seen:
                continue
            members, node = [], start
            while node not in seen:
                seen.add(node)
                members.append(node)
                node = int(parent[node])
            earliest = min(members, key=lambda m: (np.nan_to_num(time[m], nan=np.inf), m))
            parent[earliest] = -1
            cut[earliest] = True


def path_max(parent: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each node, the max of `values` over the node and all its ancestors (doubling)."""
    n = len(parent)
    jump = np.where(parent >= 0, parent, np.arange(n))
    best = values.copy()
    for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
        best = np.fmax(best, best[jump])
        nxt = jump[jump]
        if np.array_equal(nxt, jump):
            break
        jump = nxt
    return best


def subtree_sizes(parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Number of nodes in each node's subtree (itself included), in linear time.

    Children are folded into parents deepest level first, one bincount per level; a very
    deep forest (a long chain) takes the same order in a single Python scan instead.
    """
    n = len(parent)
    size = np.ones(n, dtype=np.int64)
    if n == 0:
        return size
    order = np.argsort(-depth, kind="stable")
    max_depth = int(depth.max())
    if max_depth > _MAX_LEVEL_PASSES:
        sizes, parents = size.tolist(), parent.tolist()
        for i in order.tolist():
            p = parents[i]
            if p >= 0:
                sizes[p] += sizes[i]
        return np.asarray(sizes, dtype=np.int64)
    bounds = np.searchsorted(-depth[order], np.arange(-max_depth, 1), side="left")
    for level in range(max_depth, 0, -1):
        nodes = order[bounds[max_depth - level]: bounds[max_depth - level + 1]]
        size += np.bincount(parent[nodes], weights=size[nodes], minlength=n).astype(np.int64)
    return size


def structural_virality(parent: np.ndarray, depth: np.ndarray | None = None,
                        root: np.ndarray | None = None, sizes: np.ndarray | None = None) -> np.ndarray:
    """Structural virality of every tree, indexed by root node (NaN for non-roots).

    Mean pairwise distance = Wiener index / C(n, 2), and the Wiener index of a tree is
    the sum over edges of s * (n - s), s being the size below the edge: O(n) overall.
    Defined as 0 for a single-node cascade. depth and root (from `ancestry`) and sizes
    (from `subtree_sizes`, a forest's subtree_size column) are computed when not given.
    """
    if depth is None or root is None:
        root, depth, _ = ancestry(parent)
    if sizes is None:
        sizes = subtree_sizes(parent, depth)
    n_nodes = len(parent)
    tree_size = np.bincount(root, minlength=n_nodes).astype(np.float64)
    child = parent >= 0
    s = sizes[child].astype(np.float64)
    wiener = np.bincount(root[child], weights=s * (tree_size[root[child]] - s), minlength=n_nodes)
    pairs = tree_size * (tree_size - 1) / 2
    out = np.full(n_nodes, np.nan)
    is_root = parent < 0
    out[is_root] = np.where(pairs[is_root] > 0, wiener[is_root] / np.maximum(pairs[is_root], 1), 0.0)
    return out


# ---------------------------------------------------------------------- forest repair


def _resolve_parents(node_code, parent_code, fallback_code, time):
    """One parent per node: valid (present, not itself) first, then the declared parent
    over the shared-root fallback, then the earliest-created (so one created no later than
    the child when there is one). Returns parent index and repair flags per unique node."""
    n_nodes = len(time)
    cand_node = np.concatenate([node_code, node_code])
    cand_parent = np.concatenate([parent_code, fallback_code])
    is_fallback = np.repeat([0, 1], len(node_code))
    declared = cand_parent != -2  # -2: no link given at all
    present = cand_parent >= 0
    self_loop = present & (cand_parent == cand_node)
    valid = present & ~self_loop
    ptime = np.where(valid, time[np.where(valid, cand_parent, 0)], np.inf)
    order = np.lexsort((np.nan_to_num(ptime, nan=np.inf), is_fallback, ~valid, cand_node))
    first = np.ones(len(order), dtype=bool)
    first[1:] = cand_node[order][1:] != cand_node[order][:-1]
    chosen = order[first]
    parent = np.full(n_nodes, -1, dtype=np.int64)
    parent[cand_node[chosen]] = np.where(valid[chosen], cand_parent[chosen], -1)

    primary = is_fallback == 0
    distinct = pd.DataFrame({"n": cand_node[valid & primary], "p": cand_parent[valid & primary]})
    n_parents = distinct.drop_duplicates().groupby("n").size()
    multi = np.zeros(n_nodes, dtype=bool)
    multi[n_parents.index[n_parents.to_numpy() > 1].to_numpy()] = True
    had_self = np.bincount(cand_node[self_loop], minlength=n_nodes) > 0
    claimed = np.bincount(cand_node[declared & ~self_loop & primary], minlength=n_nodes) > 0
    orphan = claimed & (parent < 0)
    return parent, multi, had_self, orphan


def _codes(ids: pd.Series, uniques: pd.Index) -> np.ndarray:
    """Index of each id in `uniques`; -1 if absent, -2 if null (no link given)."""
    null = ids.isna().to_numpy()
    if pd.api.types.is_integer_dtype(ids.dtype):  # numbers stay numbers: no object per id
        codes = uniques.get_indexer(ids.fillna(-1).to_numpy(dtype=np.int64))
    else:
        codes = uniques.get_indexer(ids.astype(object))
    codes[null] = -2
    return codes.astype(np.int64)


def _ids_at(ids: np.ndarray, index: np.ndarray) -> pd.Series:
    """ids[index], null where index < 0 (integer ids stay integers, nullable)."""
    picked = ids[np.maximum(index, 0)]
    if picked.dtype.kind in "iu":
        return pd.Series(picked, dtype="Int64").mask(index < 0)
    return pd.Series(np.where(index >= 0, picked, None), dtype=object)


def typical_followers(followers: np.ndarray) -> float:
    """The follower count an unknown one is taken to be (attributing flattened shares, and
    in the spread forecast): the median of the known ones (1 when none is known)."""
    known = followers[np.isfinite(followers)]
    return float(np.median(known)) if len(known) else 1.0


def _infer_flattened(parent, root, kind, time, followers, mode, unknown_followers):
    """Re-attach flattened shares: in a cascade where every share points at the root,
    each share gets the earlier participant (root or earlier sharer) with the highest
    follower-weighted memory kernel n_j * phi(t_i - t_j), i.e. the most likely source
    under the same self-exciting model the predictor uses. Returns the inferred mask."""
    n = len(parent)
    inferred = np.zeros(n, dtype=bool)
    if mode == "never" or n == 0:
        return inferred
    members = _flattened_shares(parent, root, kind, mode)
    if not members.any():
        return inferred
    seq, grp = _roots_then_sharers(members, root, time)
    pos = np.arange(len(seq))
    start = np.searchsorted(grp, grp, side="left")
    # unknown follower counts take the typical known one, so they neither win nor lose
    fol = np.nan_to_num(followers[seq].astype(np.float64), nan=unknown_followers)
    new_parent = seq[_likeliest_sources(fol, time[seq], grp, pos, start)]
    change = (pos - start > 0) & (new_parent != parent[seq])
    parent[seq[change]] = new_parent[change]
    inferred[seq[change]] = True
    return inferred


def _flattened_shares(parent, root, kind, mode):
    """The shares whose parent is their root, in cascades of at least two of them and (mode
    'auto') no share deeper down: the shares whose source was flattened away."""
    n = len(parent)
    is_share = kind == "share"
    direct = is_share & (parent >= 0) & (parent == root)
    deep = is_share & (parent >= 0) & (parent != root)
    n_direct = np.bincount(root[direct], minlength=n)
    n_deep = np.bincount(root[deep], minlength=n)
    flat_root = (n_direct >= 2) & ((n_deep == 0) | (mode == "always"))
    return direct & flat_root[root]


def _roots_then_sharers(members, root, time):
    """The nodes of the flattened cascades in one sequence, cascade by cascade (grp: each
    one's root), each root first and then its sharers in time order."""
    roots = np.unique(root[members])
    seq = np.concatenate([roots, np.flatnonzero(members)])  # each root leads its sharers
    grp = root[seq]
    is_head = np.concatenate([np.ones(len(roots), bool), np.zeros(members.sum(), bool)])
    order = np.lexsort((seq, time[seq], ~is_head, grp))
    return seq[order], grp[order]


def _likeliest_sources(fol, t, grp, pos, start):
    """For each position of the sequence, the position of its likeliest source: the root
    (at start), unless one of the INFER_RECENT_CANDIDATES latest earlier sharers or the
    most-followed earlier one scores strictly higher (followers times the memory kernel)."""
    rank = pos - start

    def score(j):  # j: positions of candidate sources
        return fol[j] * memory_kernel(np.maximum(t - t[j], 0.0))

    best_pos = start.copy()  # the root, kept unless a sharer scores strictly higher
    best = score(start)
    for back in range(1, INFER_RECENT_CANDIDATES + 1):
        cand = rank > back  # an earlier sharer, not the root (already the default)
        j = np.where(cand, pos - back, start)
        sc = np.where(cand, score(j), -np.inf)
        better = sc > best
        best_pos, best = np.where(better, j, best_pos), np.where(better, sc, best)
    # the most-followed earlier sharer, however long ago
    running = pd.Series(fol).groupby(grp).cummax().to_numpy()
    at_max = np.where(fol == running, pos, -1)
    argmax_so_far = np.maximum.accumulate(np.where(at_max >= 0, at_max, 0))
    prev_max = np.concatenate([[0], argmax_so_far[:-1]])
    cand = (rank >= 2) & (prev_max > start)
    sc = np.where(cand, score(np.where(cand, prev_max, 0)), -np.inf)
    better = sc > best
    return np.where(better, prev_max, best_pos)


def build_forest(edges: pd.DataFrame, infer_flattened: str = "auto",
                 unknown_followers: float | None = None) -> pd.DataFrame:
    """Clean forest from an edge frame; one row per distinct node.

    edges columns: node_id, parent_id (null for roots), created_at (seconds or datetime),
    author_id, followers (nullable), kind; optional fallback_parent_id (e.g. the shared
    root of a share whose declared parent is missing). infer_flattened: 'auto' (only where
    every share of a cascade points at its root), 'always' or 'never'. unknown_followers:
    what an unknown follower count counts as there (default: `typical_followers` of these
    edges; a caller building a forest in parts passes the whole forest's).

    Output columns: node_id, parent_id, root_id, node (int), parent (int, -1 for roots),
    root (int), depth, subtree_size, created_at, time (seconds, clamped to be no earlier
    than the parent's), author_id, followers, kind, and the repair flags multi_parent,
    self_loop, orphan, cycle_cut, clamped, inferred_edge.
    """
    node_ids = edges["node_id"]
    if not pd.api.types.is_integer_dtype(node_ids.dtype):
        node_ids = node_ids.astype(object)
    codes, uniques = pd.factorize(node_ids)
    uniques = pd.Index(uniques)
    first_row = np.unique(codes, return_index=True)[1]
    rows = edges.iloc[first_row].reset_index(drop=True)
    raw_time = to_seconds(rows["created_at"])
    parent_code = _codes(edges["parent_id"], uniques)
    fallback = edges["fallback_parent_id"] if "fallback_parent_id" in edges else pd.Series([None] * len(edges))
    fallback_code = _codes(fallback, uniques)

    parent, multi, had_self, orphan = _resolve_parents(codes, parent_code, fallback_code, raw_time)
    cycle_cut = _break_cycles(parent, raw_time)
    root, depth, _ = ancestry(parent)
    time = path_max(parent, raw_time)
    clamped = time > raw_time
    kind = rows["kind"].astype(object).to_numpy()
    followers = pd.to_numeric(rows["followers"], errors="coerce").to_numpy(dtype=np.float64)
    if unknown_followers is None:
        unknown_followers = typical_followers(followers)
    inferred = _infer_flattened(parent, root, kind, time, followers, infer_flattened, unknown_followers)
    if inferred.any():
        root, depth, _ = ancestry(parent)
    sizes = subtree_sizes(parent, depth)

    ids = uniques.to_numpy()
    return pd.DataFrame({
        "node_id": ids,
        "parent_id": _ids_at(ids, parent),
        "root_id": ids[root],
        "node": np.arange(len(ids)),
        "parent": parent,
        "root": root,
        "depth": depth,
        "subtree_size": sizes,
        "created_at": rows["created_at"].to_numpy(),
        "time": time,
        "author_id": rows["author_id"].to_numpy(),
        "followers": followers,
        "kind": kind,
        "multi_parent": multi,
        "self_loop": had_self,
        "orphan": orphan,
        "cycle_cut": cycle_cut,
        "clamped": clamped,
        "inferred_edge": inferred,
    })


# --------------------------------------------------------------------------- metrics


def tree_metrics(nodes: pd.DataFrame, impressions: tuple[float, float] = DEFAULT_IMPRESSIONS) -> pd.DataFrame:
    """One row per cascade (root) of a `build_forest` frame, in root order.

    size counts every node including the root; shares/quotes/replies count descendants
    by kind (reply and comment are replies). depth is the deepest level (0 = root alone).
    potential_reach sums followers once per distinct author (unknown counts as 0);
    impressions are that times the (low, high) shares. time_to_half_size is the seconds
    from the root until half the nodes (rounded up, root included) had appeared.
    followers_known counts the nodes whose author's follower count is known: with none
    (Facebook comments), potential_reach's 0 is unknown, not 0. inferred_edges counts the
    nodes whose parent the flattened-share repair inferred; own_follow_ups, the nodes below
    the root by its own author.
    """
    parent = nodes["parent"].to_numpy()
    root = nodes["root"].to_numpy()
    depth = nodes["depth"].to_numpy()
    kind = nodes["kind"].to_numpy()
    time = nodes["time"].to_numpy(dtype=np.float64)
    n = len(nodes)
    roots = np.flatnonzero(parent < 0)
    child = parent >= 0

    def count(mask):
        return np.bincount(root[mask], minlength=n)[roots]

    size = np.bincount(root, minlength=n)[roots]
    max_depth = np.zeros(n, dtype=np.int64)
    np.maximum.at(max_depth, root, depth)
    virality = structural_virality(parent, depth, root, nodes["subtree_size"].to_numpy())[roots]
    reach = _potential_reach(root, nodes["author_id"].to_numpy(),
                             nodes["followers"].to_numpy(dtype=np.float64))[roots]

    low, high = impressions
    return pd.DataFrame({
        "root_id": nodes["node_id"].to_numpy()[roots],
        "root": roots,
        "size": size,
        "shares": count(child & (kind == "share")),
        "quotes": count(child & (kind == "quote")),
        "replies": count(child & np.isin(kind, REPLY_KINDS)),
        "depth": max_depth[roots],
        "max_breadth": _max_breadth(root, depth)[roots],
        "structural_virality": virality,
        "potential_reach": reach,
        "impressions_low": reach * low,
        "impressions_high": reach * high,
        "time_to_half_size": _time_to_half_size(root, time, roots, size),
        "followers_known": count(~np.isnan(nodes["followers"].to_numpy(dtype=np.float64))),
        "inferred_edges": count(nodes["inferred_edge"].to_numpy()),
        "own_follow_ups": count(child & _by_root_author(nodes["author_id"].to_numpy(), root)),
    })


def _by_root_author(author: np.ndarray, root: np.ndarray) -> np.ndarray:
    """Whether each node's author is its tree root's: a complainer's own follow-ups, which
    reach no one new (mentions.author_id is never null; a null, in a test's frame, is no one's)."""
    return pd.notna(author) & (author == author[root])


def _max_breadth(root: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """The most nodes on one level of each tree, indexed by root node (0 elsewhere)."""
    levels = int(depth.max(initial=0)) + 1
    keys, per_level = np.unique(root.astype(np.int64) * levels + depth, return_counts=True)
    breadth = np.zeros(len(root), dtype=np.int64)
    np.maximum.at(breadth, keys // levels, per_level)
    return breadth


def _potential_reach(root: np.ndarray, author: np.ndarray, followers: np.ndarray) -> np.ndarray:
    """Followers summed once per distinct author of each tree (unknown counts as 0),
    indexed by root node."""
    authors = pd.DataFrame({"root": root, "author": author, "followers": np.nan_to_num(followers)})
    per_author = authors.groupby(["root", "author"], sort=False, dropna=False)["followers"].max()
    return np.bincount(per_author.index.get_level_values("root").to_numpy(),
                       weights=per_author.to_numpy(), minlength=len(root))


def _time_to_half_size(root: np.ndarray, time: np.ndarray, roots: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Seconds from each root (of `roots`, trees of `size` nodes) until half its nodes,
    rounded up and the root included, had appeared (ties in node order)."""
    order = np.lexsort((np.arange(len(root)), time, root))
    start = np.searchsorted(root[order], roots)
    half_pos = start + (np.ceil(size / 2).astype(np.int64) - 1)
    return time[order[half_pos]] - time[roots]
