-- Every mention created up to the as-of time (NULL: all), with its text scores when scored.
-- Read by etl/cascade_metrics.py, which builds the cascades; parameters: as_of, as_of.
SELECT m.mention_id, m.platform, m.brand, m.author_id, m.author_followers, m.is_brand,
       m.created_at, m.kind, m.parent_id, m.shared_id,
       s.is_complaint, s.sentiment_compound
FROM mentions AS m
LEFT JOIN mention_scores AS s USING (mention_id)
WHERE ?::TIMESTAMPTZ IS NULL OR m.created_at <= ?::TIMESTAMPTZ
