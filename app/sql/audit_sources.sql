-- The files an audit's mentions came from, for a report read without the database: each load
-- that stored mentions of the brand (and page) created up to $as_of (from $since), or was the
-- last to hold again one another stored (mention_sightings: a re-export, whose newer counters
-- and filled reply links the figures use), with its format, file, when it finished, the
-- mentions it stored and their time span, and those it held again; oldest load first. A report
-- named only '35 loads, ids 1 to 35' and `python -m etl loads`, which a client who has the
-- report alone cannot run (a consultant's review).
WITH audited AS (
    SELECT mention_id, load_id, created_at
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

held_again AS (
    SELECT sightings.last_load_id AS load_id, count(*) AS held_again
    FROM audited
    JOIN mention_sightings AS sightings USING (mention_id)
    WHERE sightings.last_load_id <> audited.load_id
    GROUP BY sightings.last_load_id
),

final AS (
    SELECT
        load_id AS load_number,  -- a number, not an id cell's small breaking type
        loads.format,
        loads.file,
        loads.finished_at,
        coalesce(per_load.mentions, 0) AS mentions,
        per_load.first_at,
        per_load.last_at,
        coalesce(held_again.held_again, 0) AS held_again
    FROM per_load
    FULL JOIN held_again USING (load_id)
    LEFT JOIN loads USING (load_id)
)

SELECT * FROM final
ORDER BY load_number
