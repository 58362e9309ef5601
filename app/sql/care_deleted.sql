-- Deleted comments per brand in the selection: customer mentions created in the window that
-- disappeared from a later complete export, and the share of them scored negative
-- (as etl.metrics.deleted_comments, with the sidebar's lists and window).
WITH deleted AS (
    SELECT *
    FROM deleted_mentions
    WHERE NOT is_brand AND brand IS NOT NULL
      AND (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
),

final AS (
    SELECT
        brand,
        count(*) AS deleted_comments,
        count(*) FILTER (WHERE is_negative) AS deleted_negative,
        count(*) FILTER (WHERE is_negative) / nullif(count(is_negative), 0) AS negative_share,
        count(is_negative) AS deleted_scored,
        min(noticed_at) AS first_noticed_at,
        max(noticed_at) AS last_noticed_at
    FROM deleted
    GROUP BY brand
)

SELECT * FROM final
ORDER BY deleted_comments DESC, brand
