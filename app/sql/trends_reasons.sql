-- Complaints by customers per time bucket (chosen time zone) and complaint reason
-- ('unclassified' when the scorer gave none), over the filtered brands.
WITH scoped AS (
    SELECT m.created_at, s.complaint_reason
{customer_mentions_chosen}
      AND s.is_complaint
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
),

bucketed AS (
    SELECT date_trunc($grain, timezone($tz, created_at)) AS bucket,
           coalesce(complaint_reason, 'unclassified') AS reason
    FROM scoped
)

SELECT bucket, reason, count(*) AS complaints
FROM bucketed
GROUP BY bucket, reason
ORDER BY bucket, reason
