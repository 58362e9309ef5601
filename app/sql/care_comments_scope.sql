-- Vendor-style reply times: the median, over every inbound message of the selected care
-- requests, of the time to its brand's first direct reply (visible by $as_of), per brand,
-- per page, per platform and overall (GROUPING SETS; `level` names the grouping).
-- Reproduces the medians etl/metrics.py computes over _COMMENTS_SQL, with the sidebar's lists,
-- from the dash_care_comment_replies mart (each message's earliest brand reply, precomputed).
WITH comments AS (
    SELECT
        brand,
        page,
        platform,
        date_diff('second', created_at, first_reply_at) / 60.0 AS reply_minutes
    FROM dash_care_comment_replies
{care_selection}
      AND first_reply_at <= $as_of
),

final AS (
    SELECT
        CASE grouping(brand, page, platform)
            WHEN 3 THEN 'brand' WHEN 5 THEN 'page' WHEN 6 THEN 'platform' ELSE 'all' END AS level,
        brand,
        page,
        platform,
        median(reply_minutes) AS reply_minutes
    FROM comments
    GROUP BY GROUPING SETS ((brand), (page), (platform), ())
)

SELECT * FROM final
