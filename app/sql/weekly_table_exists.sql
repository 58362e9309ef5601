-- Whether the warehouse has the materialised weekly_snapshots table (created by
-- `python -m etl snapshot`): one row, one boolean.
SELECT count(*) > 0 AS present
FROM information_schema.tables
WHERE table_catalog = current_database() AND table_name = 'weekly_snapshots'
