-- depends: care_messages, care_requests, stg_mentions
-- materialized: table
-- incremental: thread mention_id
-- One row per inbound care message that got a direct reply from an account of its brand,
-- with its request's groups: the dashboard's vendor-style per-comment reply times
-- (app/sql/care_comments_scope.sql) without joining every mention on each filter change.
-- first_reply_at is the earliest such reply created no earlier than the message. As of any
-- moment T it is exact: the earliest reply visible at T is first_reply_at when
-- first_reply_at <= T, and there is none otherwise (etl/metrics.py _COMMENTS_SQL).
WITH messages AS (
    SELECT mention_id, request_id, brand, created_at FROM care_messages
),

brand_replies AS (
    SELECT parent_id, brand, created_at
    FROM stg_mentions
    WHERE is_brand AND brand IS NOT NULL AND parent_id IS NOT NULL
),

replied AS (
    SELECT messages.mention_id, messages.request_id, messages.created_at,
           min(reply.created_at) AS first_reply_at
    FROM messages
    JOIN brand_replies AS reply
      ON reply.parent_id = messages.mention_id AND reply.brand = messages.brand
     AND reply.created_at >= messages.created_at
    GROUP BY messages.mention_id, messages.request_id, messages.created_at
),

final AS (
    SELECT
        replied.mention_id,
        replied.request_id,
        replied.created_at,
        replied.first_reply_at,
        r.brand,
        r.page,
        r.platform,
        r.requested_at,
        r.brand_known_at,
        r.needs_reply_at
    FROM replied
    JOIN care_requests AS r USING (request_id)
)

SELECT * FROM final
