-- trends_volume.sql from the quarter-hour counts of dash_mention_slots (for a zone whose
-- day boundaries fall on slot boundaries, app/slots.py): the same rows, without joining
-- every mention to its scores.
WITH scoped AS (
    SELECT slot_at, brand, mentions, positive, negative, complaints
    FROM dash_mention_slots
{chosen_slots}
      AND brand IS NOT NULL
),

counted AS (
    SELECT
        date_trunc($grain, timezone($tz, slot_at)) AS bucket,
        brand,
        sum(mentions)::BIGINT AS mentions,
        sum(positive)::BIGINT AS positive,
        sum(negative)::BIGINT AS negative,
        sum(complaints)::BIGINT AS complaints
    FROM scoped
    GROUP BY bucket, brand
)

SELECT bucket, brand, mentions, positive, negative, complaints,
       (positive - negative) / nullif(positive + negative, 0) AS net_sentiment
FROM counted
ORDER BY bucket, brand
