-- depends: load_coverage
-- materialized: view
-- The period of each page a complete export covered (one row per load and page).
WITH source AS (
    SELECT * FROM load_coverage
),

deduped AS (
    SELECT
        load_id,
        platform,
        page,
        min(period_start) AS period_start,
        max(period_end) AS period_end
    FROM source
    GROUP BY load_id, platform, page
)

SELECT * FROM deduped
