-- depends: brands
-- materialized: view
-- Per-brand settings; an empty or missing zone means UTC.
WITH source AS (
    SELECT * FROM brands
),

renamed AS (
    SELECT
        brand,
        coalesce(nullif(trim(timezone), ''), 'UTC') AS timezone,
        industry
    FROM source
)

SELECT * FROM renamed
