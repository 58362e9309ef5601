-- trends_reasons.sql from the quarter-hour counts of dash_complaint_slots (for a zone whose
-- day boundaries fall on slot boundaries, app/slots.py): the same rows, without joining
-- every mention to its scores.
WITH scoped AS (
    SELECT slot_at, reason, complaints
    FROM dash_complaint_slots
    WHERE (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
      AND ($start_at IS NULL OR slot_at >= $start_at)
      AND ($end_at IS NULL OR slot_at < $end_at)
)

SELECT date_trunc($grain, timezone($tz, slot_at)) AS bucket, reason, sum(complaints)::BIGINT AS complaints
FROM scoped
GROUP BY bucket, reason
ORDER BY bucket, reason
