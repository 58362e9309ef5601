-- Vendor-style reply times: every inbound message of the selected care requests with the
-- time to its brand's first direct reply (visible by $as_of), with the request's brand,
-- page and platform. Reproduces etl/metrics.py _COMMENTS_SQL with the sidebar's lists.
WITH replied AS (
    SELECT m.mention_id, m.request_id, min(reply.created_at) AS first_reply_at, m.created_at
    FROM care_messages AS m
    JOIN stg_mentions AS reply
      ON reply.parent_id = m.mention_id AND reply.is_brand AND reply.brand = m.brand
     AND reply.created_at >= m.created_at AND reply.created_at <= $as_of
    WHERE m.created_at <= $as_of
    GROUP BY m.mention_id, m.request_id, m.created_at
),

final AS (
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
)

SELECT * FROM final
