"""Bringing the marts up to date after loads that only added mentions, without recomputing
the whole history: at 10M mentions the full rebuild took 40 of a +10k load's 93 s; this
takes 2-4 s (bench/README.md).

Each mart's header says how its rows follow the mentions:

    -- incremental: thread mention_id   rows keyed by a mention (key column named), which
                                        depend only on the mentions of its thread
    -- incremental: slot slot_at        rows of quarter hours (UTC) that depend only on
                                        the mentions of their quarter hour
    -- incremental: hour hour_at        rows of hours (UTC) that depend only on the care
                                        requests of that backlog hour (the hours of
                                        dash_care_requests.backlog_hour_at)
    (none)                              rebuilt in full: small, or reads every load

A thread mart is recomputed for the touched threads (every thread a new mention joins, or
whose missing parent just arrived): its own SQL runs with the staging models narrowed to
those threads' mentions, then its rows keyed by them are replaced. A slot mart likewise for
the quarter hours the new mentions fall in, and an hour mart for the backlog hours of the
touched requests, before and after. The narrowed inputs and the recomputed marts
are temporary tables of the models' own names: DuckDB binds a name when a query runs,
temporary schema first, so each model's SQL runs unchanged and reads its narrowed inputs.

Whoever calls update() vouches that the loads since `first_load_id` only added mentions,
and at most gave stored ones a brand, a page or an earlier time for it, which it lists in
etl.attribute_stored's table: no other stored mention, score or brand setting changed. Those
mentions' threads are touched, and their quarter hours recounted. update() itself checks the
rest and returns False when the marts need a full rebuild instead.
"""

from __future__ import annotations

from ..attribute_stored import count_attributed
from . import Model, build_model, build_order, load_models, stale

# A thread that reaches a mention it cannot walk to (a parent cycle, or a chain deeper than
# the walk's bound) is bad data the full rebuild handles; so is a load touching more than
# this share of the stored mentions, where the narrowing costs more than it saves.
_MOST_TOUCHED = 0.25
_CODED = ("brand", "page", "platform")  # dash_care_requests' grouping codes
_STAGING = ("stg_mentions", "stg_mention_scores")
_CARRY_CODES = ("dash_care_requests", "dash_care_backlog")  # the marts whose rows carry them


def update(con, first_load_id: int) -> bool:
    """Update every mart for the mentions of loads >= first_load_id. False: they need
    build_models() instead (which makes every mart whole, whatever this left)."""
    ordered = build_order(load_models())
    if stale(con):
        return False
    # The stored relations by their full name: `main.x` would find a temporary x first.
    stored = '"{}".main'.format(con.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""'))
    thread_marts = [m for m in ordered if _kind(m) == "thread"]
    slot_marts = [m for m in ordered if _kind(m) == "slot"]
    hour_marts = [m for m in ordered if _kind(m) == "hour"]
    count_attributed(con)  # (the table of them made where there is none)
    try:
        _note_new_slots(con, stored, first_load_id)
        if not _narrow_to_touched_threads(con, stored, first_load_id):
            return False
        _recompute(con, thread_marts)
        _recode_requests(con, stored)
        _note_backlog_hours(con, stored)  # while the touched requests' stored rows remain
        _replace(con, stored, thread_marts)
        _narrow_to_backlog_hours(con, stored)
        _recompute(con, hour_marts)
        _replace(con, stored, hour_marts)
        _drop_temporaries(con, ordered, keep=("_slots", "_score_rows"))
        _narrow_to_new_slots(con, stored)
        _recompute(con, slot_marts)
        _replace(con, stored, slot_marts)
    finally:
        _drop_temporaries(con, ordered)
    for model in ordered:
        if model.materialized == "table" and model.incremental is None:
            build_model(con, model)
    _renumber_codes(con, stored)
    return True


def _kind(model: Model) -> str | None:
    return model.incremental[0] if model.incremental else None


def _narrow_to_touched_threads(con, stored: str, first_load_id: int) -> bool:
    """Temporary staging tables holding only the touched threads' mentions; False when
    the touched threads are not ones a narrowed run can recompute."""
    con.execute(f"""
        CREATE TEMP TABLE _new AS
        SELECT mention_id, parent_id FROM {stored}.stg_mentions WHERE load_id >= ?""", [first_load_id])
    # The threads a new mention joins (its parent's), those whose missing parent it is
    # (named in threads: finding them among every mention's parent took 0.3-0.8 s at 10M),
    # and those of the stored mentions a load gave a brand.
    con.execute(f"""
        CREATE TEMP TABLE _touched_roots AS
        WITH linked AS (
            SELECT parent_id AS mention_id FROM _new
            UNION
            SELECT mention_id FROM {stored}.threads WHERE missing_parent_id IN (SELECT mention_id FROM _new)
            UNION
            SELECT mention_id FROM stored_attributed
        )
        SELECT DISTINCT root_id, unreachable FROM {stored}.threads SEMI JOIN linked USING (mention_id)""")
    if con.execute("SELECT count(*) FROM _touched_roots WHERE unreachable").fetchall()[0][0]:
        return False
    con.execute(f"""
        CREATE TEMP TABLE _touched_stored AS
        SELECT mention_id FROM {stored}.threads SEMI JOIN _touched_roots USING (root_id)""")
    con.execute("CREATE TEMP TABLE _touched AS FROM _touched_stored UNION ALL SELECT mention_id FROM _new")
    old_touched, old_total = con.execute(f"""
        SELECT (SELECT count(*) FROM _touched_stored), (SELECT count(*) FROM {stored}.threads)""").fetchall()[0]
    if old_touched > _MOST_TOUCHED * old_total:
        return False
    _note_score_rows(con, stored)
    _narrow_staging(con, stored, "_touched", _STAGING)
    return True


def _note_new_slots(con, stored: str, first_load_id: int) -> None:
    """`_slots`: spans of whole quarter hours (so each slot is recounted in full), apart:
    from the first to the last new mention's, and each other quarter hour of a stored
    mention a load gave a brand (those are few, and may lie anywhere in the history)."""
    con.execute(f"""
        CREATE TEMP TABLE _slots AS
        SELECT time_bucket(INTERVAL '15 minutes', min(created_at)) AS first_slot,
               time_bucket(INTERVAL '15 minutes', max(created_at)) + INTERVAL '15 minutes' AS end_slot
        FROM {stored}.stg_mentions WHERE load_id >= ?""", [first_load_id])
    if count_attributed(con):  # most loads: none
        con.execute(f"""
            INSERT INTO _slots
            SELECT DISTINCT time_bucket(INTERVAL '15 minutes', m.created_at),
                   time_bucket(INTERVAL '15 minutes', m.created_at) + INTERVAL '15 minutes'
            FROM {stored}.stg_mentions AS m SEMI JOIN stored_attributed USING (mention_id), _slots AS new
            WHERE new.first_slot IS NULL OR m.created_at < new.first_slot OR m.created_at >= new.end_slot""")


def _note_score_rows(con, stored: str) -> None:
    """`_score_rows`: the rowid and id of every stored score that either narrowing reads,
    the touched threads' mentions' and those of the new quarter hours (`_slots`): one scan of
    the scores' ids for both, where each scanned them all (in a +10k into 10M mentions,
    0.6-0.8 s each on a busy machine)."""
    con.execute(f"""
        CREATE TEMP TABLE _score_rows AS
        WITH wanted AS (
            SELECT mention_id FROM _touched
            UNION ALL
            SELECT m.mention_id FROM {stored}.stg_mentions AS m, _slots
            WHERE m.created_at >= _slots.first_slot AND m.created_at < _slots.end_slot
        )
        SELECT rowid AS row, mention_id FROM {stored}.mention_scores SEMI JOIN wanted USING (mention_id)""")


def _narrow_staging(con, stored: str, keys: str, staging: tuple[str, ...]) -> None:
    """Temporary `staging` models over only the rows of their tables whose mention_id is in
    `keys`: each table's rows are narrowed by rowid (a scan of its ids alone, then the rows
    at those places), and the staging model's own SQL runs over them. A semi join of the
    staging view scanned every column of every mention, texts included: in a +10k into 10M
    mentions it narrowed in 1.7-2.0 s where this takes 1.4-1.6 s, and the care step peaked
    at 1.10 GB where it now peaks at 0.77 GB."""
    models = load_models()
    tables = [models[name].depends[0] for name in staging]  # each staging model reads one table
    try:
        for name, table in zip(staging, tables):
            if table == "mention_scores":  # among the rows _note_score_rows found
                con.execute(f"""CREATE OR REPLACE TEMP TABLE _rows AS
                                SELECT row FROM _score_rows SEMI JOIN {keys} USING (mention_id)""")
            else:
                con.execute(f"""CREATE OR REPLACE TEMP TABLE _rows AS
                                SELECT rowid AS row FROM {stored}.{table} SEMI JOIN {keys} USING (mention_id)""")
            con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {stored}.{table} "
                        "WHERE rowid IN (SELECT row FROM _rows)")
            con.execute(f"CREATE TEMP TABLE {name} AS\n{models[name].sql}")  # reads the temporary table
    finally:
        for table in [*tables, "_rows"]:
            con.execute(f"DROP TABLE IF EXISTS temp.main.{table}")


def _narrow_to_new_slots(con, stored: str) -> None:
    """Temporary staging tables holding every mention of the new quarter hours (`_slots`)."""
    con.execute(f"""
        CREATE TEMP TABLE stg_mentions AS
        SELECT m.* FROM {stored}.stg_mentions AS m, _slots
        WHERE m.created_at >= _slots.first_slot AND m.created_at < _slots.end_slot""")
    _narrow_staging(con, stored, "temp.main.stg_mentions", ("stg_mention_scores",))


def _recompute(con, marts: list[Model]) -> None:
    # In dependency order: each reads the narrowed marts made before it.
    for model in marts:
        con.execute(f"CREATE TEMP TABLE {model.name} AS\n{model.sql}")


# The stored rows an update recomputes, by the mart's kind (SQL on its key column).
_RECOMPUTED = {
    # Only the stored mentions' rows can exist: probing with the new mentions' ids too
    # doubled each delete's scan (10M mentions: 0.17 -> 0.09 s a mart).
    "thread": "{key} IN (SELECT mention_id FROM _touched_stored)",
    "hour": "{key} IN (SELECT hour_at FROM _hours)",
    "slot": "EXISTS (SELECT 1 FROM _slots WHERE {key} >= first_slot AND {key} < end_slot)",
}


def _replace(con, stored: str, marts: list[Model]) -> None:
    """Each mart's stored rows that the update recomputed give way to the recomputed ones."""
    for model in marts:
        where = _RECOMPUTED[_kind(model)].format(key=model.incremental[1])
        con.execute(f"DELETE FROM {stored}.{model.name} WHERE {where}")
        con.execute(f"INSERT INTO {stored}.{model.name} SELECT * FROM temp.main.{model.name}")


def _note_backlog_hours(con, stored: str) -> None:
    """The backlog hours of the touched requests as stored and as recomputed: the hours
    whose counts the load may change (a request answered leaves its hour, a new one joins)."""
    con.execute(f"""
        CREATE TEMP TABLE _hours AS
        SELECT backlog_hour_at AS hour_at FROM {stored}.dash_care_requests
        WHERE request_id IN (SELECT mention_id FROM _touched_stored) AND backlog_hour_at IS NOT NULL
        UNION
        SELECT backlog_hour_at FROM temp.main.dash_care_requests WHERE backlog_hour_at IS NOT NULL""")


def _narrow_to_backlog_hours(con, stored: str) -> None:
    """A temporary dash_care_requests holding every request of those hours' backlog (in
    place of the touched requests' rows, now stored)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE dash_care_requests AS
        SELECT * FROM {stored}.dash_care_requests WHERE backlog_hour_at IN (SELECT hour_at FROM _hours)""")


def _recode_requests(con, stored: str) -> None:
    """Give the recomputed dash_care_requests rows the stored codes of their groupings, and
    each new value a code after every stored one (in its values' order): the place among
    every request's values it will have when it sorts after them all, as most new values do.
    One sorting between stored ones is renumbered at the end (_renumber_codes)."""
    select_values = " UNION ALL ".join(
        f"SELECT DISTINCT '{g}' AS grouping, {g} AS value FROM temp.main.dash_care_requests WHERE {g} IS NOT NULL"
        for g in _CODED)
    con.execute(f"""
        CREATE TEMP TABLE _codes AS
        WITH kept AS (SELECT grouping, code, value FROM {stored}.dash_care_groups),
        added AS (SELECT grouping, value FROM ({select_values}) ANTI JOIN kept USING (grouping, value)),
        last_kept AS (SELECT grouping, max(code) AS code FROM kept GROUP BY grouping),
        coded AS (
            SELECT grouping, value,
                   coalesce(last_kept.code, -1) + row_number() OVER (PARTITION BY grouping ORDER BY value) AS code
            FROM added LEFT JOIN last_kept USING (grouping))
        SELECT grouping, value, code::INTEGER AS code FROM coded
        UNION ALL
        SELECT grouping, value, code FROM kept""")
    joins = "\n".join(
        f"LEFT JOIN _codes AS {g}_codes ON {g}_codes.grouping = '{g}' AND {g}_codes.value = r.{g}"
        for g in _CODED)
    recoded = ", ".join(f"{g}_codes.code AS {g}_code" for g in _CODED)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE dash_care_requests AS
        SELECT r.* REPLACE ({recoded}) FROM temp.main.dash_care_requests AS r
        {joins}
        ORDER BY r.brand, r.requested_at, r.request_id""")


def _renumber_codes(con, stored: str) -> None:
    """Make every grouping's codes 0..n-1 in its values' order again, as the full rebuild
    numbers them, where a value new between stored ones or one that lost its last request
    (merged into another) left them otherwise: the marts that carry codes, and the list of
    them (dash_care_groups, just built), are updated, which is rare and costs an UPDATE of a
    column, not a rebuild."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _renumbered AS
        SELECT grouping, code, place::INTEGER AS place FROM (
            SELECT grouping, code, row_number() OVER (PARTITION BY grouping ORDER BY value) - 1 AS place
            FROM {stored}.dash_care_groups)
        WHERE code <> place""")
    changed = {grouping for (grouping,) in con.execute("SELECT DISTINCT grouping FROM _renumbered").fetchall()}
    for table in _CARRY_CODES:
        for grouping in (g for g in _CODED if g in changed):
            con.execute(f"""
                UPDATE {stored}.{table} AS t SET {grouping}_code = r.place
                FROM _renumbered AS r WHERE r.grouping = ? AND t.{grouping}_code = r.code""", [grouping])
    if changed:
        con.execute(f"""
            UPDATE {stored}.dash_care_groups AS g SET code = r.place
            FROM _renumbered AS r WHERE r.grouping = g.grouping AND r.code = g.code""")
    con.execute("DROP TABLE _renumbered")


def _drop_temporaries(con, ordered: list[Model], keep: tuple[str, ...] = ()) -> None:
    """Drop the update's temporary tables, all but `keep` (what a later step still reads)."""
    names = [m.name for m in ordered if m.incremental] + list(_STAGING)
    # Only those there: of the 36 names, each call finds about half (a DROP IF EXISTS of none
    # still cost a statement, 0.3-0.7 ms).
    there = {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'temp' AND schema_name = 'main'").fetchall()}
    for name in names + ["_new", "_touched_roots", "_touched_stored", "_touched", "_slots", "_score_rows",
                         "_codes", "_hours"]:
        if name not in keep and name in there:
            con.execute(f"DROP TABLE temp.main.{name}")
