-- Customer mentions (not by a brand account) per time bucket and brand, buckets in the chosen
-- time zone ($grain = 'day' or 'week', ISO weeks from Monday): volume, positive, negative,
-- complaints and net sentiment = (positive - negative) / (positive + negative).
WITH scoped AS (
    SELECT m.brand, m.created_at, s.sentiment_label, s.is_complaint
{customer_mentions_chosen}
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
),

bucketed AS (
    SELECT date_trunc($grain, timezone($tz, created_at)) AS bucket,
           brand, sentiment_label, is_complaint
    FROM scoped
),

counted AS (
    SELECT bucket, brand,
           count(*) AS mentions,
           count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
           count(*) FILTER (WHERE sentiment_label = 'negative') AS negative,
           count(*) FILTER (WHERE is_complaint) AS complaints
    FROM bucketed
    GROUP BY bucket, brand
)

SELECT bucket, brand, mentions, positive, negative, complaints,
       (positive - negative) / nullif(positive + negative, 0) AS net_sentiment
FROM counted
ORDER BY bucket, brand
