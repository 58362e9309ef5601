-- Negative customer mentions (one row each) from $history_at (the baseline weeks before the
-- chosen start) to the chosen end, with their local time in the chosen zone and the cascade
-- they belong to: the input of etl.spikes.detect_spikes. Only the columns it needs.
WITH scoped AS (
    SELECT m.mention_id, m.brand, m.created_at
    FROM mentions AS m
    JOIN mention_scores AS s USING (mention_id)
    WHERE NOT m.is_brand AND m.brand IS NOT NULL AND s.sentiment_label = 'negative'
      AND (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
      AND ($history_at IS NULL OR created_at >= $history_at)
      AND ($end_at IS NULL OR created_at < $end_at)
)

SELECT scoped.mention_id, scoped.brand,
       timezone($tz, scoped.created_at) AS local_at,
       coalesce(nodes.root_id, scoped.mention_id) AS root_id
FROM scoped
LEFT JOIN cascade_nodes AS nodes ON nodes.node_id = scoped.mention_id
