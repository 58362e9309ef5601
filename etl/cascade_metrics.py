"""`metrics cascades`: one row per cascade of the warehouse, with its spread forecast.

Cascade membership (SPEC section 4): a root is a non-brand mention with no non-brand
ancestor; every non-brand share/quote (via shared_id) or reply/comment (via parent_id)
below it belongs to it. Brand-authored mentions are responses, not spread: they are left
out of the tree, a customer replying to a brand reply stays in the cascade of what the
brand replied to, and `answered` says a same-brand account replied inside the cascade.

amplification_risk ranks the care queue: the expected additional reach of the cascade if
nothing changes (expected additional reshares x the cascade's followers per reshare),
times a negativity weight = 0.5 * is_complaint + 0.5 * max(0, -sentiment_compound) of the
root. It uses the mean-calibrated forecast (expected_final_size) rather than the median
one shown in predicted_final_size: the median cascade never grows, and a queue needs the
expected damage, which grows with the author's followers through the estimator's exposure.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from etl.cascade_tree import DEFAULT_IMPRESSIONS, build_forest, cascade_metrics, to_seconds
from etl.spread import backtest, predict_spread

COLUMNS = ["root_id", "brand", "platform", "root_created_at", "is_complaint", "answered", "size", "shares",
           "quotes", "replies", "depth", "max_breadth", "structural_virality", "potential_reach",
           "impressions_low", "impressions_high", "predicted_final_size", "predicted_final_size_low",
           "predicted_final_size_high", "predicted_final_reach", "amplification_risk"]
SQL = Path(__file__).with_name("cascade_mentions.sql")
SHARE_KINDS = ("share", "quote")
_BRAND_HOPS = 8  # brand reply chains longer than this are not followed further up


def _utc(as_of) -> pd.Timestamp | None:
    """A moment as a UTC timestamp; a naive one is read as UTC."""
    if as_of is None:
        return None
    ts = pd.Timestamp(as_of)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


_ID_COLUMNS = ["mention_id", "parent_id", "shared_id"]


def load_mentions(con, as_of=None) -> pd.DataFrame:
    as_of = _utc(as_of)
    mentions = con.execute(SQL.read_text(), [as_of, as_of]).df()
    # Ids as Python strings (object), not Arrow-backed strings: pandas' isin and map over
    # Arrow strings go row by row in Python (9 s of a 1M-mention refresh), over objects
    # they use a hash table.
    mentions[_ID_COLUMNS] = mentions[_ID_COLUMNS].astype(object)
    return mentions


def _link(mentions: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Declared parent and fallback: shares/quotes point at what they share, replies at
    their parent; each falls back on the other link when the first is missing."""
    is_share = mentions["kind"].isin(SHARE_KINDS)
    primary = mentions["shared_id"].where(is_share, mentions["parent_id"])
    fallback = mentions["parent_id"].where(is_share, mentions["shared_id"])
    primary = primary.where(primary.notna(), fallback)
    return primary, fallback


def _skip_brand_parents(parent: pd.Series, mentions: pd.DataFrame) -> pd.Series:
    """Replace a brand-authored parent by that mention's own parent, hop by hop."""
    brand_parent = pd.Series(_link(mentions)[0].to_numpy(), dtype=object,
                             index=pd.Index(mentions["mention_id"].to_numpy(), dtype=object))
    brand_parent = brand_parent[mentions["is_brand"].to_numpy(dtype=bool)]
    for _ in range(_BRAND_HOPS):
        hit = parent.isin(brand_parent.index)
        if not hit.any():
            break
        parent = parent.where(~hit, parent.map(brand_parent))
    return parent


def build_cascades(mentions: pd.DataFrame) -> pd.DataFrame:
    """The clean forest of the non-brand mentions (see etl.cascade_tree.build_forest)."""
    customer = mentions[~mentions["is_brand"].astype(bool)]
    parent, fallback = _link(customer)
    edges = pd.DataFrame({
        "node_id": customer["mention_id"].to_numpy(),
        "parent_id": _skip_brand_parents(parent, mentions).to_numpy(),
        "fallback_parent_id": _skip_brand_parents(fallback, mentions).to_numpy(),
        "created_at": to_seconds(customer["created_at"]),
        "author_id": customer["author_id"].to_numpy(),
        "followers": customer["author_followers"].to_numpy(),
        "kind": customer["kind"].to_numpy(),
    })
    return build_forest(edges)


def _answered(mentions: pd.DataFrame, nodes: pd.DataFrame, root_brand: pd.Series) -> pd.Series:
    brand = mentions[mentions["is_brand"].astype(bool)]
    target = _link(brand)[0]
    root_of = pd.Series(nodes["root_id"].to_numpy(), index=nodes["node_id"].to_numpy())
    replied_root = target.map(root_of)
    same = replied_root.notna() & (brand["brand"].to_numpy() == replied_root.map(root_brand).to_numpy())
    return pd.Series(True, index=pd.Index(replied_root[same].unique())).reindex(root_brand.index, fill_value=False)


def cascade_frame(con, as_of=None, impressions=DEFAULT_IMPRESSIONS) -> pd.DataFrame:
    """Per-cascade metrics and forecasts as of `as_of` (default: everything), COLUMNS in order."""
    return _cascades(con, as_of, impressions)[0]


def _cascades(con, as_of, impressions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per cascade, one row per node of the forest)."""
    mentions = load_mentions(con, as_of)
    if mentions.empty:
        return pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=NODE_COLUMNS)
    nodes = build_cascades(mentions)
    metrics = cascade_metrics(nodes, impressions).set_index("root_id")
    roots = mentions.set_index("mention_id").loc[metrics.index]
    moment = _utc(as_of) if as_of is not None else _utc(mentions["created_at"].max())
    as_of_s = moment.value / 1e9
    spread = predict_spread(pd.DataFrame({
        "cascade_id": nodes["root_id"].to_numpy(), "time": nodes["time"].to_numpy(),
        "followers": nodes["followers"].to_numpy(), "is_root": (nodes["parent"] < 0).to_numpy(),
    }), as_of_s).reindex(metrics.index)

    added = np.maximum(spread["predicted_final_size"] - spread["observed"], 0.0)
    expected_added = np.maximum(spread["expected_final_size"] - spread["observed"], 0.0)
    is_complaint = roots["is_complaint"].astype("boolean").fillna(False).astype(bool)
    negativity = 0.5 * is_complaint + 0.5 * np.maximum(0.0, -roots["sentiment_compound"].astype(float).fillna(0.0))
    out = pd.DataFrame({
        "root_id": metrics.index,
        "brand": roots["brand"].to_numpy(),
        "platform": roots["platform"].to_numpy(),
        "root_created_at": roots["created_at"].to_numpy(),
        "is_complaint": is_complaint.to_numpy(),
        "answered": _answered(mentions, nodes, roots["brand"]).to_numpy(),
    })
    for col in COLUMNS[6:16]:
        out[col] = metrics[col].to_numpy()
    out["predicted_final_size"] = spread["predicted_final_size"].to_numpy()
    out["predicted_final_size_low"] = spread["predicted_final_size_low"].to_numpy()
    out["predicted_final_size_high"] = spread["predicted_final_size_high"].to_numpy()
    per_reshare = spread["followers_per_reshare"].to_numpy()
    out["predicted_final_reach"] = metrics["potential_reach"].to_numpy() + added.to_numpy() * per_reshare
    out["amplification_risk"] = expected_added.to_numpy() * per_reshare * negativity.to_numpy()
    return out[COLUMNS].sort_values("root_created_at", kind="stable").reset_index(drop=True), nodes


NODE_COLUMNS = ["node_id", "root_id", "parent_id", "depth", "created_at", "time", "author_id",
                "followers", "kind", "inferred_edge"]


def _code_version() -> str:
    """A digest of the code the cascades table comes from: a stored table made by other code
    is recomputed even when no mention changed (etl/pipeline.py)."""
    here = Path(__file__).parent
    sources = [here / name for name in ("cascade_metrics.py", "cascade_tree.py", "spread.py",
                                        "memory_kernel.py")] + [SQL]
    return "code " + hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]


STAMP = ("cascades", _code_version())  # (table, version) for etl.pipeline


def materialise(con) -> int:
    """Store `cascades` (as of the latest mention) and the nodes of every cascade that
    spread (size > 1) in `cascade_nodes`, so pages read them instead of recomputing."""
    frame, nodes = _cascades(con, None, DEFAULT_IMPRESSIONS)
    spread_roots = frame.loc[frame["size"] > 1, "root_id"] if len(frame) else pd.Series(dtype=object)
    nodes = nodes.loc[nodes["root_id"].isin(spread_roots), NODE_COLUMNS] if len(nodes) else nodes
    for name, table in (("cascades", frame), ("cascade_nodes", nodes)):
        con.register("_frame", table)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    con.execute(f"COMMENT ON TABLE cascades IS '{STAMP[1]}'")  # a hex digest: nothing to quote
    return len(frame)


def history_backtest(con, observe_age: float = 3600.0, min_observed: int = 1) -> dict:
    """How well the spread forecast did on this warehouse's own history: every cascade seen
    for `observe_age` seconds after its root, predicted by a model calibrated on the other
    cascades (cross-validated), against the two naive forecasts."""
    nodes = build_cascades(load_mentions(con))
    events = pd.DataFrame({"cascade_id": nodes["root_id"].to_numpy(), "time": nodes["time"].to_numpy(),
                           "followers": nodes["followers"].to_numpy(),
                           "is_root": (nodes["parent"] < 0).to_numpy()})
    return backtest(events, observe_age=observe_age, min_observed=min_observed)


def cost_of_silence(frame: pd.DataFrame) -> pd.DataFrame:
    """Spread of complaint cascades per brand and ISO week, ignored beside answered.

    One row per brand, week and answered flag: cascades, mean size and mean potential
    reach; `reach_ratio` on the ignored row is its mean reach over the answered row's.
    """
    complaints = frame[frame["is_complaint"].astype(bool)].copy()
    if complaints.empty:
        return pd.DataFrame(columns=["brand", "week", "answered", "cascades", "mean_size",
                                     "mean_potential_reach", "reach_ratio"])
    created = pd.to_datetime(complaints["root_created_at"], utc=True)
    complaints["week"] = created.dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    out = (complaints.groupby(["brand", "week", "answered"], dropna=False)
           .agg(cascades=("root_id", "size"), mean_size=("size", "mean"),
                mean_potential_reach=("potential_reach", "mean")).reset_index())
    out["reach_ratio"] = reach_ratio(out)
    return out


def reach_ratio(groups: pd.DataFrame) -> np.ndarray:
    """On each ignored row of brand/week/answered groups, its mean potential reach over the
    answered row's of the same brand and week (NaN elsewhere, or with no answered reach)."""
    answered_reach = groups[groups["answered"]].set_index(["brand", "week"])["mean_potential_reach"]
    baseline = answered_reach.reindex(pd.MultiIndex.from_frame(groups[["brand", "week"]])).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(~groups["answered"] & (baseline > 0),
                        groups["mean_potential_reach"] / baseline, np.nan)


def care_queue(frame: pd.DataFrame) -> pd.DataFrame:
    """Open complaints (unanswered) ranked by amplification risk, highest first."""
    open_complaints = frame[frame["is_complaint"] & ~frame["answered"]]
    return open_complaints.sort_values("amplification_risk", ascending=False, kind="stable")
