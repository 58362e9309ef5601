-- depends: stg_mentions
-- materialized: table
-- What the sidebar filters can choose from: every brand, platform and page with its date
-- span and mentions (brand accounts' included), kept here so the first render of every
-- page does not scan all mentions for it (0.09 s at 10M mentions).
WITH mentions AS (
    SELECT brand, platform, page, created_at FROM stg_mentions
),

final AS (
    SELECT
        brand,
        platform,
        page,
        min(created_at) AS first_at,
        max(created_at) AS last_at,
        count(*) AS mentions
    FROM mentions
    GROUP BY brand, platform, page
)

SELECT * FROM final
ORDER BY brand, platform, page
