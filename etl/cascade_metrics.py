"""`metrics cascades`: one row per cascade of the warehouse, with its spread forecast.

Cascade membership (SPEC section 4): a root is a non-brand mention with no non-brand
parent (no link, a link out of the data, or a link to a brand mention); every
non-brand share/quote (via shared_id) or reply/comment (via parent_id) below it
belongs to it. Brand-authored mentions are responses, not spread: they are left
out of the tree, and `answered` says a same-brand account replied to the root or its author's
follow-ups in the cascade. What
replies to, shares or quotes a brand mention is not reached through the cascade the brand
answered: it starts a cascade of its own. (Kept in the answered cascade, the customer's
"thanks" or "still broken" to the brand's answer counted as spread of the complaint, so
answered complaints looked as if they spread further than ignored ones.)

amplification_risk ranks the care queue: the expected additional reach of the cascade if
nothing changes (expected additional reshares x the cascade's followers per reshare),
times a negativity weight = 0.5 * is_complaint + 0.5 * max(0, -sentiment_compound) of the
root. It uses the mean-calibrated forecast (expected_final_size) rather than the median
one shown in predicted_final_size: the median cascade never grows, and a queue needs the
expected damage, which grows with the author's followers through the estimator's exposure.
Both factors are columns of their own (expected_additional_reach, negativity), so a queue
whose top cascade is forecast not to grow (median) still shows why it ranks there.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import warehouse
from etl.cascade_tree import (DEFAULT_IMPRESSIONS, ancestry, build_forest, to_seconds, tree_metrics,
                              typical_followers)
from etl.spread import backtest, predict_spread

# Tree measures stored after SPEC's fixed columns (and amplification_risk's two factors)
# inferred_edges: how many of its edges the flattened-share repair made (SPEC: "inferred edges
# are marked as such"), as its depth, breadth and virality are measured with them
# own_follow_ups: the root author's own mentions below it (a customer repeating an ignored
# complaint), which the cost of silence leaves out of a cascade's size: they reach no one new
LATER_TREE_COLUMNS = ["time_to_half_size", "followers_known", "inferred_edges", "own_follow_ups"]
# The predicted final reach's interval: the final size's, carried through the same followers per reshare
REACH_INTERVAL_COLUMNS = ["predicted_final_reach_low", "predicted_final_reach_high"]
COLUMNS = ["root_id", "brand", "platform", "root_created_at", "is_complaint", "answered", "size", "shares",
           "quotes", "replies", "depth", "max_breadth", "structural_virality", "potential_reach",
           "impressions_low", "impressions_high", "predicted_final_size", "predicted_final_size_low",
           "predicted_final_size_high", "predicted_final_reach", "amplification_risk",
           "expected_additional_reach", "negativity",  # these two: amplification_risk's factors
           *LATER_TREE_COLUMNS, *REACH_INTERVAL_COLUMNS]
# Stored after COLUMNS, not reported by `metrics cascades`: the root's author (its id on the
# root's platform), so that the care queue counts an account's other open complaints from this
# table (app/sql/risk_author_open_complaints.sql) rather than by scanning every mention's author
# (10M mentions: 0.53-0.65 s)
ROOT_AUTHOR = "root_author_id"
STORED_COLUMNS = [*COLUMNS, ROOT_AUTHOR]
# The tree's own measures of each cascade (cascade_tree.tree_metrics), as COLUMNS names them
TREE_COLUMNS = [*COLUMNS[6:16], *LATER_TREE_COLUMNS]
MENTIONS_SQL = Path(__file__).with_name("cascade_mentions.sql")
SCORES_SQL = Path(__file__).with_name("cascade_scores.sql")
SHARE_KINDS = ("share", "quote")


def _utc(as_of) -> pd.Timestamp | None:
    """A moment as a UTC timestamp; a naive one is read as UTC."""
    if as_of is None:
        return None
    ts = pd.Timestamp(as_of)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


_CATEGORIES = ["platform", "brand", "author_id", "kind"]  # few distinct values per many rows
_FETCH_ROWS = 500_000
NO_LINK = -2  # a link code: no link given (-1: a link to a mention out of scope)
# Non-brand mentions per part of the forest: build_forest's transient arrays at 10M
# mentions in one piece took 3 GB.
PART_NODES = 1_000_000


def load_mentions(con, as_of=None) -> pd.DataFrame:
    """The mentions in scope; row i has code i, and the links are codes too (parent_code,
    shared_code: NO_LINK when none is given, -1 for a mention out of scope), so the cascade
    step holds integers rather than a Python string per id and link."""
    as_of = _utc(as_of)
    # The scores are matched here, not joined in DuckDB: its hash join of 10M scores held up
    # to the writer's whole memory bound beside the rows fetched (10M: the fetch peaked at
    # 3.4 GB; two plain scans at 1.6 GB).
    table = fetch_owned(con, MENTIONS_SQL.read_text(), [as_of, as_of])
    if as_of is not None:
        table = _brands_known_by(con, table, as_of)
    return mentions_frame(table, fetch_owned(con, SCORES_SQL.read_text(), []))


def _brands_known_by(con, table: pa.Table, as_of: pd.Timestamp) -> pa.Table:
    """The mentions' brands as known at `as_of`: one a load took from a brand's later reply
    (brand_from_reply) has none before it, as the care metrics count it (SPEC 4: as of T,
    only data created up to T)."""
    later = fetch_owned(con, "SELECT mention_id FROM brand_from_reply WHERE known_at > ?", [as_of])
    if not later.num_rows:
        return table
    unknown = pc.is_in(table["mention_id"], value_set=later["mention_id"].combine_chunks())
    brands = pc.if_else(unknown, pa.scalar(None, pa.string()), table["brand"].cast(pa.string()))
    return table.set_column(table.schema.get_field_index("brand"), "brand", pc.dictionary_encode(brands))


def mentions_frame(table: pa.Table, scores: pa.Table) -> pd.DataFrame:
    """load_mentions' frame from cascade_mentions.sql's rows and cascade_scores.sql's (any
    order; every link outside `table` is out of scope)."""
    # The links and the scores' ids are looked up among the ids in one call, not a join
    # per link: index_in hashes its value set on each call (10M ids: 5.6 s in three calls).
    # Looked up before the rows are put in order, with the codes moved after: the lookup's
    # hash (10M ids: 0.8 GB) then sits beside one copy of the rows, not the sorted copy and
    # the pages of the unsorted one, which a load's allocator kept (10M: the step's peak).
    ids = table["mention_id"].combine_chunks()
    parent, shared, scored = _codes_among(ids, table["parent_id"], table["shared_id"], scores["mention_id"])
    for name, code in (("parent_id", parent), ("shared_id", shared)):
        given = ~table[name].is_null().to_numpy(zero_copy_only=False)
        table = table.append_column(name.replace("_id", "_code"), pa.array(np.where(given, code, NO_LINK)))
    table = table.drop_columns(["parent_id", "shared_id"])
    score_of = _positions_of(scored, len(ids))
    for name in ("is_complaint", "sentiment_compound"):
        table = table.append_column(name, scores[name].take(score_of))
    del scores, parent, shared, scored, score_of, ids
    # In id order (see cascade_mentions.sql), sorted here: an ORDER BY made DuckDB sort
    # 10M rows within its 2 GB while these copies grew beside it (10M: this function's
    # peak 3.7 -> 3.1-3.3 GB, bench/cascade_memory.py).
    order = pc.sort_indices(table["mention_id"]).to_numpy()
    table = _links_in_order(table.take(order), order)
    mentions = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    pa.default_memory_pool().release_unused()
    return mentions


def _links_in_order(table: pa.Table, order: np.ndarray) -> pa.Table:
    """The rows `order` took, with their link codes (places among the rows before) made
    places among them."""
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order))
    for name in ("parent_code", "shared_code"):
        code = table[name].to_numpy()
        table = table.set_column(table.schema.get_field_index(name), name,
                                 pa.array(np.where(code >= 0, place[np.maximum(code, 0)], code)))
    return table


def _positions_of(at: np.ndarray, n: int) -> pa.Array:
    """For each of n places, the row whose place `at` gives (-1: the row has none; no two
    rows share one); null where no row has it."""
    rows = np.full(n, -1, dtype=np.int64)
    placed = at >= 0
    rows[at[placed]] = np.flatnonzero(placed)
    return pa.array(rows, mask=rows < 0)


def _codes_among(ids: pa.Array, *columns: pa.ChunkedArray) -> list[np.ndarray]:
    """Each column's ids as their codes (places in `ids`; -1: not among them, or null), all
    in one lookup: index_in hashes every id of `ids` on each call."""
    found = pc.index_in(pa.chunked_array([c for column in columns for c in column.chunks], pa.string()),
                        value_set=ids)
    codes = np.split(pc.fill_null(found, -1).to_numpy().astype(np.int64),
                     np.cumsum([len(column) for column in columns])[:-1])
    del found
    pa.default_memory_pool().release_unused()  # the lookup's hash of every id (10M: 0.6 GB)
    return codes


def fetch_owned(con, sql: str, params: list) -> pa.Table:
    """A query's rows streamed, each batch copied out of DuckDB's memory as it comes (the
    repeated strings dictionary-encoded): DuckDB's allocator keeps what its result batches
    held until the connection closes, so holding the whole result (1.1 GB at 10M) kept that
    much for the rest of the load, and `execute(...).df()` would materialise it twice."""
    reader = con.sql(sql, params=params).to_arrow_reader(_FETCH_ROWS)
    table = pa.Table.from_batches([_own_copy(batch) for batch in reader], schema=_owned_schema(reader.schema))
    return table.unify_dictionaries()


def _own_copy(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch in Arrow's own memory: the few-valued columns dictionary-encoded, the rest
    copied (concatenation always allocates)."""
    columns = [pc.dictionary_encode(column) if name in _CATEGORIES else pa.concat_arrays([column])
               for name, column in zip(batch.schema.names, batch.columns)]
    return pa.RecordBatch.from_arrays(columns, schema=_owned_schema(batch.schema))


def _owned_schema(schema: pa.Schema) -> pa.Schema:
    """The schema of _own_copy's batches (also for a result with no batches)."""
    return pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), f.type)) if f.name in _CATEGORIES else f
                      for f in schema])


def _link(mentions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Declared parent and fallback codes: shares/quotes point at what they share, replies
    at their parent; each falls back on the other link when the first is missing."""
    is_share = mentions["kind"].isin(SHARE_KINDS).to_numpy()
    parent, shared = mentions["parent_code"].to_numpy(), mentions["shared_code"].to_numpy()
    primary = np.where(is_share, shared, parent)
    fallback = np.where(is_share, parent, shared)
    return np.where(primary == NO_LINK, fallback, primary), fallback


def _as_ids(codes: np.ndarray) -> pd.Series:
    """Link codes as build_forest's ids: null where no link was given."""
    return pd.Series(codes, dtype="Int64").mask(codes == NO_LINK)


def customer_links(mentions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(non-brand mask, declared parent codes, fallback codes): a link to a brand mention
    is no link (the mention is a root, not an orphan: its parent is known and answers)."""
    is_brand = mentions["is_brand"].to_numpy(dtype=bool)
    parent, fallback = _link(mentions)

    def to_brand(link: np.ndarray) -> np.ndarray:
        return (link >= 0) & is_brand[np.maximum(link, 0)]

    root = to_brand(parent)  # answers a brand mention: a root, its fallback no link either
    return ~is_brand, np.where(root, NO_LINK, parent), np.where(root | to_brand(fallback), NO_LINK, fallback)


def _parts(customer: np.ndarray, parent: np.ndarray, fallback: np.ndarray, max_nodes: int | None) -> np.ndarray:
    """A part number per mention (-1: brand-authored) such that each cascade lies in one part.

    build_forest gives a node its declared parent when that is another non-brand mention,
    else its fallback, and only re-attaches a node within its cascade after that; so the
    trees of those links (found by pointer doubling) are unions of whole cascades. They are
    dealt to parts by their top mention's code; nodes on or below a cycle all go to part 0,
    where build_forest cuts the cycle as it would in one piece."""
    n_customers = int(customer.sum())
    if max_nodes is None or n_customers <= max_nodes:
        return np.where(customer, 0, -1)
    top, reaches_root = link_trees(customer, parent, fallback)
    n_parts = -(-n_customers // max_nodes)
    return np.where(customer, np.where(reaches_root, top % n_parts, 0), -1)


def link_trees(customer: np.ndarray, parent: np.ndarray, fallback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(top, reaches_root) per mention of the trees of the links build_forest may keep (a
    non-brand parent, else fallback): each tree is a union of whole cascades."""
    code = np.arange(len(customer))

    def kept(link):
        return customer & (link >= 0) & customer[np.maximum(link, 0)] & (link != code)

    up = np.where(kept(parent), parent, np.where(kept(fallback), fallback, -1))
    top, _, reaches_root = ancestry(up)
    return top, reaches_root


def forest_parts(mentions: pd.DataFrame, max_nodes: int | None = PART_NODES) -> Iterator[pd.DataFrame]:
    """The clean forest of the non-brand mentions (see etl.cascade_tree.build_forest), its
    ids the mentions' codes, in parts of about `max_nodes` nodes that each hold whole
    cascades (None: one part). The parts' rows are what one forest would have, so the
    step's memory follows the part size rather than the history's."""
    customer, parent, fallback = customer_links(mentions)
    part = _parts(customer, parent, fallback, max_nodes)
    followers = mentions["author_followers"]
    unknown = typical_followers(pd.to_numeric(followers[customer], errors="coerce").to_numpy(dtype=np.float64))
    # Authors as their category codes and kinds as categories: the forest only compares
    # them, and strings would be converted to Arrow and back per part (10M: 3 s).
    author = mentions["author_id"].cat.codes.to_numpy()
    by_part = np.argsort(part, kind="stable")  # codes ascending within each part
    bounds = np.searchsorted(part[by_part], np.arange(max(int(part.max(initial=-1)) + 1, 1) + 1))
    for begin, end in zip(bounds[:-1], bounds[1:]):  # at least one part, maybe empty
        yield build_forest(part_edges(mentions, by_part[begin:end], parent, fallback, author),
                           unknown_followers=unknown)


def part_edges(mentions: pd.DataFrame, codes: np.ndarray, parent: np.ndarray, fallback: np.ndarray,
                author: np.ndarray) -> pd.DataFrame:
    """build_forest's edges for the mentions `codes` (ascending), their ids the codes."""
    return pd.DataFrame({
        "node_id": codes,
        "parent_id": _as_ids(parent[codes]),
        "fallback_parent_id": _as_ids(fallback[codes]),
        "created_at": to_seconds(mentions["created_at"].iloc[codes]),
        "author_id": author[codes],
        "followers": mentions["author_followers"].iloc[codes].to_numpy(),
        "kind": mentions["kind"].iloc[codes].array,
    })


@dataclass
class Forest:
    """What the cascade step keeps of the forest, gathered part by part."""

    metrics: pd.DataFrame  # TREE_COLUMNS per cascade, indexed by root code, in code order
    events: pd.DataFrame | None  # per node in code order: cascade_id (root code), time, followers, is_root
    root_of: np.ndarray  # per mention code: the root code of its cascade (-1: brand-authored)

    def take_events(self) -> pd.DataFrame:
        """The events, no longer kept here: the forecast, the step's peak, frees them once
        it has its own sorted copy."""
        events, self.events = self.events, None
        return events


def gather_forest(mentions: pd.DataFrame, impressions=DEFAULT_IMPRESSIONS,
                  max_nodes: int | None = PART_NODES, on_nodes: Callable[[pa.Table], None] | None = None) -> Forest:
    """Per-cascade metrics and the forecaster's events, part by part.

    on_nodes: called with each part's NODE_COLUMNS of every node of a cascade of more than
    one (a writer stores them as they come); None: those rows are not made."""
    n = len(mentions)
    gathering = _Gathering(mentions, np.full(n, -1, dtype=np.int64), np.full(n, np.nan), np.full(n, np.nan))
    for part in forest_parts(mentions, max_nodes):
        gathering.add(part, impressions, on_nodes)
    return gathering.forest()


class _Gathering:
    """Per-mention root, time and followers, and per-cascade metrics, filled part by part."""

    def __init__(self, mentions: pd.DataFrame, root_of: np.ndarray, time: np.ndarray, followers: np.ndarray):
        self.root_of, self.time, self.followers = root_of, time, followers
        self.ids = pa.array(mentions["mention_id"].array)
        self.authors = pa.array(mentions["author_id"].cat.categories.array)  # by the parts' author codes
        self.metrics: list[dict[str, np.ndarray]] = []  # root codes and TREE_COLUMNS, per part

    def add(self, part: pd.DataFrame, impressions, on_nodes) -> None:
        codes = part["node_id"].to_numpy()
        self.root_of[codes] = part["root_id"].to_numpy()
        self.time[codes], self.followers[codes] = part["time"].to_numpy(), part["followers"].to_numpy()
        per_cascade = tree_metrics(part, impressions)
        self.metrics.append({name: per_cascade[name].to_numpy(copy=True) for name in ("root_id", *TREE_COLUMNS)})
        if on_nodes is not None:
            spread = per_cascade["root_id"].to_numpy()[per_cascade["size"].to_numpy() > 1]
            on_nodes(named_nodes(part, np.isin(part["root_id"].to_numpy(), spread), self.ids, self.authors))

    def forest(self) -> Forest:
        root_of = self.root_of
        customer = np.flatnonzero(root_of >= 0)
        events = pd.DataFrame({"cascade_id": root_of[customer], "time": self.time[customer],
                               "followers": self.followers[customer], "is_root": root_of[customer] == customer},
                              copy=False)
        return Forest(_in_code_order(self.metrics), events, root_of)


def _in_code_order(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The parts' per-cascade columns as one frame indexed by root code, in code order.

    Consumes the parts a column at a time, so at most one column is held twice: concat
    then sort_index held the parts and two whole copies at once (10M mentions: 0.6 GB over
    the forest's own peak, then the cascade step's highest)."""
    root_codes = np.concatenate([part.pop("root_id") for part in parts])
    order = np.argsort(root_codes, kind="stable")
    columns = {name: np.concatenate([part.pop(name) for part in parts])[order] for name in TREE_COLUMNS}
    return pd.DataFrame(columns, index=pd.Index(root_codes[order], name="root_id"), copy=False)


def answered_roots(mentions: pd.DataFrame, root_of: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Per root code: whether an account of the root's brand replied to it, or to a follow-up
    of its author's below it: the root's request, as the care metrics' brand response answers
    one. A reply is a brand mention whose parent that is: a brand's share or quote of a
    complaint answers nothing, nor does a reply to another customer in the cascade (reviews
    found both counted as answered here and ignored on the Ghost Town). Nor does a reply
    posted before the root (a clock or export error): the care metrics' brand response is
    created no earlier than the request, and a complaint answered here leaves the care queue
    while the Ghost Town still counts it open."""
    is_brand = mentions["is_brand"].to_numpy(dtype=bool)
    target = mentions["parent_code"].to_numpy()[is_brand]
    replied_root = np.where(target >= 0, root_of[np.maximum(target, 0)], -1)
    root = np.maximum(replied_root, 0)
    brand, author = mentions["brand"].cat.codes.to_numpy(), mentions["author_id"].cat.codes.to_numpy()
    same = (replied_root >= 0) & (brand[is_brand] >= 0) & (brand[is_brand] == brand[root])
    created = mentions["created_at"]
    not_before_root = to_seconds(created.iloc[np.flatnonzero(is_brand)]) >= to_seconds(created.iloc[root])
    return np.isin(roots, replied_root[same & not_before_root & (author[np.maximum(target, 0)] == author[root])])


def cascade_frame(con, as_of=None, impressions=DEFAULT_IMPRESSIONS) -> pd.DataFrame:
    """Per-cascade metrics and forecasts as of `as_of` (default: everything), COLUMNS in order."""
    [table] = _cascades(con, as_of, impressions)
    return table.select(COLUMNS).to_pandas()


def _cascades(con, as_of, impressions, writer: bool = False, max_nodes: int | None = PART_NODES,
              on_nodes: Callable[[pa.Table], None] | None = None, part_rows: int | None = None) -> Iterator[pa.Table]:
    """One row per cascade, STORED_COLUMNS in order, by root time; the nodes of the cascades that
    spread go to `on_nodes` (see gather_forest).

    writer: the connection is the load's own, so DuckDB's cache may be flushed for the
    pandas work (a dashboard's connection is shared by sessions: left alone).
    part_rows: the rows come in parts of that many (cascade_parts), else in one."""
    mentions = load_mentions(con, as_of)
    if writer:
        warehouse.release_cached_memory(con)
    if mentions.empty:
        if on_nodes is not None:
            on_nodes(pa.Table.from_pandas(pd.DataFrame(columns=NODE_COLUMNS)))
        yield pa.Table.from_pandas(pd.DataFrame(columns=STORED_COLUMNS))
        return
    forest = gather_forest(mentions, impressions, max_nodes, on_nodes)
    root_codes = forest.metrics.index.to_numpy()
    moment = _utc(as_of) if as_of is not None else _utc(mentions["created_at"].max())
    roots = root_columns(mentions, forest.root_of, root_codes)
    del mentions  # the forecast below is the step's peak: 720 MB at 10M mentions
    pa.default_memory_pool().release_unused()  # (Arrow's allocator keeps freed pages)
    keys = _code_keys(con, roots["root_id"], root_codes)
    spread = predict_spread(forest.take_events(), moment.value / 1e9, priority=keys).reindex(forest.metrics.index)
    yield from cascade_parts(roots, forest.metrics, spread, part_rows)


def _code_keys(con, root_ids: pa.Array, root_codes: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """predict_spread's priority: the root codes' id_keys."""
    return lambda codes: id_keys(con, root_ids.take(pa.array(np.searchsorted(root_codes, codes))))


def id_keys(con, ids: pa.Array) -> np.ndarray:
    """DuckDB's hash of each id, the order the forecast's calibration sample is drawn in
    (spread.fit): a fixed pseudo-random order of the cascades that a load holding only some
    of them reads from the stored table as well (etl/cascade_increment.py)."""
    # In the ids' order without an ORDER BY (DuckDB keeps a scan's order: the connection's
    # preserve_insertion_order is left on), so DuckDB holds no sort of them (10M mentions:
    # 5M ids, at the forecast's peak).
    con.register("_keyed_ids", pa.table({"id": ids}))
    try:
        return con.execute("SELECT hash(id) AS h FROM _keyed_ids").fetchnumpy()["h"]
    finally:
        con.unregister("_keyed_ids")


def root_columns(mentions: pd.DataFrame, root_of: np.ndarray, root_codes: np.ndarray) -> dict:
    """COLUMNS[:6], the root's author and the negativity weight of each root code, in root
    code order."""
    is_complaint = mentions["is_complaint"].astype("boolean").fillna(False).to_numpy(dtype=bool)[root_codes]
    compound = pd.to_numeric(mentions["sentiment_compound"]).to_numpy(dtype=np.float64, na_value=np.nan)[root_codes]
    return {
        "root_id": pa.array(mentions["mention_id"].array).take(root_codes),
        "brand": pa.array(mentions["brand"].array.take(root_codes)),
        "platform": pa.array(mentions["platform"].array.take(root_codes)),
        "root_created_at": pa.array(mentions["created_at"].array.take(root_codes)),
        "is_complaint": is_complaint,
        "answered": answered_roots(mentions, root_of, root_codes),
        ROOT_AUTHOR: pa.array(mentions["author_id"].array.take(root_codes)),
        "negativity": negativity(is_complaint, compound),
    }


def negativity(is_complaint: np.ndarray, compound: np.ndarray) -> np.ndarray:
    """amplification_risk's weight of a root (see the module's docstring); an unscored
    compound counts as 0."""
    return 0.5 * is_complaint + 0.5 * np.maximum(0.0, -np.nan_to_num(compound, nan=0.0))


def cascade_table(roots: dict, metrics: pd.DataFrame, spread: pd.DataFrame) -> pa.Table:
    """The cascades table: roots' columns, metrics and forecasts, ordered by root time
    (ties in root code order), each column taken once into that order."""
    return _table_of(roots, metrics, spread, _by_root_time(roots))


def cascade_parts(roots: dict, metrics: pd.DataFrame, spread: pd.DataFrame,
                  part_rows: int | None) -> Iterator[pa.Table]:
    """cascade_table's rows, `part_rows` at a time (None: in one part; always at least one):
    a writer stores each before the next is made (10M mentions: the whole table's columns
    took 1.3 GB, the load's peak)."""
    order = _by_root_time(roots)
    step = part_rows or max(len(order), 1)
    for start in range(0, max(len(order), 1), step):
        yield _table_of(roots, metrics, spread, order[start:start + step])


def _by_root_time(roots: dict) -> np.ndarray:
    return np.argsort(roots["root_created_at"].to_numpy(), kind="stable")


def _table_of(roots: dict, metrics: pd.DataFrame, spread: pd.DataFrame, rows: np.ndarray) -> pa.Table:
    """cascade_table's columns of these rows, in their order."""
    observed = spread["observed"].to_numpy()[rows]
    per_reshare = spread["followers_per_reshare"].to_numpy()[rows]
    reach = metrics["potential_reach"].to_numpy()[rows]

    def final_reach(size_column: str) -> np.ndarray:
        return reach + np.maximum(spread[size_column].to_numpy()[rows] - observed, 0.0) * per_reshare
    expected_added = np.maximum(spread["expected_final_size"].to_numpy()[rows] - observed, 0.0)
    columns = {name: roots[name][rows] if isinstance(roots[name], np.ndarray) else roots[name].take(rows)
               for name in COLUMNS[:6]}
    for name in ("brand", "platform"):
        columns[name] = columns[name].dictionary_decode()
    columns.update({name: metrics[name].to_numpy()[rows] for name in COLUMNS[6:16]})
    columns.update({name: spread[name].to_numpy()[rows] for name in COLUMNS[16:19]})
    columns["predicted_final_reach"] = final_reach("predicted_final_size")
    negativity = roots["negativity"][rows]
    expected_reach = expected_added * per_reshare
    columns["amplification_risk"] = expected_reach * negativity
    columns["expected_additional_reach"] = expected_reach
    columns["negativity"] = negativity
    columns.update({name: metrics[name].to_numpy()[rows] for name in LATER_TREE_COLUMNS})
    columns["predicted_final_reach_low"] = final_reach("predicted_final_size_low")
    columns["predicted_final_reach_high"] = final_reach("predicted_final_size_high")
    columns[ROOT_AUTHOR] = _decoded(roots[ROOT_AUTHOR].take(rows))
    return pa.table(columns)


def _decoded(values: pa.Array) -> pa.Array:
    """Values as plain strings: a frame's categorical column comes as a dictionary array."""
    return values.dictionary_decode() if pa.types.is_dictionary(values.type) else values


NODE_COLUMNS = ["node_id", "root_id", "parent_id", "depth", "created_at", "time", "author_id",
                "followers", "kind", "inferred_edge"]
NODE_TYPES = {"kind": pa.string()}  # one type in every part (concatenated when read back)


def named_nodes(nodes: pd.DataFrame, keep: np.ndarray, ids: pa.Array, authors: pa.Array) -> pa.Table:
    """NODE_COLUMNS of the forest nodes where `keep`, with the mention ids and the author ids
    (codes into `authors`) restored; each cascade's nodes together, its root first, so that an
    added load reads them without a sort (cascade_increment._grouped_nodes).

    Column by column, so only the kept rows are copied (at 10M mentions, filtering the
    whole frame first cost 1.7 GB)."""
    root, node = nodes["root_id"].to_numpy(), nodes["node_id"].to_numpy()
    rows = np.flatnonzero(keep)
    rows = rows[np.lexsort((node[rows] != root[rows], root[rows]))]

    def named(codes) -> pa.Array:
        codes = np.asarray(codes, dtype=np.int64)[rows]
        return ids.take(pa.array(np.maximum(codes, 0), mask=codes < 0))

    columns = {"node_id": named(nodes["node_id"]), "root_id": named(nodes["root_id"]),
               "parent_id": named(nodes["parent_id"].fillna(-1))}
    for c in NODE_COLUMNS[3:]:
        kept = nodes[c].to_numpy()[rows]
        columns[c] = authors.take(pa.array(kept)) if c == "author_id" else pa.array(kept, type=NODE_TYPES.get(c))
    return pa.table(columns)


def _code_version() -> str:
    """A digest of the code the cascades table comes from: a stored table made by other code
    is recomputed even when no mention changed (etl/pipeline.py)."""
    here = Path(__file__).parent
    sources = [here / name for name in ("cascade_metrics.py", "cascade_increment.py", "cascade_tree.py",
                                        "spread.py", "memory_kernel.py")] + [MENTIONS_SQL, SCORES_SQL]
    # DuckDB's version too: its hash() orders the forecast's calibration sample (id_keys).
    stamped = b"".join(code_of(p) for p in sources) + duckdb.__version__.encode()
    return "code " + hashlib.sha256(stamped).hexdigest()[:16]


def code_of(source: Path) -> bytes:
    """A source file as _code_version reads it: Python as its syntax tree without comments,
    docstrings or line numbers (a version whose cascade code differs only in those keeps the
    stored cascades: a recompute takes 40 s at 10M mentions); anything else as written."""
    if source.suffix != ".py":
        return source.read_bytes()
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()


STAMP = ("cascades", _code_version())  # (table, version) for etl.pipeline


def materialise(con) -> int:
    """Store `cascades` (as of the latest mention) and the nodes of every cascade that
    spread (size > 1) in `cascade_nodes`, so pages read them instead of recomputing.
    The nodes go in part by part, as the forest is built. (A load that only added mentions
    updates both instead: etl/cascade_increment.py.)"""
    # A load checkpoints before the step (etl/pipeline.py); DuckDB's cache of its earlier
    # steps goes too before the mentions are read beside it: alone, the step peaked at
    # 3.0 GB at 10M mentions; in a load, 3.4-3.8 GB.
    warehouse.release_cached_memory(con)
    parts = 0

    def store_nodes(nodes: pa.Table) -> None:
        nonlocal parts
        store(con, "cascade_nodes", nodes, replace=parts == 0)
        parts += 1

    rows = 0
    made = _cascades(con, None, DEFAULT_IMPRESSIONS, writer=True, on_nodes=store_nodes, part_rows=PART_NODES)
    for part, table in enumerate(made):
        store(con, "cascades", table, replace=part == 0)
        rows += table.num_rows
    con.execute(f"COMMENT ON TABLE cascades IS '{STAMP[1]}'")  # a hex digest: nothing to quote
    return rows


_STRING, _TIME, _FLAG, _COUNT = pa.string(), pa.timestamp("us", tz="UTC"), pa.bool_(), pa.int64()
# Each stored column's type, for rows that leave one untyped (Arrow's null type, which
# DuckDB stores as a column of type NULL that no later load can add to): no rows at all, as
# in an empty warehouse or one of brand posts alone. Unlisted columns are floats.
STORED_TYPES = {
    "cascades": {"root_id": _STRING, "brand": _STRING, "platform": _STRING, "root_created_at": _TIME,
                 ROOT_AUTHOR: _STRING,
                 "is_complaint": _FLAG, "answered": _FLAG, **dict.fromkeys(
                     ("size", "shares", "quotes", "replies", "depth", "max_breadth", "followers_known",
                      "inferred_edges", "own_follow_ups"),
                     _COUNT)},
    "cascade_nodes": {**dict.fromkeys(("node_id", "root_id", "parent_id", "author_id", "kind"), _STRING),
                      "depth": _COUNT, "inferred_edge": _FLAG},
}


def store(con, name: str, rows, replace: bool) -> None:
    """Rows (a frame or an Arrow table) as table `name`: replacing it, or added to it."""
    if isinstance(rows, pa.Table):
        rows = _typed(name, rows)
    con.register("_rows", rows)
    # name: "cascades" or "cascade_nodes" (reviewed interpolation, tests/test_sql_binding.py)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _rows" if replace
                else f"INSERT INTO {name} SELECT * FROM _rows")
    con.unregister("_rows")


def _typed(name: str, rows: pa.Table) -> pa.Table:
    """rows with every column of Arrow's null type cast to the stored column's type."""
    for i, field in enumerate(rows.schema):
        if pa.types.is_null(field.type):
            rows = rows.set_column(i, field.name, rows.column(i).cast(STORED_TYPES[name].get(field.name, pa.float64())))
    return rows


# ------------------------------------------------------------ off the production path
# Neither a load nor the dashboard runs these three: history_backtest is
# bench/backtest_history.py's and the `metrics backtest` command's; cost_of_silence and
# care_queue are the pandas references the dashboard's SQL versions (app/risk.py) are
# tested against (tests/test_page_amplification.py).
# reach_ratio, between them, is production: app/risk.cost_of_silence uses it.


def history_backtest(con, observe_age: float = 3600.0, min_observed: int = 1) -> dict:
    """How well the spread forecast did on this warehouse's own history: every cascade seen
    for `observe_age` seconds after its root, predicted by a model calibrated on the other
    cascades (cross-validated), against the two naive forecasts.

    An evaluation on demand (`python -m etl metrics backtest`, bench/backtest_history.py):
    nothing in a load or the dashboard calls it."""
    events = gather_forest(load_mentions(con)).events
    return backtest(events, observe_age=observe_age, min_observed=min_observed)


def cost_of_silence(frame: pd.DataFrame) -> pd.DataFrame:
    """Spread of complaint cascades per brand and ISO week, ignored beside answered.

    One row per brand, week and answered flag: cascades and their mean size, the root author's
    own follow-ups left out (a review: an ignored customer's "still waiting" replies made the
    whole gap between ignored and answered for three of the demo's brands); `reach_cascades`,
    those with a known follower count (followers_known > 0), and their mean potential reach
    (one with none, a Facebook comment's, reaches 0 known followers, which is not a reach of
    0); `reach_ratio` on the ignored row is its mean reach over the answered row's.

    The reference, used only by the tests: the dashboard computes the same groups in SQL
    (app/risk.cost_of_silence, app/sql/risk_cost_of_silence.sql) over its filters, and
    tests/test_page_amplification.py checks them equal to this on the same cascades.
    """
    columns = ["brand", "week", "answered", "cascades", "mean_size", "reach_cascades",
               "mean_potential_reach", "reach_ratio"]
    complaints = frame[frame["is_complaint"].astype(bool)].copy()
    if complaints.empty:
        return pd.DataFrame(columns=columns)
    created = pd.to_datetime(complaints["root_created_at"], utc=True)
    complaints["week"] = created.dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    complaints["known_reach"] = complaints["potential_reach"].where(complaints["followers_known"] > 0)
    complaints["spread_size"] = complaints["size"] - complaints["own_follow_ups"]
    out = (complaints.groupby(["brand", "week", "answered"], dropna=False)
           .agg(cascades=("root_id", "size"), mean_size=("spread_size", "mean"),
                reach_cascades=("known_reach", "count"),
                mean_potential_reach=("known_reach", "mean")).reset_index())
    out["reach_ratio"] = reach_ratio(out)
    return out[columns]


def reach_ratio(groups: pd.DataFrame) -> np.ndarray:
    """On each ignored row of brand/week/answered groups, its mean potential reach over the
    answered row's of the same brand and week (NaN elsewhere, or with no answered reach)."""
    answered_reach = groups[groups["answered"]].set_index(["brand", "week"])["mean_potential_reach"]
    baseline = answered_reach.reindex(pd.MultiIndex.from_frame(groups[["brand", "week"]])).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(~groups["answered"] & (baseline > 0),
                        groups["mean_potential_reach"] / baseline, np.nan)


def care_queue(frame: pd.DataFrame, deleted=()) -> pd.DataFrame:
    """Open complaints (unanswered, of a brand, and their root not among the `deleted` mention
    ids: no one can answer a post its author deleted; app/sql/open_complaint.sql says why)
    ranked by amplification risk, highest first, then the largest cascade, then the one waiting
    longest (the oldest root), then the root's id (most have no risk, so the ties decide most
    places: a care lead answers the longest-waiting of equals first).

    The reference, used only by the tests: the dashboard's queue is app.risk.care_queue (in
    SQL, with the page's filters and limit), which tests/test_page_amplification.py checks
    against this."""
    open_complaints = frame[frame["is_complaint"] & ~frame["answered"] & frame["brand"].notna()
                            & ~frame["root_id"].isin(deleted)]
    return open_complaints.sort_values(["amplification_risk", "size", "root_created_at", "root_id"],
                                       ascending=[False, False, True, True], na_position="last", kind="stable")
