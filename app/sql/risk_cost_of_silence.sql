-- Cost of silence of the selection: its complaint cascades (root in the selection) per brand,
-- ISO week (the Monday it starts, in the chosen zone $tz, as the dates are chosen: in UTC weeks a
-- Sydney selection of 1-28 June gained a week of 25 May, its Monday mornings) and answered flag,
-- with the count and mean size, and the count and mean potential reach of those with a known
-- follower count: the groups of etl.cascade_metrics.cost_of_silence (whose weeks are UTC's: the
-- same in UTC), aggregated here rather than in pandas (app/risk.py adds the reach ratio of
-- ignored over answered).
-- The selection: cascade_selection.sql.
WITH selected AS (
    -- the size without the complainer's own follow-ups: they reach no one new, and an ignored
    -- customer writes more of them (a review: they made the whole gap for three demo brands)
    SELECT c.root_id, c.brand, c.root_created_at, c.answered, c.size - c.own_follow_ups AS size, c.potential_reach,
           -- Facebook comments carry no follower counts: a cascade with none known reaches 0
           -- known followers, which would pull a brand's mean reach down
           c.followers_known > 0 AS reach_known
    FROM cascades AS c
{cascade_selection}
      AND c.is_complaint
),

final AS (
    SELECT
        brand,
        date_trunc('week', timezone($tz, root_created_at)) AS week,
        coalesce(answered, false) AS answered,
        count(*) AS cascades,
        avg(size) AS mean_size,
        count(*) FILTER (WHERE reach_known) AS reach_cascades,
        avg(potential_reach) FILTER (WHERE reach_known) AS mean_potential_reach
    FROM selected
    GROUP BY brand, week, coalesce(answered, false)
)

SELECT * FROM final
ORDER BY brand, week, answered
