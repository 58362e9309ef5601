-- The load log: one row per file loaded with its accounting
-- (rows_read = rows_loaded + rows_duplicate + rows_quarantined), newest first.
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
    rows_updated,
    rows_blank,
    started_at,
    finished_at,
    message
FROM loads
ORDER BY load_id DESC
