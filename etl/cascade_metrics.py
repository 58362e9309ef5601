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
import pyarrow as pa
import pyarrow.compute as pc

from etl import warehouse
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


_CATEGORIES = ["platform", "brand", "author_id", "kind"]  # few distinct values per many rows
_FETCH_ROWS = 500_000
NO_LINK = -2  # a link code: no link given (-1: a link to a mention out of scope)


def load_mentions(con, as_of=None) -> pd.DataFrame:
    """The mentions in scope; row i has code i, and the links are codes too (parent_code,
    shared_code: NO_LINK when none is given, -1 for a mention out of scope), so the cascade
    step holds integers rather than a Python string per id and link."""
    as_of = _utc(as_of)
    # Streamed as Arrow batches: `execute(...).df()` first materialises the whole result in
    # DuckDB and then copies it (at 3M mentions the peak was 2.3 GB against 1.2 GB).
    table = con.sql(SQL.read_text(), params=[as_of, as_of]).to_arrow_reader(_FETCH_ROWS).read_all()
    ids = table["mention_id"].combine_chunks()
    for name in ("parent_id", "shared_id"):  # one hash lookup in Arrow, not a join per link
        link = table[name]
        found = pc.fill_null(pc.index_in(link, value_set=ids), -1)
        table = table.append_column(name.replace("_id", "_code"), pc.if_else(pc.is_null(link), NO_LINK, found))
    table = table.drop_columns(["parent_id", "shared_id"])
    for name in _CATEGORIES:
        at = table.schema.get_field_index(name)
        table = table.set_column(at, name, table.column(at).dictionary_encode())
    return table.to_pandas(self_destruct=True, split_blocks=True)


def _link(mentions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Declared parent and fallback codes: shares/quotes point at what they share, replies
    at their parent; each falls back on the other link when the first is missing."""
    is_share = mentions["kind"].isin(SHARE_KINDS).to_numpy()
    parent, shared = mentions["parent_code"].to_numpy(), mentions["shared_code"].to_numpy()
    primary = np.where(is_share, shared, parent)
    fallback = np.where(is_share, parent, shared)
    return np.where(primary == NO_LINK, fallback, primary), fallback


def _skip_brand_parents(parent: np.ndarray, is_brand: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Replace a brand-authored parent by that mention's own parent (`primary`, per code),
    hop by hop."""
    for _ in range(_BRAND_HOPS):
        hit = (parent >= 0) & is_brand[np.maximum(parent, 0)]
        if not hit.any():
            break
        parent = np.where(hit, primary[np.maximum(parent, 0)], parent)
    return parent


def _as_ids(codes: np.ndarray) -> pd.Series:
    """Link codes as build_forest's ids: null where no link was given."""
    return pd.Series(codes, dtype="Int64").mask(codes == NO_LINK)


def build_cascades(mentions: pd.DataFrame) -> pd.DataFrame:
    """The clean forest of the non-brand mentions (see etl.cascade_tree.build_forest), its
    ids the mentions' codes."""
    is_brand = mentions["is_brand"].to_numpy(dtype=bool)
    customer = ~is_brand
    primary, fallback = _link(mentions)
    parent, fallback = (_skip_brand_parents(link, is_brand, primary)[customer] for link in (primary, fallback))
    rows = mentions[customer]
    edges = pd.DataFrame({
        "node_id": np.flatnonzero(customer),
        "parent_id": _as_ids(parent),
        "fallback_parent_id": _as_ids(fallback),
        "created_at": to_seconds(rows["created_at"]),
        "author_id": rows["author_id"].to_numpy(),
        "followers": rows["author_followers"].to_numpy(),
        "kind": rows["kind"].to_numpy(),
    })
    return build_forest(edges)


def _answered(mentions: pd.DataFrame, nodes: pd.DataFrame, roots: np.ndarray) -> np.ndarray:
    """Per root code: whether an account of the root's brand replied inside its cascade."""
    root_of = np.full(len(mentions), -1, dtype=np.int64)
    root_of[nodes["node_id"].to_numpy()] = nodes["root_id"].to_numpy()
    is_brand = mentions["is_brand"].to_numpy(dtype=bool)
    target = _link(mentions)[0][is_brand]
    replied_root = np.where(target >= 0, root_of[np.maximum(target, 0)], -1)
    brand = mentions["brand"].cat.codes.to_numpy()
    same = (replied_root >= 0) & (brand[is_brand] >= 0) & (brand[is_brand] == brand[np.maximum(replied_root, 0)])
    return np.isin(roots, replied_root[same])


def cascade_frame(con, as_of=None, impressions=DEFAULT_IMPRESSIONS) -> pd.DataFrame:
    """Per-cascade metrics and forecasts as of `as_of` (default: everything), COLUMNS in order."""
    return _cascades(con, as_of, impressions)[0]


def _cascades(con, as_of, impressions, writer: bool = False) -> tuple[pd.DataFrame, pa.Table | pd.DataFrame]:
    """(one row per cascade, NODE_COLUMNS of every node of a cascade of more than one).

    writer: the connection is the load's own, so DuckDB's cache may be flushed for the
    pandas work (a dashboard's connection is shared by sessions: left alone)."""
    mentions = load_mentions(con, as_of)
    if writer:
        warehouse.release_cached_memory(con)
    if mentions.empty:
        return pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=NODE_COLUMNS)
    nodes = build_cascades(mentions)
    metrics = cascade_metrics(nodes, impressions).set_index("root_id")
    root_codes = metrics.index.to_numpy()
    roots = mentions.iloc[root_codes]
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
    ids = mentions["mention_id"].array
    out = pd.DataFrame({
        "root_id": ids.take(root_codes),
        "brand": roots["brand"].astype(object).to_numpy(),
        "platform": roots["platform"].astype(object).to_numpy(),
        "root_created_at": roots["created_at"].to_numpy(),
        "is_complaint": is_complaint.to_numpy(),
        "answered": _answered(mentions, nodes, root_codes),
    })
    for col in COLUMNS[6:16]:
        out[col] = metrics[col].to_numpy()
    out["predicted_final_size"] = spread["predicted_final_size"].to_numpy()
    out["predicted_final_size_low"] = spread["predicted_final_size_low"].to_numpy()
    out["predicted_final_size_high"] = spread["predicted_final_size_high"].to_numpy()
    per_reshare = spread["followers_per_reshare"].to_numpy()
    out["predicted_final_reach"] = metrics["potential_reach"].to_numpy() + added.to_numpy() * per_reshare
    out["amplification_risk"] = expected_added.to_numpy() * per_reshare * negativity.to_numpy()
    frame = out[COLUMNS].sort_values("root_created_at", kind="stable").reset_index(drop=True)
    spread_roots = root_codes[metrics["size"].to_numpy() > 1]
    return frame, _named_nodes(nodes, np.isin(nodes["root_id"].to_numpy(), spread_roots), ids)


NODE_COLUMNS = ["node_id", "root_id", "parent_id", "depth", "created_at", "time", "author_id",
                "followers", "kind", "inferred_edge"]


def _named_nodes(nodes: pd.DataFrame, keep: np.ndarray, ids) -> pa.Table:
    """NODE_COLUMNS of the forest nodes where `keep`, with the mention ids restored.

    Column by column, so only the kept rows are copied (at 10M mentions, filtering the
    whole frame first cost 1.7 GB)."""
    ids = pa.array(ids)

    def named(codes) -> pa.Array:
        codes = np.asarray(codes, dtype=np.int64)[keep]
        return ids.take(pa.array(np.maximum(codes, 0), mask=codes < 0))

    columns = {"node_id": named(nodes["node_id"]), "root_id": named(nodes["root_id"]),
               "parent_id": named(nodes["parent_id"].fillna(-1))}
    columns.update({c: pa.array(nodes[c].to_numpy()[keep]) for c in NODE_COLUMNS[3:]})
    return pa.table(columns)


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
    frame, nodes = _cascades(con, None, DEFAULT_IMPRESSIONS, writer=True)
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
