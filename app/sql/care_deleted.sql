-- Deleted comments per brand in the selection: customer mentions created in the window that
-- disappeared from a later complete export covering up to $as_of at most (evident by the
-- moment every care figure of the window is of: app.care.scope), and the share of them
-- scored negative (as etl.metrics.deleted_comments, with the sidebar's lists and window);
-- found_later counts those only an export covering past $as_of lacked, which the figures
-- as of then cannot count (a window in the past would otherwise know its future).
WITH deleted AS (
    SELECT
        brand,
        is_negative,
        noticed_at,
        $as_of IS NULL OR evident_at <= $as_of AS evident
    FROM deleted_mentions
{chosen_brands_platforms_pages}
      AND NOT is_brand AND brand IS NOT NULL
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
),

final AS (
    SELECT
        brand,
        count(*) FILTER (WHERE evident) AS deleted_comments,
        count(*) FILTER (WHERE evident AND is_negative) AS deleted_negative,
        count(*) FILTER (WHERE evident AND is_negative)
            / nullif(count(is_negative) FILTER (WHERE evident), 0) AS negative_share,
        count(is_negative) FILTER (WHERE evident) AS deleted_scored,
        min(noticed_at) FILTER (WHERE evident) AS first_noticed_at,
        max(noticed_at) FILTER (WHERE evident) AS last_noticed_at,
        count(*) FILTER (WHERE NOT evident) AS found_later
    FROM deleted
    GROUP BY brand
)

SELECT * FROM final
ORDER BY deleted_comments DESC, brand
