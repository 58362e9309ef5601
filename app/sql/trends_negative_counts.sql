-- Negative customer mentions per brand and bucket ($unit 'hour' or 'day' of the local
-- wall-clock time in the chosen zone), from $history_at (the baseline weeks before the chosen
-- start) to the chosen end: the count table etl.spikes.detect_spikes works on, aggregated
-- here instead of in pandas. `mentions` counts every customer mention of the bucket, so a
-- day with none (one the data does not cover) is told from a quiet one
-- (etl.spikes.days_with_data). The mentions behind a spike: trends_spike_mentions.
WITH customer AS (
    SELECT m.brand, timezone($tz, m.created_at) AS local_at,
           s.sentiment_label IS NOT DISTINCT FROM 'negative' AS is_negative
{customer_mentions_chosen}
      AND ($history_at IS NULL OR created_at >= $history_at)
      AND ($end_at IS NULL OR created_at < $end_at)
)

SELECT date_trunc($unit, local_at) AS bucket, brand, count(*) FILTER (WHERE is_negative) AS count,
       count(*) AS mentions
FROM customer
GROUP BY ALL
ORDER BY bucket, brand
