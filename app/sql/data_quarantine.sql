-- Quarantined records with where they were and why, for one load ($load_id NULL = all),
-- at most $limit rows, newest load first.
SELECT
    quarantine.load_id,
    loads.file,
    quarantine.position,
    quarantine.locator,
    quarantine.reason,
    quarantine.raw
FROM quarantine
JOIN loads USING (load_id)
WHERE $load_id IS NULL OR quarantine.load_id = $load_id
ORDER BY quarantine.load_id DESC, quarantine.position
LIMIT $limit
