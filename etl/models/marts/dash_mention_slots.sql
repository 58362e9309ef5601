-- depends: stg_mentions, stg_mention_scores
-- materialized: table
-- incremental: slot slot_at
-- Customer mentions (not by a brand account) counted per brand, page, platform and quarter
-- hour of UTC time, with how many were positive, negative and complaints, and how many
-- were scored: the volume, sentiment and spike counts of the Overview and Trends pages and
-- the weekly snapshot (etl/snapshot.py) add these up instead of joining every mention to
-- its scores on each render (at 10M mentions, about 190k rows).
-- Every local midnight and hour of a zone whose UTC offset is a whole number of quarter
-- hours falls on a slot boundary, so there sums over slots equal counts over mentions;
-- app/slots.py checks the zone and otherwise the pages read the mentions.
WITH customer_mentions AS (
    SELECT m.brand, m.page, m.platform, m.created_at, s.sentiment_label, s.is_complaint
    FROM stg_mentions AS m
    LEFT JOIN stg_mention_scores AS s USING (mention_id)
    WHERE NOT m.is_brand
),

slotted AS (
    SELECT
        brand,
        page,
        platform,
        time_bucket(INTERVAL '15 minutes', created_at) AS slot_at,
        sentiment_label,
        is_complaint
    FROM customer_mentions
),

final AS (
    SELECT
        brand,
        page,
        platform,
        slot_at,
        count(*) AS mentions,
        count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
        count(*) FILTER (WHERE sentiment_label = 'negative') AS negative,
        count(*) FILTER (WHERE is_complaint) AS complaints,
        count(is_complaint) AS scored
    FROM slotted
    GROUP BY brand, page, platform, slot_at
)

SELECT * FROM final
ORDER BY slot_at, brand, page, platform
