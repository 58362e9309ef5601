-- Negative customer mentions (one row each) from $history_at (the baseline weeks before the
-- chosen start) to the chosen end, with their local time in the chosen zone: the input of
-- etl.spikes.detect_spikes. Only the columns it needs (the cascades behind a spike are looked
-- up for the spike shown, in trends_spike_mentions).
SELECT m.mention_id, m.brand, timezone($tz, m.created_at) AS local_at
FROM mentions AS m
JOIN mention_scores AS s USING (mention_id)
WHERE NOT m.is_brand AND m.brand IS NOT NULL AND s.sentiment_label = 'negative'
  AND (len($brands) = 0 OR list_contains($brands, brand))
  AND (len($platforms) = 0 OR list_contains($platforms, platform))
  AND (len($pages) = 0 OR list_contains($pages, page))
  AND ($history_at IS NULL OR created_at >= $history_at)
  AND ($end_at IS NULL OR created_at < $end_at)
