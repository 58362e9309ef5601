-- trends_reasons.sql from the quarter-hour counts of dash_complaint_slots (for a zone whose
-- day boundaries fall on slot boundaries, app/slots.py): the same rows, without joining
-- every mention to its scores.
WITH scoped AS (
    SELECT slot_at, reason, complaints
    FROM dash_complaint_slots
{chosen_slots}
)

SELECT date_trunc($grain, timezone($tz, slot_at)) AS bucket, reason, sum(complaints)::BIGINT AS complaints
FROM scoped
GROUP BY bucket, reason
ORDER BY bucket, reason
