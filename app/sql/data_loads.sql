-- The load log: one row per file loaded with its accounting
-- (rows_read = rows_loaded + rows_duplicate + rows_quarantined), newest first, and how many
-- records each load stored in quarantine (fewer than it quarantined when a file loaded again
-- brings bad records an earlier load set aside: etl/load.py _drop_known_rejects).
SELECT
    load_id,
    format,
    file,
    status,
    rows_read,
    rows_loaded,
    rows_duplicate,
    rows_quarantined,
    rows_loaded + rows_duplicate + rows_quarantined = rows_read AS adds_up,
    (SELECT count(*) FROM quarantine WHERE quarantine.load_id = loads.load_id) AS stored_in_quarantine,
    rows_updated,
    rows_blank,
    started_at,
    finished_at,
    message
FROM loads
ORDER BY load_id DESC
