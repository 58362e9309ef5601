-- depends: mention_sightings
-- materialized: view
-- The last load whose export contained each mention.
WITH source AS (
    SELECT * FROM mention_sightings
),

renamed AS (
    SELECT
        mention_id,
        last_load_id AS last_seen_load_id
    FROM source
)

SELECT * FROM renamed
