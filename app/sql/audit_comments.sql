-- Vendor-style reply times for the audit (etl.metrics.ghost_town's _COMMENTS_SQL, grouped by
-- hour_of_week): every inbound message of the brand's (and page's) requests in scope as of
-- $as_of with the brand's first direct reply by then. The scope is applied to the messages
-- before they are joined to the replies (the same rows, without joining every brand's).
WITH zone AS (
    SELECT brand, timezone FROM stg_brands
),

requests AS (
    SELECT r.request_id, r.brand,
           timezone(coalesce(zone.timezone, 'UTC'), r.requested_at) AS local_at
    FROM care_requests AS r
    LEFT JOIN zone ON zone.brand = r.brand
    WHERE r.requested_at <= $as_of
      AND ($since IS NULL OR r.requested_at >= $since)
      AND r.needs_reply_at <= $as_of
      AND r.brand = $brand
      AND ($page IS NULL OR r.page = $page)
),

messages AS (
    SELECT m.mention_id, m.request_id, m.brand, m.created_at
    FROM care_messages AS m
    WHERE m.created_at <= $as_of
      AND m.request_id IN (SELECT request_id FROM requests)
),

replied AS (
    SELECT m.mention_id, m.request_id, min(reply.created_at) AS first_reply_at, m.created_at
    FROM messages AS m
    JOIN stg_mentions AS reply
      ON reply.parent_id = m.mention_id AND reply.is_brand AND reply.brand = m.brand
     AND reply.created_at >= m.created_at AND reply.created_at <= $as_of
    GROUP BY m.mention_id, m.request_id, m.created_at
)

SELECT
    (isodow(requests.local_at) - 1) * 24 + hour(requests.local_at) AS hour_of_week,
    date_diff('second', replied.created_at, replied.first_reply_at) / 60.0 AS reply_minutes
FROM replied
JOIN requests USING (request_id)
