-- overview_volume.sql from the quarter-hour counts of dash_mention_slots (for a zone whose
-- day boundaries fall on slot boundaries, app/slots.py): the same numbers, without joining
-- every mention to its scores.
WITH selected AS (
    SELECT mentions, positive, negative
    FROM dash_mention_slots
{chosen_slots}
),

summed AS (
    SELECT
        coalesce(sum(mentions), 0)::BIGINT AS mentions,
        coalesce(sum(positive), 0)::BIGINT AS positive,
        coalesce(sum(negative), 0)::BIGINT AS negative
    FROM selected
),

final AS (
    SELECT
        mentions,
        positive,
        negative,
        (positive - negative) / nullif(positive + negative, 0) AS net_sentiment
    FROM summed
)

SELECT * FROM final
