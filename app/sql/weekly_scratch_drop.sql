-- Remove the temporary weekly_snapshots of this cursor.
DROP TABLE IF EXISTS temp.main.weekly_snapshots
