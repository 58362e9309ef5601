-- Quarantined records with where they were and why, for one load ($load_id NULL = all),
-- at most $limit rows, newest load first. A raw record is cut to its first $raw_chars
-- characters, its length beside it: twenty records of 2M characters each sent 40 MB to the
-- browser and took the page 7.5 s (a review); the quarantine command prints them whole.
-- loaded_in: for a record whose raw JSON names its id, the load that stored that mention since,
-- or before (a cut export's post, quarantined, then loaded whole from a full export: a spec audit
-- found it still listed as if lost); empty if none. The id is read as the format reads it, from
-- the first key of a record cut short. A csv line's (format csv) is read in Python, as its load
-- reads it (app.queries.quarantine_frame); a conflict's raw names mention_id, a record other than
-- the one stored: none here.
WITH listed AS (
    SELECT quarantine.*, loads.file, loads.format
    FROM quarantine
    JOIN loads USING (load_id)
    WHERE $load_id IS NULL OR quarantine.load_id = $load_id
    ORDER BY quarantine.load_id DESC, quarantine.position
    LIMIT $limit
),

named AS (
    SELECT
        load_id,
        position,
        CASE format WHEN 'facebook-json' THEN 'facebook:' WHEN 'twitter-json' THEN 'twitter:' END
        || coalesce(
            CASE WHEN json_valid(raw) THEN coalesce(json_extract_string(raw, '$.id_str'),
                                                   json_extract_string(raw, '$.id')) END,
            nullif(regexp_extract(raw, '^\s*\{\s*"id(?:_str)?"\s*:\s*"?([^",}\s]+)', 1), '')
        ) AS mention_id
    FROM listed
    WHERE format IN ('facebook-json', 'twitter-json')
),

loaded_in AS (
    SELECT named.load_id, named.position, mentions.load_id AS loaded_in
    FROM named
    JOIN mentions USING (mention_id)
)

SELECT
    listed.load_id,
    listed.file,
    listed.format,
    listed.position,
    listed.locator,
    listed.reason,
    loaded_in.loaded_in,
    CASE WHEN length(listed.raw) > $raw_chars THEN left(listed.raw, $raw_chars) || '…'
         ELSE listed.raw END AS raw,
    length(listed.raw) AS raw_characters
FROM listed
LEFT JOIN loaded_in USING (load_id, position)
ORDER BY listed.load_id DESC, listed.position
