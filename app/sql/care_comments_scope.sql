-- Vendor-style reply times: the median, over every inbound message of the selected care
-- requests, of the time to its brand's first direct reply (visible by $as_of), per brand,
-- per page, per platform and overall (GROUPING SETS; `level` names the grouping).
-- Reproduces the medians etl/metrics.py computes over _COMMENTS_SQL, with the sidebar's lists.
WITH replied AS (
    SELECT m.mention_id, m.request_id, min(reply.created_at) AS first_reply_at, m.created_at
    FROM care_messages AS m
    JOIN stg_mentions AS reply
      ON reply.parent_id = m.mention_id AND reply.is_brand AND reply.brand = m.brand
     AND reply.created_at >= m.created_at AND reply.created_at <= $as_of
    WHERE m.created_at <= $as_of
    GROUP BY m.mention_id, m.request_id, m.created_at
),

comments AS (
    SELECT
        r.brand,
        r.page,
        r.platform,
        date_diff('second', replied.created_at, replied.first_reply_at) / 60.0 AS reply_minutes
    FROM replied
    JOIN care_requests AS r USING (request_id)
    WHERE r.requested_at <= $as_of
      AND ($start_at IS NULL OR r.requested_at >= $start_at)
      AND ($mode = 'all' OR r.needs_reply_at <= $as_of)
      AND (len($brands) = 0 OR list_contains($brands, r.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, r.platform))
      AND (len($pages) = 0 OR list_contains($pages, r.page))
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
