"""An added load's cascades from the stored ones: only what its mentions touch is read.

When the loads from `since` on only added mentions, and only theirs were scored, the stored
`cascades` and `cascade_nodes` (made by this code from every mention before) answer for the
rest of the history. At 10M mentions, reading every mention took 10 of a +10k load's 27 s,
and forecasting every cascade 6 more. Here:
- the trees the new mentions join are rebuilt from the mentions involved: the new ones,
  every node of the stored cascades they link into, and what those link to;
- every cascade still open at the last load (root younger than COMPLETION_AGE then) is
  forecast again, calibrated on the complete cascades read from the stored tables in the
  order of their root ids' hash (spread.fit): each one's count of events at the fit ages,
  and the events of only those fit() samples; a complete cascade is forecast as it is, so
  it does not change;
- a stored cascade that a new brand reply answers is marked answered;
- a stored cascade whose root, or a brand account's mention linking into it, a load gave a
  brand (etl.attribute_stored) takes its root's brand and is answered if an account of it
  replied to the root or its author's follow-ups (a brand is no link: the trees stay); a load
  that added no mention (a file of known ones giving some a brand) does only this.
Every other row stays as stored. The tables are then what cascade_metrics.materialise makes
from every mention, row for row (tests/test_incremental_cascades.py). update() returns
False, having changed nothing, where the stored tables cannot say what that would be.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import cascade_metrics as cm
from etl.attribute_stored import count_attributed
from etl.cascade_tree import DEFAULT_IMPRESSIONS, build_forest, tree_metrics
from etl.spread import (COMPLETION_AGE, MAX_CALIBRATION, PREDICTION_COLUMNS, SampledEvents, cascade_ages,
                        cascade_ids, fit_ages, followers_per_reshare, forecast_open, observe, prepare_events,
                        reshare_followers, sampled)

_NS = 1_000_000_000
_MARGIN_NS = _NS  # SQL picks the cascades near a cut-off with this to spare; numpy decides


def update(con, since: int, impressions=DEFAULT_IMPRESSIONS) -> bool:
    """Bring `cascades` and `cascade_nodes` up to date with the loads from `since` on, which
    only added mentions (see the module's docstring); False: nothing changed, recompute."""
    if not added(con, since):  # a file of known mentions that gave some a brand: no tree changed
        _rebrand(con)
        return True
    if _older_links_to_newer(con, since):
        return False  # a new mention re-parents an older one
    if _untyped_columns(con):
        return False  # stored empty by an older version: rows cannot be added to them
    unknown = _typical_followers(con, since)
    if unknown is None:
        return False  # flattened shares are attributed with it
    touched = _Touched.read(con, since)
    if not touched.rebuild(unknown, impressions):
        return False  # a cycle, which the whole forest cuts, or a tree reaching past what was read
    as_of_ns, previous_ns = con.execute(
        "SELECT epoch_ns(max(created_at)), epoch_ns(max(created_at) FILTER (WHERE load_id < ?)) FROM mentions",
        [since]).fetchall()[0]
    changes = _Changes(con, touched, as_of_ns, previous_ns or as_of_ns, unknown)
    if changes.tables is None:
        return False  # two roots share a key (id_keys), which ids would order
    changes.write()
    _rebrand(con)
    return True


def added(con, since: int) -> int:
    """How many mentions the loads from `since` on added."""
    return con.execute("SELECT count(*) FROM mentions WHERE load_id >= ?", [since]).fetchall()[0][0]


def _rebrand(con) -> None:
    if count_attributed(con):  # most loads: none
        con.execute(_REBRANDED_ROOTS)


# The cascades a load's brands reach: rooted at a stored mention it gave a brand, or replied
# into by a brand account's mention it gave one (a brand is no link, so the trees stay). Each
# takes its root's brand, and whether an account of it replied to the root or to a node of the
# root's author (a brand mention's parent, as cascade_metrics.answered_roots reads it: a share
# or quote answers nothing, nor a reply to another customer, nor one posted before the root).
_REBRANDED_ROOTS = """
UPDATE cascades SET brand = fresh.brand, answered = fresh.answered
FROM (
    WITH brand_links AS (
        SELECT mention_id, brand, parent_id AS target, created_at
        FROM mentions
        WHERE is_brand AND parent_id IS NOT NULL
    ),
    attributed_links AS (
        SELECT target FROM brand_links WHERE mention_id IN (SELECT mention_id FROM stored_attributed)
    ),
    roots AS (
        SELECT c.root_id, m.brand
        FROM cascades AS c
        JOIN mentions AS m ON m.mention_id = c.root_id
        WHERE c.root_id IN (SELECT mention_id FROM stored_attributed)
           OR c.root_id IN (SELECT target FROM attributed_links)
           OR c.root_id IN (SELECT n.root_id FROM cascade_nodes AS n
                            JOIN attributed_links AS a ON n.node_id = a.target)
    ),
    nodes AS (
        SELECT root_id AS node_id, root_id FROM roots
        UNION
        SELECT n.node_id, n.root_id FROM cascade_nodes AS n SEMI JOIN roots USING (root_id)
    ),
    replied AS (
        SELECT DISTINCT nodes.root_id, brand_links.brand
        FROM brand_links
        JOIN nodes ON nodes.node_id = brand_links.target
        JOIN mentions AS replied_to ON replied_to.mention_id = brand_links.target
        JOIN mentions AS root ON root.mention_id = nodes.root_id
        WHERE replied_to.author_id = root.author_id AND brand_links.created_at >= root.created_at
    )
    SELECT roots.root_id, roots.brand,
           EXISTS (SELECT 1 FROM replied WHERE replied.root_id = roots.root_id AND replied.brand = roots.brand)
               AS answered
    FROM roots
) AS fresh
WHERE cascades.root_id = fresh.root_id
"""


def _untyped_columns(con) -> bool:
    [(untyped,)] = con.execute("""SELECT count(*) FROM duckdb_columns()
                                  WHERE table_name IN ('cascades', 'cascade_nodes') AND data_type = '"NULL"'""").fetchall()
    return untyped > 0


def _older_links_to_newer(con, since: int) -> bool:
    # Each link on its own: with the OR, DuckDB probed both per row (10M: 0.28-0.34 s,
    # apart 0.17-0.20 s).
    found = con.execute("""
        WITH new AS (SELECT mention_id FROM mentions WHERE load_id >= $since)
        SELECT (SELECT count(*) FROM mentions WHERE load_id < $since AND parent_id IN (SELECT mention_id FROM new))
             + (SELECT count(*) FROM mentions WHERE load_id < $since AND shared_id IN (SELECT mention_id FROM new))""",
                        {"since": since}).fetchall()[0][0]
    return found > 0


_STANDS_IN_FOR_NOTHING = 1.0  # the typical count where no count is unknown: never used


def _typical_followers(con, since: int) -> float | None:
    """cascade_tree.typical_followers of every non-brand mention; None when the new ones
    moved it and a stored cascade may have used it. (DuckDB's median of whole counts is
    numpy's: the mean of the middle two.)

    It only stands in for unknown counts, and of what the increment keeps only the
    attribution of flattened shares used it (cascade_tree._infer_flattened weighs each
    earlier participant by its count): the forecasts, reshare followers and calibration read
    the stored counts raw and fill them with the new value, as a full recompute does. So a
    moved median is taken as it is unless a stored cascade has two shares or more and a
    root or share whose count is unknown. (Real follower counts move the median on nearly
    every load; each load then ran the whole step.) With no count unknown at all it stands
    in for nothing, and its two medians over every mention are not taken."""
    unknown, older_unknown = con.execute("""
        SELECT count(*) FILTER (WHERE author_followers IS NULL),
               count(*) FILTER (WHERE load_id < $since AND author_followers IS NULL)
        FROM mentions WHERE NOT is_brand""", {"since": since}).fetchall()[0]
    if unknown == 0:
        return _STANDS_IN_FOR_NOTHING
    every, older = con.execute("""
        SELECT median(author_followers::DOUBLE), median(author_followers::DOUBLE) FILTER (WHERE load_id < $since)
        FROM mentions WHERE NOT is_brand""", {"since": since}).fetchall()[0]
    typical = 1.0 if every is None else every
    if typical == (1.0 if older is None else older) or older_unknown == 0:
        return typical
    return None if _stored_attribution_may_use_unknown_counts(con) else typical


def _stored_attribution_may_use_unknown_counts(con) -> bool:
    """Whether a stored cascade could have had flattened shares attributed with an unknown
    count among the candidate sources: two shares or more, and the root's or a share's
    count unknown."""
    return con.execute("""
        SELECT EXISTS (
            SELECT root_id FROM cascade_nodes
            GROUP BY root_id
            HAVING count(*) FILTER (WHERE kind = 'share') >= 2
               AND bool_or((kind = 'share' OR node_id = root_id) AND (followers IS NULL OR isnan(followers))))
        """).fetchall()[0][0]


@contextmanager
def _ids_as(con, name: str, ids: Iterable[str] | pd.Series | pa.Array | pa.ChunkedArray) -> Iterator[None]:
    """The ids as a one-column table `name` (column `id`) for the queries inside the block."""
    if isinstance(ids, (pa.Array, pa.ChunkedArray)):
        column = ids.cast(pa.string())
    else:  # a frame's column goes as its Arrow array: made a list first, 140k ids took 0.2-0.3 s
        column = pa.array(ids if isinstance(ids, pd.Series) else list(ids), pa.string())
    con.register(name, pa.table({"id": column}))
    try:
        yield
    finally:
        con.unregister(name)


def _seconds(ns) -> np.ndarray:
    """Nanoseconds since the epoch as cascade_tree.to_seconds makes a timestamp's seconds."""
    return np.asarray(ns).astype(np.float64) / 1e9


def _mentions_with_ids(con, ids: Iterable[str]) -> pa.Table:
    """cascade_mentions.sql's rows of these ids (an id not stored has none)."""
    with _ids_as(con, "_wanted", ids):
        return cm.fetch_owned(con, f"SELECT * FROM ({_mentions_sql()}) WHERE mention_id IN (SELECT id FROM _wanted)",
                        [None, None])


def _mentions_sql() -> str:
    """cascade_mentions.sql (parameters: as_of, as_of), to wrap in a subquery."""
    return f"\n{cm.MENTIONS_SQL.read_text()}\n"


def _targets(rows: pa.Table) -> set[str]:
    return {v for name in ("parent_id", "shared_id") for v in rows[name].drop_null().to_pylist()}


class _Touched:
    """The mentions a load's trees involve, as a load_mentions frame of their own (codes in
    id order, like the whole history's, so the forest repairs choose as they would there).

    core: the new mentions, and every node of the stored cascades their links reach;
    the others are only what core mentions link to.
    stored_root: per row, the code of its stored cascade's root (-1: none)."""

    def __init__(self, frame: pd.DataFrame, core: np.ndarray, stored_root: np.ndarray, since: int):
        self.frame, self.core, self.stored_root = frame, core, stored_root
        self.new = frame["load_id"].to_numpy() >= since

    @classmethod
    def read(cls, con, since: int) -> _Touched:
        new = cm.fetch_owned(con, f"SELECT * FROM ({_mentions_sql()}) WHERE load_id >= ?", [None, None, since])
        parts, have = [new], set(new["mention_id"].to_pylist())
        reached = _follow(con, new, parts, have)
        roots = _stored_roots(con, reached)
        nodes = _cascade_mentions(con, set(roots.values()))
        roots.update(zip(nodes["mention_id"].to_pylist(), nodes["stored_root"].to_pylist()))
        nodes = nodes.drop_columns(["stored_root"])
        fresh = pc.invert(pc.is_in(nodes["mention_id"], pa.array(list(have), pa.string())))
        parts.append(nodes.filter(fresh))
        have |= set(nodes["mention_id"].to_pylist())
        _follow(con, nodes, parts, have)
        table = pa.concat_tables([p.cast(parts[0].schema) for p in parts]).unify_dictionaries()
        scores = _scores_of(con, table["mention_id"])
        frame = cm.mentions_frame(table, scores)
        ids = frame["mention_id"].to_numpy()
        core_ids = set(roots) | set(new["mention_id"].to_pylist())
        core = np.fromiter((i in core_ids for i in ids), dtype=bool, count=len(ids))
        code_of = {i: c for c, i in enumerate(ids)}
        stored_root = np.fromiter((code_of.get(roots.get(i), -1) for i in ids), dtype=np.int64, count=len(ids))
        return cls(frame, core, stored_root, since)

    def rebuild(self, unknown: float, impressions) -> bool:
        """Build `forest`, the trees the new mentions join, and their `metrics`; False: they
        hold a cycle, which the whole forest cuts, or reach past what was read."""
        frame = self.frame
        customer, parent, fallback = cm.customer_links(frame)
        top, reaches_root = cm.link_trees(customer, parent, fallback)
        rebuilt = customer & np.isin(top, top[customer & self.new])
        if not reaches_root[rebuilt].all() or (rebuilt & ~self.core).any():
            return False
        edges = cm.part_edges(frame, np.flatnonzero(rebuilt), parent, fallback,
                               frame["author_id"].cat.codes.to_numpy())
        self.forest = build_forest(edges, unknown_followers=unknown)
        self.metrics = tree_metrics(self.forest, impressions).set_index("root_id")
        return True

    def root_of(self) -> np.ndarray:
        """Per row, its cascade's root code after this load (-1: brand-authored or not core)."""
        root = self.stored_root.copy()
        root[self.forest["node_id"].to_numpy()] = self.forest["root_id"].to_numpy()
        return root

    def stale_roots(self) -> np.ndarray:
        """Codes of the stored roots whose cascades are rebuilt."""
        roots = self.metrics.index.to_numpy()
        return roots[self.stored_root[roots] == roots]


def _follow(con, rows: pa.Table, parts: list[pa.Table], have: set[str]) -> list[str]:
    """Read what `rows` link to into parts (a brand mention among them too: a link to one is
    no link, a link to a mention never loaded is an orphan's); returns the non-brand ids read."""
    frontier = _targets(rows) - have
    if not frontier:
        return []
    got = _mentions_with_ids(con, frontier)
    parts.append(got)
    have |= set(got["mention_id"].to_pylist())
    return got.filter(pc.invert(got["is_brand"].fill_null(False)))["mention_id"].to_pylist()


def _stored_roots(con, ids: list[str]) -> dict[str, str]:
    """Each id's stored cascade root: its own id when it is in no stored cascade of more than one."""
    with _ids_as(con, "_wanted", ids):
        found = dict(con.execute("SELECT node_id, root_id FROM cascade_nodes "
                                 "WHERE node_id IN (SELECT id FROM _wanted)").fetchall())
    return {i: found.get(i, i) for i in ids}


def _cascade_mentions(con, roots: set[str]) -> pa.Table:
    """cascade_mentions.sql's rows of every node of these stored cascades, with `stored_root`."""
    with _ids_as(con, "_roots", roots):
        return cm.fetch_owned(con, f"""
            SELECT m.*, n.root_id AS stored_root
            FROM ({_mentions_sql()}) AS m JOIN cascade_nodes AS n ON n.node_id = m.mention_id
            WHERE n.root_id IN (SELECT id FROM _roots)""", [None, None])


def _scores_of(con, ids: pa.ChunkedArray) -> pa.Table:
    with _ids_as(con, "_wanted", ids):
        return cm.fetch_owned(con, f"SELECT * FROM (\n{cm.SCORES_SQL.read_text()}\n) "
                             "WHERE mention_id IN (SELECT id FROM _wanted)", [])


class _Changes:
    """The rows of `cascades` this load replaces, and the nodes it replaces in
    `cascade_nodes`: the rebuilt cascades, every stored one still open at the last load,
    and the stored ones a new brand reply answers."""

    def __init__(self, con, touched: _Touched, as_of_ns: int, previous_ns: int, unknown: float):
        self.con, self.touched, self.unknown = con, touched, unknown
        self.as_of_ns = as_of_ns
        self.as_of = as_of_ns / 1e9  # as cascade_metrics: the newest mention's Timestamp.value / 1e9
        frame = touched.frame
        self.ids = pa.array(frame["mention_id"].array)
        root_of = touched.root_of()
        self.rebuilt_roots = touched.metrics.index.to_numpy()
        stale = touched.stale_roots()
        self.stale = self.ids.take(pa.array(stale))
        # The stored cascades a brand reply among the frame's mentions answers (new ones
        # among them), and those answered before; the rebuilt ones keep theirs.
        stored = np.unique(touched.stored_root[touched.stored_root >= 0])
        answered = set(self.ids.take(pa.array(stored[cm.answered_roots(frame, root_of, stored)])).to_pylist())
        rows = self._stored_rows(previous_ns - int(COMPLETION_AGE) * _NS - _MARGIN_NS, answered)
        answered |= set(rows.loc[rows["answered"], "root_id"])
        rows["answered"] = rows["root_id"].isin(answered)
        self.stored = rows[~rows["root_id"].isin(self.stale.to_pylist())]
        self.rebuilt = cm.root_columns(frame, root_of, self.rebuilt_roots)
        # a hash lookup: np.isin sorts object arrays (10M mentions: 0.3 s)
        rebuilt_ids = self.rebuilt["root_id"]
        self.rebuilt["answered"] |= pc.is_in(rebuilt_ids, pa.array(list(answered), rebuilt_ids.type)).to_numpy(
            zero_copy_only=False)
        self.tables = self._tables()

    def _stored_rows(self, since_ns: int, answered: set[str]) -> pd.DataFrame:
        """The stored cascades rooted since `since_ns` (open at the last load), answered by
        a brand reply among the frame's, or rebuilt (for their answered flag): every column
        and the root's ns."""
        # Two queries, the OR split: one query with "rooted since OR listed" and the roots'
        # scores took 1.4-2.0 s in a +10k load into 10M mentions (144k rows); these two,
        # 0.4-1.1 s.
        with _ids_as(self.con, "_listed", [*answered, *self.stale.to_pylist()]):
            return self.con.sql("""
                SELECT *, epoch_ns(root_created_at) AS root_ns FROM cascades
                WHERE epoch_ns(root_created_at) >= $since
                UNION ALL
                SELECT *, epoch_ns(root_created_at) AS root_ns FROM cascades
                WHERE epoch_ns(root_created_at) < $since AND root_id IN (SELECT id FROM _listed)""",
                                params={"since": since_ns}).to_arrow_table().to_pandas()

    def _tables(self) -> list[pa.Table] | None:
        """The replacing rows, of the stored and of the rebuilt cascades (None: see update)."""
        rebuilt_sizes = self.touched.metrics["size"].to_numpy()
        rebuilt_ns = pc.cast(self.rebuilt["root_created_at"], pa.timestamp("ns", tz="UTC")).cast(pa.int64())
        stored_open = self.as_of - _seconds(self.stored["root_ns"]) < COMPLETION_AGE
        rebuilt_open = self.as_of - _seconds(rebuilt_ns) < COMPLETION_AGE
        ev = self._open_events(stored_open, rebuilt_open)
        ids = cascade_ids(ev)
        age = cascade_ages(ev, len(ids), self.as_of)
        complete = _complete_cascades(self, ~rebuilt_open, [fit_age for _, fit_age in fit_ages(age)])
        if complete is None:
            return None
        self.cap, self.overall = self._reshare_followers()
        forecast = self._forecast(ev, ids, age, complete)
        return [self._table_of_stored(forecast, stored_open),
                self._table_of_rebuilt(forecast, rebuilt_open, rebuilt_sizes)]

    def _open_events(self, stored_open: np.ndarray, rebuilt_open: np.ndarray) -> pd.DataFrame:
        """prepare_events' rows of the open cascades."""
        events = pd.concat([self._stored_open_events(stored_open), self._rebuilt_events(rebuilt_open)],
                           ignore_index=True)
        events["followers"] = events["followers"].fillna(self.unknown)  # as prepare_events over every event
        return prepare_events(events)

    def _forecast(self, ev: pd.DataFrame, ids: np.ndarray, age: np.ndarray, complete: SampledEvents) -> pd.DataFrame:
        """predict_spread's columns for the open cascades (prepared events `ev`), by root id."""
        out = forecast_open(observe(ev, age), age, complete)
        out["followers_per_reshare"] = followers_per_reshare(ev, len(ids), self.cap, self.overall)
        out.index = pd.Index(ids)
        return out

    def _stored_open_events(self, open_rows: np.ndarray) -> pd.DataFrame:
        """The events of the stored cascades still open: their nodes in cascade_nodes, or the
        lone root (its followers read from its mention)."""
        rows = self.stored[open_rows]
        multi = rows["size"].to_numpy() > 1
        first = pd.Timestamp(int(rows["root_ns"].min()) if len(rows) else 0, unit="ns", tz="UTC")
        with (_ids_as(self.con, "_open", rows.loc[multi, "root_id"]),
              _ids_as(self.con, "_lone", rows.loc[~multi, "root_id"])):
            nodes = self.con.execute("""
                SELECT root_id AS cascade_id, time, followers, node_id = root_id AS is_root
                FROM cascade_nodes WHERE root_id IN (SELECT id FROM _open)
                ORDER BY root_id, is_root DESC, time, node_id""").df()
            lone = self.con.execute("""
                SELECT mention_id AS cascade_id, author_followers::DOUBLE AS followers FROM mentions
                WHERE created_at >= ? AND mention_id IN (SELECT id FROM _lone)""", [first.to_pydatetime()]).df()
        root_ns = rows.loc[~multi].set_index("root_id")["root_ns"]
        lone = lone.assign(time=_seconds(root_ns.reindex(lone["cascade_id"])), is_root=True)
        return pd.concat([nodes, lone[nodes.columns]], ignore_index=True)

    def _rebuilt_events(self, picked: np.ndarray) -> pd.DataFrame:
        """The events of the rebuilt cascades where `picked` (by root, in code order)."""
        forest = self.touched.forest
        root = forest["root_id"].to_numpy()
        keep = np.isin(root, self.rebuilt_roots[picked])
        node = forest["node_id"].to_numpy()[keep]
        return pd.DataFrame({"cascade_id": self.ids.take(pa.array(root[keep])).to_numpy(zero_copy_only=False),
                             "time": forest["time"].to_numpy()[keep], "followers": forest["followers"].to_numpy()[keep],
                             "is_root": node == root[keep]})

    def _reshare_followers(self) -> tuple[float, float]:
        """spread.reshare_followers over every reshare of the history: the stored cascades'
        non-root nodes outside the rebuilt ones, and the rebuilt ones'."""
        with _ids_as(self.con, "_stale", self.stale):
            stored = self.con.execute("""
                SELECT followers FROM cascade_nodes
                WHERE node_id <> root_id AND root_id NOT IN (SELECT id FROM _stale)""").fetchnumpy()["followers"]
        forest = self.touched.forest
        rebuilt = forest["followers"].to_numpy()[forest["node_id"].to_numpy() != forest["root_id"].to_numpy()]
        followers = np.concatenate([np.asarray(stored, dtype=np.float64), rebuilt])
        return reshare_followers(np.where(np.isnan(followers), self.unknown, followers))

    def _spread(self, size: np.ndarray, ids: np.ndarray, is_open: np.ndarray, forecast: pd.DataFrame) -> pd.DataFrame:
        """predict_spread's rows for these cascades: an open one's forecast, or a complete
        one's size (its forecast is what it has)."""
        size = size.astype(np.float64)
        spread = pd.DataFrame({"observed": size, **{name: size for name in PREDICTION_COLUMNS[1:]},
                               "followers_per_reshare": self.overall})
        opened = forecast.reindex(ids[is_open])
        for name in (*PREDICTION_COLUMNS[1:], "followers_per_reshare"):
            spread.loc[is_open, name] = opened[name].to_numpy()
        return spread

    def _table_of_stored(self, forecast: pd.DataFrame, is_open: np.ndarray) -> pa.Table:
        rows = self.stored
        is_complaint = rows["is_complaint"].to_numpy(dtype=bool)
        roots = {"root_id": _one_array(rows["root_id"], pa.string()),
                 "brand": _one_array(rows["brand"], pa.string()).dictionary_encode(),
                 "platform": _one_array(rows["platform"], pa.string()).dictionary_encode(),
                 "root_created_at": _one_array(rows["root_created_at"]),
                 "is_complaint": is_complaint, "answered": rows["answered"].to_numpy(dtype=bool),
                 cm.ROOT_AUTHOR: _one_array(rows[cm.ROOT_AUTHOR], pa.string()),
                 # as stored: a stored root's score and complaint flag are those it was
                 # weighed by (a load rescoring any mention recomputes every cascade), and
                 # reading its compound back probed every stored score (10M: 0.2-0.4 s)
                 "negativity": rows["negativity"].to_numpy(dtype=np.float64)}
        metrics = rows[cm.TREE_COLUMNS].reset_index(drop=True)
        ids = rows["root_id"].to_numpy()
        return cm.cascade_table(roots, metrics, self._spread(rows["size"].to_numpy(), ids, is_open, forecast))

    def _table_of_rebuilt(self, forecast: pd.DataFrame, is_open: np.ndarray, sizes: np.ndarray) -> pa.Table:
        ids = self.rebuilt["root_id"].to_numpy(zero_copy_only=False)
        metrics = self.touched.metrics[cm.TREE_COLUMNS].reset_index(drop=True)
        return cm.cascade_table(self.rebuilt, metrics, self._spread(sizes, ids, is_open, forecast))

    def write(self) -> None:
        """Replace the stale nodes and the changed rows."""
        con, touched = self.con, self.touched
        stale = self.stale.cast(pa.string())
        replaced = pa.concat_arrays([stale] + [table["root_id"].combine_chunks().cast(pa.string())
                                               for table in self.tables])
        with _ids_as(con, "_stale", stale), _ids_as(con, "_replaced", replaced):
            con.execute("DELETE FROM cascade_nodes WHERE root_id IN (SELECT id FROM _stale)")
            con.execute("DELETE FROM cascades WHERE root_id IN (SELECT id FROM _replaced)")
        sizes = touched.metrics["size"]
        spread_roots = sizes.index.to_numpy()[sizes.to_numpy() > 1]
        forest = touched.forest
        authors = pa.array(touched.frame["author_id"].cat.categories.array)
        nodes = cm.named_nodes(forest, np.isin(forest["root_id"].to_numpy(), spread_roots), self.ids, authors)
        cm.store(con, "cascade_nodes", nodes, replace=False)
        for table in self.tables:
            cm.store(con, "cascades", table, replace=False)


def _one_array(values: pd.Series, kind: pa.DataType | None = None) -> pa.Array:
    """A column as one Arrow array: a pandas column that Arrow holds in several chunks (the
    stored rows come from two queries) converts to a ChunkedArray, which has no
    dictionary_decode for cascade_table."""
    array = pa.array(values, kind)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _complete_cascades(changes: _Changes, rebuilt_complete: np.ndarray, ages: list[float]) -> SampledEvents | None:
    """The complete cascades (stored outside the rebuilt ones, and rebuilt) as predict_spread
    calibrates on them at these ages: in the order of id_keys, ties in id order, with the
    events of only those fit() samples. None: a stored and a rebuilt root share a key, and
    the stored ids were not read to break the tie (nor between two stored roots).

    Every complete cascade's count of events by each age is needed (fit() bands them by it);
    its events, only for the thousand or so per band it samples. In a +10k load into 10M
    mentions, this step and the forecast took 7.2-8.7 s with the events of every complete
    cascade put in order (3.9M), 5.9-6.4 s so; in a busier hour, where reading the stored
    tables took twice as long, 7.3-7.9 s against about 7.2 s."""
    read = _stored_complete(changes)
    if read is None:
        return None
    stored, runs = read
    merged = _merged_order(changes, stored, rebuilt_complete)
    if merged is None:
        return None
    final, stored_pos, rebuilt = merged
    multi = stored["size"] > 1

    def seen(age: float) -> np.ndarray:
        counts = np.empty(len(final), dtype=np.int64)
        counts[stored_pos[multi]] = runs.seen(age)
        counts[stored_pos[~multi]] = 0.0 <= age  # a lone root is seen from its own moment
        counts[rebuilt.positions] = rebuilt.seen(age)
        return counts

    counts = {age: seen(age) for age in ages}
    picked = np.unique(np.concatenate([sampled(c, len(final)) for c in counts.values()] or [np.array([], int)]))
    sizes = final[picked]
    first = np.cumsum(sizes) - sizes  # where each picked cascade's events start
    events = _Events(int(sizes.sum()))
    place = np.searchsorted(picked, stored_pos)  # (each stored cascade's among the picked, where picked)
    stored_picked = np.isin(stored_pos, picked)
    picked_multi = np.flatnonzero(stored_picked[multi])  # among the stored cascades of more than one node
    rows = runs.rows(picked_multi)
    events.place(_block_places(first[place[multi][picked_multi]], runs.sizes[picked_multi]),
                 runs.time[rows], runs.followers[rows], runs.is_root[rows])
    lone = stored_picked & ~multi
    events.place(first[place[lone]], _seconds(stored["root_ns"][lone]), stored["followers"][lone], True)
    rebuilt.place(events, picked, first)
    order = np.full(len(final), -1)
    order[picked] = np.arange(len(picked))
    return SampledEvents(events.prepared(sizes, first, changes.unknown), final, counts, order)


def _merged_order(changes: _Changes, stored: dict, rebuilt_complete: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, _RebuiltEvents] | None:
    """The stored complete cascades (by their roots' hashes `h`, with their `size`) and the
    rebuilt ones where `rebuilt_complete`, in one order by hash: the final size of each, the
    places of the stored ones and the rebuilt ones' events. None: a stored and a rebuilt
    root share a key."""
    h = stored["h"]
    roots = changes.rebuilt_roots[rebuilt_complete]
    keys = cm.id_keys(changes.con, changes.ids.take(pa.array(roots)))
    by_key = np.lexsort((roots, keys))
    roots, keys = roots[by_key], keys[by_key]
    at = np.searchsorted(h, keys)
    if len(h) and (h[np.minimum(at, len(h) - 1)] == keys).any():
        return None
    # Places in the merged order of the two sorted lists.
    stored_pos, rebuilt_pos = np.arange(len(h)) + np.searchsorted(keys, h), at + np.arange(len(keys))
    final = np.empty(len(h) + len(keys), dtype=np.int64)
    final[stored_pos] = stored["size"]
    final[rebuilt_pos] = changes.touched.metrics["size"].to_numpy()[np.searchsorted(changes.rebuilt_roots, roots)]
    return final, stored_pos, _RebuiltEvents(changes.touched.forest, roots, rebuilt_pos)


class _RebuiltEvents:
    """The events of the rebuilt complete cascades (`roots`, at `positions` in the merged
    order), root first; `cascade`: each event's cascade's place."""

    def __init__(self, forest: pd.DataFrame, roots: np.ndarray, positions: np.ndarray):
        self.positions = positions
        in_forest = np.isin(forest["root_id"].to_numpy(), roots)
        f_root, f_node = forest["root_id"].to_numpy()[in_forest], forest["node_id"].to_numpy()[in_forest]
        by_code = np.argsort(roots)
        f_pos = positions[by_code[np.searchsorted(roots[by_code], f_root)]] if len(roots) else f_root
        order = np.lexsort((f_node != f_root, f_pos))
        self.cascade = f_pos[order]
        head = np.searchsorted(self.cascade, self.cascade)
        self.rank = np.arange(len(self.cascade)) - head
        self.time = forest["time"].to_numpy()[in_forest][order]
        self.followers = forest["followers"].to_numpy()[in_forest][order]
        self.is_root = (f_node == f_root)[order]
        self.t = _since_root(self.time, self.time[head])

    def seen(self, age: float) -> np.ndarray:
        """Each rebuilt cascade's events by `age`, in the order of `positions`."""
        return np.bincount(np.searchsorted(self.positions, self.cascade[self.t <= age]),
                           minlength=len(self.positions))

    def place(self, events: _Events, picked: np.ndarray, first: np.ndarray) -> None:
        """Put the events of the `picked` places (starting at `first` each) into events."""
        wanted = np.isin(self.cascade, picked)
        events.place(first[np.searchsorted(picked, self.cascade[wanted])] + self.rank[wanted], self.time[wanted],
                     self.followers[wanted], self.is_root[wanted])


def _since_root(time: np.ndarray, root_time: np.ndarray) -> np.ndarray:
    """Each event's seconds after its cascade's root, as prepare_events makes its `t`: the
    calibration's counts and the events it observes must agree on them."""
    return np.maximum(time - root_time, 0.0)


def _block_places(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The places of consecutive blocks of `sizes` rows that go to `starts` onwards."""
    return np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(sizes.sum())


class _Events:
    """prepare_events' columns, filled place by place."""

    def __init__(self, n: int):
        self.time, self.followers, self.is_root = np.empty(n), np.empty(n), np.zeros(n, dtype=bool)

    def place(self, at: np.ndarray, time, followers, is_root) -> None:
        self.time[at], self.followers[at], self.is_root[at] = time, followers, is_root

    def prepared(self, counts: np.ndarray, first: np.ndarray, unknown: float) -> pd.DataFrame:
        """The events of cascades of `counts` events each, starting at `first`, root first."""
        cascade = np.repeat(np.arange(len(counts)), counts)
        return pd.DataFrame({"cascade": cascade,
                             "t": _since_root(self.time, np.repeat(self.time[first], counts)),
                             "followers": np.where(np.isnan(self.followers), unknown, self.followers),
                             "is_root": self.is_root}, copy=False)


def _stored_complete(changes: _Changes) -> tuple[dict, _Runs] | None:
    """The stored cascades complete at the forecast's moment outside the rebuilt ones, in
    the order of their roots' hash (h, root_ns, size, followers of the lone roots), and the
    nodes of those of more than one node, as _Runs in that order. Of the cascades that
    stayed lone roots, only the first by hash: fit() reads no more of them (10M mentions:
    3.6M of 5M complete cascades left unread).
    None: two roots share a hash."""
    con = changes.con
    cut = changes.as_of_ns - int(COMPLETION_AGE) * _NS + _MARGIN_NS
    near = "epoch_ns(root_created_at) <= $cut AND root_id NOT IN (SELECT id FROM _stale)"
    read = "root_id, hash(root_id) AS h, epoch_ns(root_created_at) AS root_ns, size, potential_reach"
    with _ids_as(con, "_stale", changes.stale):
        # Every cascade that grew; of the lone roots surely complete (a margin from the
        # cut-off), those with the lowest hashes, one more than fit() reads so that a tie
        # among those it reads shows; and every lone root near the cut-off, where numpy decides.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _complete AS
            SELECT {read} FROM cascades WHERE {near} AND size > 1
            UNION ALL
            (SELECT {read} FROM cascades WHERE {near} AND size = 1 AND epoch_ns(root_created_at) <= $sure
             ORDER BY h LIMIT $lone)
            UNION ALL
            SELECT {read} FROM cascades WHERE {near} AND size = 1 AND epoch_ns(root_created_at) > $sure""",
                    {"cut": cut, "sure": cut - 2 * _MARGIN_NS, "lone": MAX_CALIBRATION + 1})
        try:
            rows = _complete_rows(con, changes.as_of)
            if rows is None:
                return None
            spread = rows["size"] > 1
            runs = _grouped_nodes(con, rows["h"][spread], rows["size"][spread])
            if runs is None:
                runs = _sorted_nodes(con, rows["h"][spread], rows["size"][spread])
        finally:
            con.execute("DROP TABLE IF EXISTS temp.main._complete")
    return rows, runs


def _complete_rows(con, as_of: float) -> dict | None:
    """_stored_complete's cascades, from its table `_complete`; None: two roots share a hash."""
    stored = con.execute("""
        SELECT h, root_ns, size, potential_reach, size = 1 AND potential_reach = 0 AS unsure
        FROM _complete""").fetchnumpy()
    # A lone root's potential reach is its followers, an unknown count counted as 0:
    # for the zeros, its mention says which.
    unsure = con.execute("""
        SELECT m.author_followers::DOUBLE AS followers
        FROM (SELECT root_id, h FROM _complete WHERE size = 1 AND potential_reach = 0) AS c
        JOIN (SELECT mention_id, author_followers FROM mentions
              WHERE NOT is_brand AND coalesce(author_followers, 0) = 0) AS m ON m.mention_id = c.root_id
        ORDER BY c.h, c.root_id""").fetchnumpy()
    # Sorted here, not by DuckDB (10M mentions: 0.9 s of a 1.3 s query); the hash breaks
    # every tie but one in 10^12, and one makes the load recompute the whole step. So the
    # sort need not be stable (4.9M hashes: 1.2 -> 0.5 s).
    by_key = np.argsort(np.asarray(stored["h"]))
    stored = {name: np.asarray(values)[by_key] for name, values in stored.items()}
    if (np.diff(stored["h"]) == 0).any():
        return None
    followers = np.asarray(stored["potential_reach"], dtype=np.float64)
    is_unsure = np.asarray(stored["unsure"], dtype=bool)
    if is_unsure.sum() != len(unsure["followers"]):
        raise RuntimeError("a stored lone root has no mention")
    followers[is_unsure] = np.ma.filled(unsure["followers"].astype(np.float64), np.nan)
    complete = as_of - _seconds(stored["root_ns"]) >= COMPLETION_AGE
    return {"h": stored["h"][complete], "root_ns": stored["root_ns"][complete],
            "size": stored["size"][complete], "followers": followers[complete]}


class _Runs:
    """The nodes of stored cascades as read (time, followers, is_root; a cascade's nodes one
    run of rows), every run's first row and root row, and per wanted cascade (in the order
    of their roots' hashes) its run and size."""

    def __init__(self, read: dict, starts: np.ndarray, roots: np.ndarray, run: np.ndarray):
        self.time = np.ma.filled(np.ma.asarray(read["time"]), np.nan)
        self.followers = np.ma.filled(np.ma.asarray(read["followers"]), np.nan)
        self.is_root = np.ma.filled(np.ma.asarray(read["is_root"]), False).astype(bool)
        self.starts, self.roots, self.run = starts, roots, run
        lengths = np.diff(np.r_[starts, len(self.time)])
        self.sizes = lengths[run]
        self.t = _since_root(self.time, np.repeat(self.time[roots], lengths))

    def seen(self, age: float) -> np.ndarray:
        """Each wanted cascade's nodes by `age`."""
        return np.add.reduceat(self.t <= age, self.starts, dtype=np.int64)[self.run] if len(self.t) else self.run

    def rows(self, cascades: np.ndarray) -> np.ndarray:
        """The rows of these wanted cascades, a run after another, each root first."""
        starts, sizes, roots = self.starts[self.run[cascades]], self.sizes[cascades], self.roots[self.run[cascades]]
        rows = _block_places(starts, sizes)
        # each block's root to its front, the node at the front to the root's place
        front = np.cumsum(sizes) - sizes
        rows[front + (roots - starts)] = starts
        rows[front] = roots
        return rows


def _grouped_nodes(con, h: np.ndarray, size: np.ndarray) -> _Runs | None:
    """The nodes of the cascades whose roots hash to `h` (unique; `size` nodes each), read in
    the table's own order: cascade_metrics stores each cascade's nodes together
    (cascade_metrics.named_nodes). None where the table does not hold them so: then _sorted_nodes sorts them.

    In a +10k load into 10M mentions, joining every node to its cascade and sorting them
    took 2.6 s; reading them as they lie took less (not re-measured since the sort went)."""
    read = con.execute("SELECT hash(root_id) AS h, time, followers, depth = 0 AS is_root "
                       "FROM cascade_nodes").fetchnumpy()
    node_h, is_root = np.asarray(read["h"]), np.asarray(read["is_root"], dtype=bool)
    starts = np.flatnonzero(np.r_[True, node_h[1:] != node_h[:-1]])[:len(node_h)]
    lengths = np.diff(np.r_[starts, len(node_h)])
    root_rows = np.flatnonzero(is_root)
    run_of_root = np.repeat(np.arange(len(starts)), lengths)[root_rows]
    root_of_run = np.zeros(len(starts), dtype=np.int64)
    root_of_run[run_of_root] = root_rows
    cascade = pd.Index(h).get_indexer(node_h[starts])  # a hash table: a binary search took 0.7 s
    wanted = cascade >= 0
    # Each wanted cascade one run of rows of its size with one root: not so where a cascade
    # is split, or a hash is shared with another cascade's.
    if (wanted.sum() != len(h) or (np.bincount(cascade[wanted], minlength=len(h)) != 1).any()
            or (lengths[wanted] != size[cascade[wanted]]).any()
            or (np.bincount(run_of_root, minlength=len(starts))[wanted] != 1).any()):
        return None
    run = np.empty(len(h), dtype=np.int64)  # each cascade's run, in the order of h
    run[cascade[wanted]] = np.flatnonzero(wanted)
    return _Runs(read, starts, root_of_run, run)


def _sorted_nodes(con, h: np.ndarray, size: np.ndarray) -> _Runs:
    """_grouped_nodes' answer from a join to _stored_complete's table and a sort, for nodes
    stored in any order."""
    nodes = con.execute("""
        SELECT n.time, n.followers, n.node_id = n.root_id AS is_root, c.h
        FROM cascade_nodes AS n JOIN (SELECT root_id, h FROM _complete WHERE size > 1) AS c
        USING (root_id)
        ORDER BY c.h, is_root DESC""").fetchnumpy()
    wanted = np.isin(np.asarray(nodes["h"]), h)
    if wanted.sum() != size.sum():
        raise RuntimeError("cascade_nodes does not hold every node of the stored cascades")
    starts = np.cumsum(size) - size
    return _Runs({name: np.ma.asarray(nodes[name])[wanted] for name in ("time", "followers", "is_root")},
                 starts, starts, np.arange(len(h)))
