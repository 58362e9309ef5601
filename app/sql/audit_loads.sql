-- The loads behind an audit, for its report's provenance: how many there are, their ids and
-- when the newest finished, so a reader can find them in the load log (`python -m etl loads`)
-- and know the state the numbers come from. A failed load changed nothing: counted apart.
WITH logged AS (
    SELECT load_id, finished_at, status = 'failed' AS failed
    FROM loads
),

final AS (
    SELECT
        count(*) FILTER (WHERE NOT failed) AS loads,
        min(load_id) FILTER (WHERE NOT failed) AS first_load,
        max(load_id) FILTER (WHERE NOT failed) AS last_load,
        max(finished_at) FILTER (WHERE NOT failed) AS last_finished_at,
        count(*) FILTER (WHERE failed) AS failed_loads
    FROM logged
)

SELECT * FROM final
