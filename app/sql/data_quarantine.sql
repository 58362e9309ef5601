-- Quarantined records with where they were and why, for one load ($load_id NULL = all),
-- at most $limit rows, newest load first. A raw record is cut to its first $raw_chars
-- characters, its length beside it: twenty records of 2M characters each sent 40 MB to the
-- browser and took the page 7.5 s (a review); the quarantine command prints them whole.
SELECT
    quarantine.load_id,
    loads.file,
    quarantine.position,
    quarantine.locator,
    quarantine.reason,
    CASE WHEN length(quarantine.raw) > $raw_chars THEN left(quarantine.raw, $raw_chars) || '…'
         ELSE quarantine.raw END AS raw,
    length(quarantine.raw) AS raw_characters
FROM quarantine
JOIN loads USING (load_id)
WHERE $load_id IS NULL OR quarantine.load_id = $load_id
ORDER BY quarantine.load_id DESC, quarantine.position
LIMIT $limit
