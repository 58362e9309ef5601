-- Cost of silence of the selection: its complaint cascades (root in the selection) per brand,
-- ISO week (the Monday it starts, UTC) and answered flag, with the count, mean size and mean
-- potential reach: the groups of etl.cascade_metrics.cost_of_silence, aggregated here rather
-- than in pandas (app/risk.py adds the reach ratio of ignored over answered).
-- The page filter is a semi-join on the root's page (mentions is read only when pages are chosen).
WITH selected AS (
    SELECT c.root_id, c.brand, c.root_created_at, c.answered, c.size, c.potential_reach
    FROM cascades AS c
    WHERE c.is_complaint
      AND (len($brands) = 0 OR list_contains($brands, c.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, c.platform))
      AND (len($pages) = 0
           OR c.root_id IN (SELECT mention_id FROM mentions WHERE list_contains($pages, page)))
      AND ($start_at IS NULL OR c.root_created_at >= $start_at)
      AND ($end_at IS NULL OR c.root_created_at < $end_at)
),

final AS (
    SELECT
        brand,
        date_trunc('week', timezone('UTC', root_created_at)) AS week,
        coalesce(answered, false) AS answered,
        count(*) AS cascades,
        avg(size) AS mean_size,
        avg(potential_reach) AS mean_potential_reach
    FROM selected
    GROUP BY brand, week, coalesce(answered, false)
)

SELECT * FROM final
ORDER BY brand, week, answered
