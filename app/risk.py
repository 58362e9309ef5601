"""Cascade and amplification queries for the Amplification Risk and Overview pages.

They read the materialised `cascades` and `cascade_nodes` tables (etl.cascade_metrics,
rebuilt by every load, as of the newest mention): a cascade belongs to the selection
when its root does (brand, platform, the root's page, root created in the window).
"Open" means a complaint cascade no account of its brand has answered (yet).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from etl import cascade_metrics
# The definitions live with the metrics (versioned, printed by `metrics definitions`); the
# Overview's cards read these two from here, with the queries they describe. HIGH_RISK_QUANTILE
# is the $quantile open_high_risk passes to its query (a test sets it here).
from etl.cascade_definitions import (  # noqa: F401
    HIGH_RISK_DEFINITION, HIGH_RISK_QUANTILE, RISK_DEFINITION, blank_unknown_reach, forecast_basis_warning,
    reach_known,
)
from etl.spread import COMPLETION_AGE

from . import care, db, figures, safe, widgets
from .demo_links import made_up_ids
from .formatting import all_of, counted, format_significant, in_zone
from .filters import Filters


def bar_note(threshold: float | None) -> str:
    """The high-risk bar in words (Overview's card, Amplification's queue): the risk a cascade
    needs, or that no complaint cascade can still spread."""
    if threshold is not None:
        return (f"amplification risk ≥ {format_significant(threshold)}, the top {1 - HIGH_RISK_QUANTILE:.0%} of "
                "the complaint cascades still able to spread, all brands pooled, whatever the filters")
    return "no complaint cascade is still able to spread"


_ROW_COLUMNS = ["root_id", "brand", "platform", "page", "root_created_at", "author_handle", "author_followers",
                "is_complaint", "answered", "size", "shares", "quotes", "replies", "depth", "max_breadth",
                "structural_virality", "inferred_edges", "minutes_to_half_size", "potential_reach",
                "impressions_low",
                "impressions_high", "predicted_final_size",
                "predicted_final_size_low",
                "predicted_final_size_high", "predicted_final_reach", "predicted_final_reach_low",
                "predicted_final_reach_high", "amplification_risk", "reach_basis",
                "expected_additional_reach", "negativity", "own_follow_ups", "deleted_by_author", "text"]
# what a cascade's reach, and so its risk, rests on: its accounts' follower counts, or, where
# none is known (Facebook comments, Reddit and reviews usually carry none), the history's typical count
# standing in
REACH_MEASURED, REACH_ASSUMED = "measured", "assumed"


@db.cached
def cascades(cur, filters: Filters, open_only: bool = False, limit: int | None = 1_000) -> pd.DataFrame:
    """Cascades of the selection by amplification risk, highest first, with the root's
    page, author and text, and a link; open_only (the care queue): open complaints only."""
    params = filters.params() | {"open_only": open_only, "limit": limit}
    # an unknown reach blank, as `metrics cascades` writes it empty: one rule for both
    ranked = cur.execute(db.sql_text("risk_cascades"), params | _cut(cur, params)).df()
    return _as_listed(cur, ranked, filters.tz)


def _as_listed(cur, stored: pd.DataFrame, tz: str, columns: list[str] = _ROW_COLUMNS) -> pd.DataFrame:
    """Cascades as read from the warehouse (risk_cascades.sql's columns) as the lists show them:
    an unknown reach blank, as `metrics cascades` writes it empty (one rule for both), what the
    reach rests on, the root's page, author and text, times in zone tz, and a link."""
    stored = blank_unknown_reach(stored)
    stored["reach_basis"] = np.where(reach_known(stored), REACH_MEASURED, REACH_ASSUMED)
    frame = db.read_for_rows(cur, stored, "root_id", "mention_details", "mention_id",
                             ["page", "author_handle", "author_followers", "text"])[columns]
    # the page as stored, as every CSV writes it; widgets.grid names it by its platform
    return safe.with_links(in_zone(frame, tz), "root_id", made_up=made_up_ids(cur, frame["root_id"]))


# The Amplification page's link key of the cascade its One cascade view shows (?cascade=<root_id>):
# one the sidebar keeps in the link (filters.PAGE_URL_KEYS)
CASCADE_URL_KEY = "cascade"
CASCADE_SECTION = "Cascades"  # the Amplification section that holds the One cascade view


@db.cached
def cascade_at(cur, filters: Filters, root_id: str) -> pd.DataFrame:
    """The cascade rooted at root_id as cascades() lists its rows, whatever its rank (a link may
    name one of the many the list's 1,000 rows leave out), with in_selection: whether the
    selection holds it. No row when no cascade has that root."""
    found = cur.execute(db.sql_text("risk_cascade_at"), filters.params() | {"root_id": root_id}).df()
    return _as_listed(cur, found, filters.tz, [*_ROW_COLUMNS, "in_selection"])


def filters_leaving_out(row, filters: Filters) -> list[str]:
    """The sidebar filters that leave a cascade (a cascade_at row) out of the selection, by
    cascade_selection.sql's conditions: its brand, platform, root's page, or the root's time
    outside the dates."""
    start, end = filters.window()
    posted = row["root_created_at"]
    return [name for name, chosen, value in (("brand", filters.brands, row["brand"]),
                                             ("platform", filters.platforms, row["platform"]),
                                             ("page", filters.pages, row["page"]))
            if chosen and value not in chosen] + (
        ["dates"] if (start is not None and posted < start) or (end is not None and posted >= end) else [])


def cascade_link(root_id: str, tz: str = "UTC") -> str:
    """A link to the Amplification page's One cascade view of the cascade rooted at root_id
    (built from the id alone), in zone tz; its other filters open: the cascade's root may be
    posted before the dates a spike of its mentions was found in."""
    params = {"section": CASCADE_SECTION, CASCADE_URL_KEY: root_id} | ({"tz": tz} if tz != "UTC" else {})
    return widgets.page_link("amplification", params)


def _cut(cur, params: dict) -> dict:
    """risk_cascades.sql's $cut, $cut_risk and $cut_size: the risk and size of the $limit-th
    cascade (risk_cascades_cut.sql), so the ranking reads whole only the cascades at or above
    it; no cut without a limit (or one of 0) or with fewer cascades selected than it."""
    found = cur.execute(db.sql_text("risk_cascades_cut"), params).fetchall() if params["limit"] else []
    cut_risk, cut_size = found[0] if found else (None, None)
    return {"cut": bool(found), "cut_risk": cut_risk, "cut_size": cut_size}


@db.cached
def any_cascade(cur, filters: Filters) -> bool:
    """Whether the selection holds any cascade (risk_any_cascade.sql), without ranking them."""
    return bool(cur.execute(db.sql_text("risk_any_cascade"), filters.params()).fetchall()[0][0])


# The queue's order in full (risk_cascades.sql; etl.cascade_metrics.care_queue, its reference):
# most complaints have no risk left and many the same size, and which of them made the first 200
# was said nowhere (a lead's review: the same size-1 complaints, in an order no caption gave);
# of equals, the one waiting longest comes first, as a care team answers them
QUEUE_TIES = ("Equal risks go by size, largest first; equal sizes by how long the complaint has waited, "
              "longest first; and complaints posted the same moment by the post's id, so the order, and the "
              "cut at the grid's last row, are the same on every visit and in the CSV.")


def queue_extent(shown: int, open_complaints: int, at_risk: int) -> str:
    """What the care queue lists of the selection's open complaints: those still able to spread
    come first by risk; the rest (no risk left) follow by size."""
    listed = (all_of(shown, "open complaint").capitalize() if shown >= open_complaints
              else f"The first {shown:,} of {open_complaints:,} open complaints")
    if at_risk == 0:  # '0 can still spread, the others ... follow by size' read of one complaint alone
        return (f"{listed}: it can no longer spread (complete, or no growth expected)" if open_complaints == 1
                else f"{listed}, largest first: none can still spread (complete, or no growth expected)")
    others = ("" if at_risk >= open_complaints
              else ", the others (no risk left: complete, or no growth expected) follow by size")
    return f"{listed}, highest amplification risk first: {at_risk:,} can still spread{others}"


def cascades_extent(shown: int, at_risk: int) -> str:
    """What the Amplification Cascades list holds (cascades(), by risk then size): those with
    risk first, then (risk 0) the largest; queue_extent says it of the care queue."""
    if at_risk >= shown:
        return f"The {counted(shown, 'cascade')} of the selection with the highest amplification risk"
    if at_risk == 0:
        largest = "largest cascade" if shown == 1 else "largest cascades"
        return f"The {shown:,} {largest} of the selection (none has any amplification risk)"
    return (f"The {counted(at_risk, 'cascade')} of the selection with amplification risk, then the "
            f"{shown - at_risk:,} largest with none left (complete, no growth expected, or a root "
            "that is not negative)")


def care_queue(filters: Filters, limit: int | None = 200, siblings: bool = False) -> pd.DataFrame:
    """Open complaints (unanswered complaint cascades) ranked by amplification risk, each
    marked high risk or not (open_high_risk's bar) and with its age at queue_as_of(), how
    long it has waited unanswered (with siblings, its author's other open complaints:
    author_open_complaints, cached apart, so the toggle reads no queue again);
    limit None: the whole queue (its download), read past the shared cache (db.read_now)."""
    whole = limit is None
    queue = db.read_now(cascades, filters, True, None) if whole else cascades(filters, True, limit)
    if siblings:
        counts = (db.read_now(author_open_complaints, None) if whole
                  else author_open_complaints(tuple(queue["root_id"])))
        queue = queue.merge(counts.rename(columns={"mention_id": "root_id"}), on="root_id", how="left")
    bar = open_high_risk(filters)["risk_threshold"]
    age = (pd.Timestamp(queue_as_of()) - queue["root_created_at"]).dt.total_seconds() / 3600
    return queue.assign(high_risk=queue["amplification_risk"] >= bar if bar is not None else False,
                        age_hours=age.round(1))


@db.cached
def author_open_complaints(cur, root_ids: tuple[str, ...] | None) -> pd.DataFrame:
    """mention_id and other_open_by_author: each open complaint's author's other open complaints
    about its brand (risk_author_open_complaints.sql), for root_ids (the page's rows) or, with
    None, for every open complaint at once (the whole queue's file). Asked for: 0.38 s more at
    10M mentions, past issue 8's 1 s for the page's queries (bench/README.md, session 51)."""
    if root_ids is None:
        return cur.execute(db.sql_text("risk_author_open_complaints_all")).df()
    return cur.execute(db.sql_text("risk_author_open_complaints"), {"ids": list(root_ids)}).df()


def queue_as_of():
    """The moment the cascades, and so the care queue, are of: the newest mention loaded (each
    load rebuilds them as of it), as care.scope takes it for a window with no end."""
    return care.scope(Filters()).as_of


@db.cached
def open_high_risk(cur, filters: Filters) -> dict:
    """{'open_high_risk': count, 'risk_threshold': the HIGH_RISK_QUANTILE bar, 'open_complaints',
    'open_at_risk': the open complaints of the selection, and those with a positive risk}."""
    params = filters.params() | {"quantile": HIGH_RISK_QUANTILE}
    frame = cur.execute(db.sql_text("risk_open_high"), params).df()
    row = frame.iloc[0]
    threshold = row["risk_threshold"]
    return {"open_high_risk": int(row["open_high_risk"]),
            "risk_threshold": None if pd.isna(threshold) else float(threshold),
            "open_complaints": int(row["open_complaints"]), "open_at_risk": int(row["open_at_risk"])}


# What the care queue leaves out of the unanswered complaints, said where an agent works from
# it alone: a question followed by 'STILL WAITING' was in no row (a review of a shift). Not
# counted: at 10M mentions the count (every unanswered complaint request against every open
# complaint cascade) took about 2 s of the page's 1 s (bench/README.md, session 46).
UNLISTED_NOTE = ("The queue lists complaint cascades, so a complaint is in no row when it came in a follow-up "
                 "to the customer's own question, in a reply or quote inside another customer's cascade, or in "
                 "a thread a brand account answered further down; the Ghost Town lists those among its ignored "
                 "complaints once older than H. A complaint its author deleted (a later complete export of its "
                 "page lacked it) is in no row either, as it can no longer be answered: the Ghost Town counts "
                 "it under Deflection & deleted. Nor is a complaint of no brand (its file named none, and no "
                 "thread or brand reply gave it one): no brand's team answers it, and no page counts it as "
                 "a request.")


@db.cached
def forecast_basis(cur) -> tuple[int, int]:
    """(complete, open): how many of the warehouse's cascades the spread forecast could
    calibrate on (complete at the newest mention; under MIN_CALIBRATION its constants and
    interval are defaults), and how many it forecast (the others)."""
    params = {"completion_seconds": COMPLETION_AGE}
    complete, still_open = cur.execute(db.sql_text("risk_forecast_basis"), params).fetchall()[0]
    return int(complete), int(still_open)


def interval_name(calibrated: bool) -> str:
    """The forecast's interval in two words: an 80% one once the model is calibrated, else its
    default (spread.SpreadModel's), which is none; the one wording of every note and header."""
    return "80% interval" if calibrated else "default interval"


DEFAULT_INTERVAL_IS = "the forecast to twice it, not a measured 80%"  # what the default interval is


def forecast_interval(calibrated: bool) -> str:
    """The forecast's interval as the captions name it (interval_name), the default one with
    what it is: the forecast to twice it."""
    return interval_name(calibrated) + ("" if calibrated else f" ({DEFAULT_INTERVAL_IS})")


def band_label(calibrated: bool) -> str:
    """The growth chart's band as its annotation names it ('80%: 70 to 140'); uncalibrated, the
    default interval by name (interval_name): the chart called it 80% under the page's warning
    that it is none (a shift review)."""
    return "80%" if calibrated else interval_name(False)


def band_caption(calibrated: bool) -> str:
    """The growth chart's caption of its band, the end of a sentence: uncalibrated, what the
    default interval is and why the model has no other."""
    if calibrated:
        return f"its {interval_name(True)} (band)."
    return (f"its {interval_name(False)} (band: {DEFAULT_INTERVAL_IS}; too few complete cascades to calibrate "
            "the model, as the warning above says).")


def forecast_warning() -> str | None:
    """forecast_basis_warning of the published warehouse (the Amplification and Overview pages)."""
    return forecast_basis_warning(*forecast_basis())


@db.cached
def nodes(cur, root_id: str) -> pd.DataFrame:
    """The nodes of one cascade in time order (cascade_nodes keeps cascades of size > 1)."""
    return cur.execute(db.sql_text("risk_nodes"), {"root_id": root_id}).df()


@db.cached
def cost_of_silence(cur, filters: Filters) -> pd.DataFrame:
    """etl.cascade_metrics.cost_of_silence over the selection's complaint cascades: one row
    per brand, ISO week (in the filters' zone) and answered flag (cascades, mean size; the cascades with a known
    follower count, their mean potential reach) and the reach ratio on the ignored
    row. The groups are aggregated in DuckDB
    (risk_cost_of_silence.sql), the ratio is made here as cascade_metrics makes it."""
    out = cur.execute(db.sql_text("risk_cost_of_silence"), {**filters.params(), "tz": filters.tz}).df()
    columns = ["brand", "week", "answered", "cascades", "mean_size", "reach_cascades",
               "mean_potential_reach", "reach_ratio"]
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["answered"] = out["answered"].astype(bool)
    out["reach_ratio"] = cascade_metrics.reach_ratio(out)
    return out[columns]


def silence_table(cost: pd.DataFrame) -> pd.DataFrame:
    """cost_of_silence's rows as the page lists them: every week, as the per-brand bars use
    them all, each marked `compared_week` when the weekly ratio chart compares it
    (figures.compared_weeks), so a ratio of a week too small to compare reads as left out."""
    return cost.assign(compared_week=figures.compared_weeks(cost))


def silence_summary(cost: pd.DataFrame) -> pd.DataFrame:
    """Per brand: ignored beside answered complaint cascades over the weeks, each mean weighted
    by the cascades it is of (mean reach by those of known reach; NaN with none)."""
    columns = ["brand", "answered", "cascades", "mean_size", "reach_cascades", "mean_potential_reach"]
    if cost.empty:
        return pd.DataFrame(columns=columns)
    weighted = cost.assign(size_sum=cost["mean_size"] * cost["cascades"],
                           reach_sum=cost["mean_potential_reach"].fillna(0) * cost["reach_cascades"])
    out = weighted.groupby(["brand", "answered"]).agg(cascades=("cascades", "sum"),
                                                      size_sum=("size_sum", "sum"),
                                                      reach_cascades=("reach_cascades", "sum"),
                                                      reach_sum=("reach_sum", "sum")).reset_index()
    out["mean_size"] = out.pop("size_sum") / out["cascades"]
    out["mean_potential_reach"] = (out.pop("reach_sum") / out["reach_cascades"]).where(out["reach_cascades"] > 0)
    return out[columns]


def brands_without_reach(summary: pd.DataFrame) -> list[str]:
    """The brands of a silence_summary none of whose complaint cascades carries follower
    counts (all on Facebook, say): the reach bars have nothing to draw for them."""
    if summary.empty:
        return []
    known = summary.groupby("brand")["reach_cascades"].sum()
    return sorted(known.index[known == 0])


INFLUENCER_COMPLAINTS = 50  # rows of the influencer list: complaint requests, not authors


@db.cached
def influencer_complaints(cur, filters: Filters, limit: int = INFLUENCER_COMPLAINTS) -> pd.DataFrame:
    """Complaint requests (care_requests) of the selection by the most-followed authors, with a
    link: one row per request, so an author with several requests has several rows, and a
    customer's follow-ups ('STILL WAITING') are counted on their request's row (own_follow_ups),
    which shows its first message's text and time. Ranked as the complaints are (followers, then
    newest): a request by its highest-ranked complaint of the selection."""
    frame = _ranked_complaint_requests(cur, filters, limit)
    # the requests' first messages (their texts) and the rows' complaints, whose follower counts
    # bound the requests read (as stored in care_requests): both sets of mentions in one read
    ids = sorted(set(frame["mention_id"]) | set(frame["request_id"].dropna()))
    details = cur.execute(db.sql_text("mention_details"), {"ids": ids}).df().set_index("mention_id")
    first_followers = details["author_followers"].reindex(frame["request_id"].dropna())
    frame = db.read_for_rows_bounded(cur, frame, "request_id", "request_responses", "request_id",
                                     ["requested_at", "message_count", "first_response_at"], first_followers)
    frame = _as_first_messages(frame, details["text"])
    if not frame.empty:
        frame.insert(frame.columns.get_loc("first_response_at") + 1, "answered",
                     frame["first_response_at"].notna())
    return safe.with_links(in_zone(frame, filters.tz), "mention_id", made_up=made_up_ids(cur, frame["mention_id"]))


def _ranked_complaint_requests(cur, filters: Filters, limit: int) -> pd.DataFrame:
    """The first `limit` complaint requests in risk_influencers.sql's order, each at its
    highest-ranked complaint, with its request_id. Complaints are read in growing batches until
    `limit` requests are found: a customer's follow-ups fill rows of the batch; reading every
    complaint's request would join all 6.5M care messages at 10M mentions."""
    batch = limit
    while True:
        frame = cur.execute(db.sql_text("risk_influencers"), filters.params() | {"limit": batch}).df()
        # the request each complaint opened or followed up, read among the messages of accounts
        # followed as its rows' are (db.read_for_rows_bounded: 0.8 s at 10M mentions unbounded)
        frame = db.read_for_rows_bounded(cur, frame, "mention_id", "message_requests", "mention_id",
                                         ["request_id"], frame["author_followers"])
        # a complaint in no request (none should be) stays a row of its own
        frame["request_id"] = frame["request_id"].fillna(frame["mention_id"])
        requests = frame.drop_duplicates("request_id")
        if len(requests) >= limit or len(frame) < batch:
            return requests.head(limit).reset_index(drop=True)
        batch *= 4


def _as_first_messages(frame: pd.DataFrame, texts: pd.Series) -> pd.DataFrame:
    """Each request row as its first message (its id, text and time; request_responses.sql),
    with the count of the customer's follow-ups in it before a brand answered (care_requests:
    its messages but the first), as the care queue counts a complaint's follow-ups."""
    known = frame["requested_at"].notna()
    frame = frame.assign(mention_id=frame["request_id"],
                         created_at=frame["requested_at"].where(known, frame["created_at"]),
                         own_follow_ups=(frame["message_count"].fillna(1) - 1).astype("int64"))
    frame["text"] = texts.reindex(frame["mention_id"]).to_numpy()
    return frame.drop(columns=["request_id", "requested_at", "message_count"])


@db.cached
def laid_out_nodes(cur, root_id: str) -> pd.DataFrame:
    """nodes(root_id) with their network layout (x, y): cached, the layout is the slow part."""
    return network_layout(nodes.uncached(cur, root_id))


def network_layout(cascade_nodes: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """x, y positions for a cascade's nodes from networkx: a seeded spring layout (dense
    numpy Fruchterman-Reingold, quadratic in the nodes) up to 400 connected nodes, rings by
    depth beyond (radial_tree_positions; no scipy needed for either)."""
    if cascade_nodes.empty:
        return cascade_nodes.assign(x=pd.Series(dtype=float), y=pd.Series(dtype=float))
    graph = nx.Graph()
    graph.add_nodes_from(cascade_nodes["node_id"])
    edges = cascade_nodes.dropna(subset=["parent_id"])
    graph.add_edges_from(zip(edges["parent_id"], edges["node_id"]))
    root = cascade_nodes.sort_values("depth")["node_id"].iloc[0]
    if len(graph) <= SPRING_LAYOUT_NODES and nx.is_connected(graph):
        positions = nx.spring_layout(graph, seed=seed, iterations=50)
    else:
        positions = radial_tree_positions(graph, root)
    xy = np.array([positions[n] for n in cascade_nodes["node_id"]])
    return cascade_nodes.assign(x=xy[:, 0], y=xy[:, 1])


SPRING_LAYOUT_NODES = 400  # a second's layout on this machine; beyond, rings


def radial_tree_positions(graph: nx.Graph, root) -> dict:
    """Each node on the ring of its distance from the root, at the middle of the angles its
    leaves span, the leaves spread evenly round the circle in depth-first order: linear in
    the nodes. A layer layout put the 400 sharers of a share (a flattened retweet cascade is
    a star) in one column of overlapping circles. Nodes the root does not reach (none in a
    stored cascade) hang from the root."""
    tree = nx.bfs_tree(graph, root)
    tree.add_edges_from((root, node) for node in graph if node not in tree)
    leaves = [node for node in nx.dfs_preorder_nodes(tree, root) if tree.out_degree(node) == 0]
    span = {leaf: (2 * np.pi * i / len(leaves),) * 2 for i, leaf in enumerate(leaves)}
    for node in nx.dfs_postorder_nodes(tree, root):
        children = list(tree.successors(node))
        if children:
            span[node] = (span[children[0]][0], span[children[-1]][1])
    depth = nx.single_source_shortest_path_length(tree, root)
    return {node: (depth[node] * np.cos(sum(span[node]) / 2), depth[node] * np.sin(sum(span[node]) / 2))
            for node in tree}


def cascade_choices(table: pd.DataFrame) -> pd.DataFrame:
    """The cascades of `table` (by risk) one can open, those that spread beyond their root:
    unanswered ones first, as the risk is what silence may cost, which an answered one no
    longer shows. Every one the table lists (cascades() holds at most 1,000): the first 200
    of them were all open ones, so no answered cascade could be opened, the period's largest
    neither (a review: the 401-mention outage cascade behind Nimbalo Mobile's 18 Aug spike)."""
    return table[table["size"] > 1].sort_values("answered", kind="stable")


def growth(cascade_nodes: pd.DataFrame, tz: str = "UTC") -> pd.DataFrame:
    """Cumulative cascade size over time (one row per node, in time order; created_at, the
    nodes' seconds since the epoch, as times in zone tz for the chart)."""
    return _growth_of(_in_growth_order(cascade_nodes), tz)


def _in_growth_order(cascade_nodes: pd.DataFrame) -> pd.DataFrame:
    """The nodes in the order the cascade grew: by time, then id."""
    return cascade_nodes.sort_values(["created_at", "node_id"]).reset_index(drop=True)


def _growth_of(ordered: pd.DataFrame, tz: str) -> pd.DataFrame:
    """growth of nodes already in growth order (_in_growth_order)."""
    return pd.DataFrame({"created_at": pd.to_datetime(ordered["created_at"], unit="s", utc=True).dt.tz_convert(tz),
                         "size": np.arange(1, len(ordered) + 1)})


def cascade_rows(cascade_nodes: pd.DataFrame, tz: str = "UTC") -> pd.DataFrame:
    """The one-cascade charts' numbers, one row per mention in the growth curve's order: when it
    was posted and the cascade's size then (the curve's step), what and whose it is, and the
    network's edge to it: whose post it replied to or shared, declared or inferred, at what depth."""
    ordered = _in_growth_order(cascade_nodes)  # sorted once: the growth's steps are of these rows
    grown = _growth_of(ordered, tz)
    authors = ordered.set_index("node_id")["author_handle"]
    return pd.DataFrame({"created_at": grown["created_at"], "size": grown["size"], "kind": ordered["kind"],
                         "author_handle": ordered["author_handle"], "followers": ordered["followers"],
                         "parent_author": ordered["parent_id"].map(authors), "inferred_edge": ordered["inferred_edge"],
                         "depth": ordered["depth"], "text": ordered["text"], "node_id": ordered["node_id"],
                         "parent_id": ordered["parent_id"]})


def median_and_mean_note(row, calibrated: bool = True) -> str | None:
    """For a cascade whose median forecast is no further growth but which carries risk: why
    (a persona review saw the riskiest cascade forecast '8 (80%: 8 to 8)' at size 8, inert).
    None otherwise. Uncalibrated, the interval is named a default one (interval_name)."""
    if not (row["amplification_risk"] > 0 and row["predicted_final_size_high"] <= row["size"]):
        return None
    return (f"Forecast not to grow (median and {interval_name(calibrated)} at its size, {int(row['size']):,}), yet its "
            f"risk is {format_significant(row['amplification_risk'])}: the risk weighs the mean "
            f"forecast, by which the accounts expected to pass it on have "
            f"{format_significant(row['expected_additional_reach'])} followers between them (as the risk's "
            "definition reads), so a small chance of a large spread counts.")


def assumed_reach_note(row) -> str | None:
    """For a cascade with no account's follower count known (Facebook and Instagram comments,
    Reddit posts and reviews usually come without one): that its risk rests on an assumed
    reach, where the one-cascade view gave its risk with no word of it (a shift review). None
    for a measured reach."""
    if row["reach_basis"] != REACH_ASSUMED:
        return None
    # said of the cascade's accounts, not of its platform: an Instagram cascade read 'instagram carries none'
    # beside Instagram accounts with counts (only the commenters' were missing from the export)
    return (f"No follower count is known in this cascade (none of its accounts has one in the "
            f"{safe.markdown_text(str(row['platform']))} data): its risk, "
            f"{format_significant(row['amplification_risk'])}, rests on an assumed reach (the "
            "history's mean followers per reshare, or 1 per reshare where no count is known at all), and its "
            "potential and predicted reach are left blank.")


def influencer_caption(frame: pd.DataFrame, limit: int = INFLUENCER_COMPLAINTS) -> str:
    """What the influencer list holds, as its caption says it: complaints (one row per request,
    its follow-ups counted on it), not authors, since one well-followed author can fill several rows."""
    authors = frame["author_id"].nunique()
    by = (f"by {counted(authors, 'author')}, one row per complaint: its first message, the customer's "
          "follow-ups before a brand answered counted with it")
    listed = (f"The {len(frame):,} complaints in the selection whose authors have the most followers"
              if len(frame) >= limit else f"{all_of(len(frame), 'complaint').capitalize()} in the selection")
    return (f"{listed} ({by}), most-followed authors first; answered = the complaint got a brand response.")


def with_cascade_first(listed: pd.DataFrame, cascade: pd.DataFrame) -> pd.DataFrame:
    """cascade_choices' rows with `cascade` (a cascade_at row the list leaves out) first."""
    return pd.concat([cascade.drop(columns="in_selection"), listed], ignore_index=True)
