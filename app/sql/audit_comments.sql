-- Vendor-style reply times for the audit (etl.metrics.ghost_town's _COMMENTS_SQL, grouped by
-- hour_of_week): every inbound message of the brand's (and page's) requests in scope as of
-- $as_of that got its brand's first direct reply by then, with its request's hour of the
-- week. From the marts the dashboard reads (app/sql/care_comments_scope.sql): a message's
-- earliest reply is visible at $as_of exactly when first_reply_at <= $as_of.
WITH replied AS (
    SELECT brand, requested_at, created_at, first_reply_at
    FROM dash_care_comment_replies
{audit_scope}
      AND first_reply_at <= $as_of
),

final AS (
    SELECT
        -- the request's hour of the week in its brand's zone (UTC where it has none), as
        -- dash_care_requests stores it and etl.metrics.BY_COLUMNS defines it, for the replied
        -- messages alone: joining the mart for it read every request of the brand's in scope
        -- (10M mentions, all dates: 814K rows for 11K replies, 0.44 -> 0.09 s; 30 days: 6x)
        (isodow(timezone(coalesce(zone.timezone, 'UTC'), replied.requested_at)) - 1) * 24
            + hour(timezone(coalesce(zone.timezone, 'UTC'), replied.requested_at)) AS hour_of_week,
        date_diff('second', replied.created_at, replied.first_reply_at) / 60.0 AS reply_minutes
    FROM replied
    LEFT JOIN stg_brands AS zone ON zone.brand = replied.brand
)

SELECT * FROM final
