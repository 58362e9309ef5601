-- Cascades whose root is in the selection (root created in the window; brand, platform and
-- the root's page), highest amplification risk first, with the root's author and text.
-- $open_only keeps open complaints only (complaint cascades no brand account answered):
-- the care queue. At most $limit rows.
WITH selected AS (
    SELECT c.*, root.page, root.author_handle, root.author_followers, root.text
    FROM cascades AS c
    JOIN mentions AS root ON root.mention_id = c.root_id
    WHERE (len($brands) = 0 OR list_contains($brands, c.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, c.platform))
      AND (len($pages) = 0 OR list_contains($pages, root.page))
      AND ($start_at IS NULL OR c.root_created_at >= $start_at)
      AND ($end_at IS NULL OR c.root_created_at < $end_at)
      AND (NOT $open_only OR (c.is_complaint AND NOT c.answered))
),

final AS (
    SELECT
        root_id, brand, platform, page, root_created_at, author_handle, author_followers,
        is_complaint, answered, size, shares, quotes, replies, depth, max_breadth,
        structural_virality, potential_reach, predicted_final_size, predicted_final_size_low,
        predicted_final_size_high, predicted_final_reach, amplification_risk, text
    FROM selected
)

SELECT * FROM final
ORDER BY amplification_risk DESC NULLS LAST, size DESC, root_id
LIMIT $limit
