-- depends: quarantine
-- materialized: view
-- The records each load refused, as read: a record an export held but a load quarantined was
-- in that export, so it is no deleted comment (deleted_mentions).
WITH source AS (
    SELECT * FROM quarantine
),

renamed AS (
    SELECT
        load_id,
        raw
    FROM source
)

SELECT * FROM renamed
