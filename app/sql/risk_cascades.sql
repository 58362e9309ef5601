-- Cascades whose root is in the selection (root created in the window; brand, platform and
-- the root's page), highest amplification risk first, with the root's author and text.
-- $open_only keeps open complaints only (complaint cascades no brand account answered):
-- the care queue. At most $limit rows; the root's author and text are read for those only.
-- The page filter is a semi-join on the root's page (mentions is read only when pages are chosen).
WITH selected AS (
    SELECT c.*
    FROM cascades AS c
    WHERE (len($brands) = 0 OR list_contains($brands, c.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, c.platform))
      AND (len($pages) = 0
           OR c.root_id IN (SELECT mention_id FROM mentions WHERE list_contains($pages, page)))
      AND ($start_at IS NULL OR c.root_created_at >= $start_at)
      AND ($end_at IS NULL OR c.root_created_at < $end_at)
      AND (NOT $open_only OR (c.is_complaint AND NOT c.answered))
),

ranked AS (
    SELECT *
    FROM selected
    ORDER BY amplification_risk DESC NULLS LAST, size DESC, root_id
    LIMIT $limit
),

final AS (
    SELECT
        ranked.root_id, ranked.brand, ranked.platform, root.page, ranked.root_created_at,
        root.author_handle, root.author_followers, ranked.is_complaint, ranked.answered,
        ranked.size, ranked.shares, ranked.quotes, ranked.replies, ranked.depth,
        ranked.max_breadth, ranked.structural_virality, ranked.potential_reach,
        ranked.predicted_final_size, ranked.predicted_final_size_low,
        ranked.predicted_final_size_high, ranked.predicted_final_reach,
        ranked.amplification_risk, root.text
    FROM ranked
    -- the root was posted at root_created_at: the time lets DuckDB skip most of mentions
    JOIN mentions AS root
      ON root.mention_id = ranked.root_id AND root.created_at = ranked.root_created_at
)

SELECT * FROM final
ORDER BY amplification_risk DESC NULLS LAST, size DESC, root_id
