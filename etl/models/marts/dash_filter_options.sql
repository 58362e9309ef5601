-- depends: stg_mentions
-- materialized: table
-- What the sidebar filters can choose from: every brand, platform and page with its date
-- span and mentions (brand accounts' included), kept here so the first render of every
-- page does not scan all mentions for it (0.09 s at 10M mentions); and how many of those
-- carry a follower count (Facebook comments none: reach there is unknown, not 0).
WITH mentions AS (
    SELECT brand, platform, page, created_at, author_followers FROM stg_mentions
),

final AS (
    SELECT
        brand,
        platform,
        page,
        min(created_at) AS first_at,
        max(created_at) AS last_at,
        count(*) AS mentions,
        count(author_followers) AS with_followers
    FROM mentions
    GROUP BY brand, platform, page
)

SELECT * FROM final
ORDER BY brand, platform, page
