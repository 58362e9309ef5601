-- Complaint cascades of the selection with the columns etl.cascade_metrics.cost_of_silence
-- needs (brand, root time, answered, size, potential reach).
WITH selected AS (
    SELECT c.root_id, c.brand, c.root_created_at, c.is_complaint, c.answered, c.size,
           c.potential_reach
    FROM cascades AS c
    JOIN mentions AS root ON root.mention_id = c.root_id
    WHERE c.is_complaint
      AND (len($brands) = 0 OR list_contains($brands, c.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, c.platform))
      AND (len($pages) = 0 OR list_contains($pages, root.page))
      AND ($start_at IS NULL OR c.root_created_at >= $start_at)
      AND ($end_at IS NULL OR c.root_created_at < $end_at)
)

SELECT * FROM selected
