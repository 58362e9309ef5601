-- The files an audit's mentions came from, for a report read without the database: each load
-- that stored mentions of the brand (and page) created up to $as_of (from $since), with its
-- format, file, when it finished, and those mentions' count and time span; oldest load first.
-- A report named only '35 loads, ids 1 to 35' and `python -m etl loads`, which a client who
-- has the report alone cannot run (a consultant's review).
WITH audited AS (
    SELECT load_id, created_at
    FROM mentions
    WHERE brand = $brand
      AND ($page IS NULL OR page = $page)
      AND created_at <= $as_of
      AND ($since IS NULL OR created_at >= $since)
),

per_load AS (
    SELECT load_id, count(*) AS mentions, min(created_at) AS first_at, max(created_at) AS last_at
    FROM audited
    GROUP BY load_id
),

final AS (
    SELECT
        per_load.load_id AS load_number,  -- a number, not an id cell's small breaking type
        loads.format,
        loads.file,
        loads.finished_at,
        per_load.mentions,
        per_load.first_at,
        per_load.last_at
    FROM per_load
    LEFT JOIN loads USING (load_id)
)

SELECT * FROM final
ORDER BY load_number
