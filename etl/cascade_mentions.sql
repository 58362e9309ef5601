-- Every mention created up to the as-of time (NULL: all), with its text scores when scored.
-- Read by etl/cascade_metrics.py, which builds the cascades; parameters: as_of, as_of.
-- One scan and one join, which DuckDB streams within its memory limit: resolving the links
-- by self-joins here held three hash tables of every id at once (10M mentions: out of
-- memory in a 2 GB writer), so etl/cascade_metrics.py resolves them on the Arrow result.
-- Unordered: etl/cascade_metrics.py sorts the rows by mention_id (the forecaster's
-- calibration sample, and so every forecast, follows the order of the cascades, which must
-- not depend on how DuckDB happened to scan the table); DuckDB sorting them held up to its
-- whole memory limit beside the rows already fetched.
SELECT m.mention_id, m.platform, m.brand, m.author_id, m.author_followers, m.is_brand,
       m.created_at, m.kind, m.parent_id, m.shared_id,
       s.is_complaint, s.sentiment_compound
FROM mentions AS m
LEFT JOIN mention_scores AS s USING (mention_id)
WHERE ?::TIMESTAMPTZ IS NULL OR m.created_at <= ?::TIMESTAMPTZ
