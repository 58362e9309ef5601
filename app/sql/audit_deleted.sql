-- Customer comments of one brand (and page) that disappeared from a later complete export
-- (deleted_mentions), created up to $as_of and evident by then (an export covering up to
-- $as_of already lacked them), with their text as last seen; newest first.
WITH deleted AS (
    SELECT mention_id, platform, page, created_at, noticed_at, is_negative
    FROM deleted_mentions
    WHERE NOT is_brand
      AND brand = $brand
      AND ($page IS NULL OR page = $page)
      AND created_at <= $as_of
      AND evident_at <= $as_of
      AND ($since IS NULL OR created_at >= $since)
),

final AS (
    SELECT
        deleted.mention_id,
        deleted.platform,
        deleted.page,
        mentions.author_handle,
        deleted.created_at,
        deleted.noticed_at,
        deleted.is_negative,
        mentions.text
    FROM deleted
    LEFT JOIN mentions USING (mention_id)
)

SELECT * FROM final
ORDER BY created_at DESC, mention_id
