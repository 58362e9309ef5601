-- Complaints by customers per time bucket (chosen time zone) and complaint reason
-- ('unclassified' when the scorer gave none), over the filtered brands.
WITH scoped AS (
    SELECT m.created_at, s.complaint_reason
    FROM mentions AS m
    JOIN mention_scores AS s USING (mention_id)
    WHERE NOT m.is_brand AND m.brand IS NOT NULL AND s.is_complaint
      AND (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
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
