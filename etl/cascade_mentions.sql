-- Every mention created up to the as-of time (NULL: all). Read by etl/cascade_metrics.py,
-- which builds the cascades; parameters: as_of, as_of. A plain scan, which DuckDB streams
-- in little memory: the links are resolved and the scores (cascade_scores.sql) matched on
-- the Arrow result, because joins here held hash tables of every id within the writer's
-- memory bound (self-joins for the links: out of memory in a 2 GB writer at 10M mentions;
-- the scores' join: the step's fetch peaked at 3.4 GB instead of 1.6 GB).
-- Unordered: etl/cascade_metrics.py sorts the rows by mention_id (the forecaster's
-- calibration sample, and so every forecast, follows the order of the cascades, which must
-- not depend on how DuckDB happened to scan the table); DuckDB sorting them held up to its
-- whole memory limit beside the rows already fetched.
SELECT mention_id, platform, brand, author_id, author_followers, is_brand, created_at, kind,
       parent_id, shared_id, load_id
FROM mentions
WHERE ?::TIMESTAMPTZ IS NULL OR created_at <= ?::TIMESTAMPTZ
