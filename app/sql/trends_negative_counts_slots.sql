-- trends_negative_counts.sql from the quarter-hour counts of dash_mention_slots (for a zone
-- whose day and hour boundaries fall on slot boundaries, app/slots.py): the same rows,
-- without joining every mention to its scores.
WITH customer AS (
    SELECT slot_at, brand, negative, mentions
    FROM dash_mention_slots
{chosen_brands_platforms_pages}
      AND brand IS NOT NULL
      AND ($history_at IS NULL OR slot_at >= $history_at)
      AND ($end_at IS NULL OR slot_at < $end_at)
)

SELECT date_trunc($unit, timezone($tz, slot_at)) AS bucket, brand, sum(negative)::BIGINT AS count,
       sum(mentions)::BIGINT AS mentions
FROM customer
GROUP BY ALL
ORDER BY bucket, brand
