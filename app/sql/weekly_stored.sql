-- The stored snapshot rows of one ISO week ($week), one per brand, restricted to the selected
-- brands (all when none); beside each, the stored week before's ($before) KM median and
-- counts (snapshot.BEFORE_COLUMNS), as a computed week has them: only from a row the week's
-- changes could have been taken against (closed, stored under the same horizon, requests
-- counted and metric version: snapshot._previous_values), else none, so a "was ..." beside
-- a card never comes from another horizon than the change shown with it.
WITH this_week AS (
    SELECT *
    FROM weekly_snapshots
    WHERE week = $week
      AND (len($brands) = 0 OR list_contains($brands, brand))
),

week_before AS (
    SELECT brand, horizon_hours, requests_counted, metric_version,
        km_median_minutes AS km_median_minutes_before, requests AS requests_before,
        answered AS answered_before, ignored AS ignored_before, scored AS scored_before,
        positive AS positive_before, negative AS negative_before,
        scored_responses AS scored_responses_before
    FROM weekly_snapshots
    WHERE week = $before AND closed
),

final AS (
    SELECT this_week.*, week_before.km_median_minutes_before, week_before.requests_before,
        week_before.answered_before, week_before.ignored_before, week_before.scored_before,
        week_before.positive_before, week_before.negative_before, week_before.scored_responses_before
    FROM this_week
    LEFT JOIN week_before
      ON week_before.brand = this_week.brand
     AND week_before.horizon_hours = this_week.horizon_hours
     AND week_before.requests_counted = this_week.requests_counted
     AND week_before.metric_version = this_week.metric_version
)

SELECT * FROM final
ORDER BY brand
