-- depends: loads
-- materialized: view
-- When each load finished: the moment its evidence (e.g. a deletion) became known.
WITH source AS (
    SELECT * FROM loads
),

renamed AS (
    SELECT
        load_id,
        format AS load_format,
        file AS load_file,
        status AS load_status,
        finished_at AS load_finished_at
    FROM source
)

SELECT * FROM renamed
