-- depends: stg_mentions, stg_mention_scores
-- materialized: table
-- incremental: slot slot_at
-- Customer complaints (scored as complaints, not by a brand account, attributed to a
-- brand) counted per brand, page, platform, quarter hour of UTC time and complaint reason
-- ('unclassified' when the scorer gave none): what the Trends page's reasons add up, as
-- dash_mention_slots does for volume (see there, and app/slots.py, for why quarter hours).
WITH complaints AS (
    SELECT m.brand, m.page, m.platform, m.created_at, s.complaint_reason
    FROM stg_mentions AS m
    JOIN stg_mention_scores AS s USING (mention_id)
    WHERE NOT m.is_brand AND m.brand IS NOT NULL AND s.is_complaint
),

slotted AS (
    SELECT
        brand,
        page,
        platform,
        time_bucket(INTERVAL '15 minutes', created_at) AS slot_at,
        coalesce(complaint_reason, 'unclassified') AS reason
    FROM complaints
),

final AS (
    SELECT brand, page, platform, slot_at, reason, count(*) AS complaints
    FROM slotted
    GROUP BY brand, page, platform, slot_at, reason
)

SELECT * FROM final
ORDER BY slot_at, brand, page, platform, reason
