-- depends: brand_from_reply
-- materialized: view
-- Mentions known to concern their brand only from a brand account's reply, and from when.
WITH source AS (
    SELECT * FROM brand_from_reply
),

renamed AS (
    SELECT
        mention_id,
        known_at AS brand_known_at
    FROM source
)

SELECT * FROM renamed
