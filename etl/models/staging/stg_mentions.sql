-- depends: mentions
-- materialized: view
-- The mentions the models read: one row per mention (the primary key already dedupes),
-- with the link columns cleaned so no model can follow a mention to itself.
WITH source AS (
    SELECT * FROM mentions
),

renamed AS (
    SELECT
        mention_id,
        platform,
        brand,
        page,
        author_id,
        author_handle,
        author_followers,
        is_brand,
        created_at,
        text,
        kind,
        nullif(parent_id, mention_id) AS parent_id,  -- a self-reply is no thread
        nullif(shared_id, mention_id) AS shared_id,
        load_id
    FROM source
)

SELECT * FROM renamed
