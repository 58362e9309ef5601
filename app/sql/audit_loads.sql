-- The loads behind an audit, for its report's provenance: how many there are, their ids and
-- when the newest finished, so a reader can list them (`python -m etl loads`) and know the
-- state the numbers come from. A failed load changed nothing and is not counted.
SELECT
    count(*) AS loads,
    min(load_id) AS first_load,
    max(load_id) AS last_load,
    max(finished_at) AS last_finished_at
FROM loads
WHERE status <> 'failed'
