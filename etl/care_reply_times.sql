-- Vendor style: every inbound message of the requests in scope as of $as_of (care_scope.sql)
-- with its by-columns and the minutes to its brand's first direct reply visible by then
-- (reply_minutes); messages with no such reply have no row. Read by etl.metrics.ghost_town.
-- Not run as it stands: etl.metrics._fetch fills in the by-columns (by_select) and the
-- scope (in_scope) with str.format.
WITH replied AS (
    SELECT m.mention_id, m.request_id, min(reply.created_at) AS first_reply_at, m.created_at
    FROM care_messages AS m
    JOIN stg_mentions AS reply
      ON reply.parent_id = m.mention_id AND reply.is_brand AND reply.brand = m.brand
     AND reply.created_at >= m.created_at AND reply.created_at <= $as_of
     AND ($since IS NULL OR reply.created_at >= $since)
    WHERE m.created_at <= $as_of
      AND ($since IS NULL OR m.created_at >= $since)  -- a request's messages follow its start
    GROUP BY m.mention_id, m.request_id, m.created_at
)
SELECT {by_select}
    date_diff('second', replied.created_at, replied.first_reply_at) / 60.0 AS reply_minutes
FROM replied
JOIN care_requests AS r USING (request_id)
{in_scope}
