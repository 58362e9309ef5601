-- The stored snapshot rows of one ISO week ($week), one per brand, restricted to the selected
-- brands (all when none), each with the week before's KM median and counts
-- (snapshot.BEFORE_COLUMNS) its changes were taken against. A row stores them since
-- snapshot.ADDED_COLUMNS were kept (its `scored` is then known); an older row takes them of
-- the stored week before, only from a row the week's changes could have been taken against
-- (closed, stored under the same horizon, requests counted and metric version:
-- snapshot._previous_values), else none, so a "was ..." beside a card never comes from another
-- horizon than the change shown with it. week_stored_at: when the week was first stored (its
-- earliest row's computed_at); a row computed later was added when its brand's data arrived
-- (snapshot._add_late_brands).
WITH this_week AS (
    SELECT *
    FROM weekly_snapshots
    WHERE week = $week
      AND (len($brands) = 0 OR list_contains($brands, brand))
),

week_before AS (
    SELECT brand, horizon_hours, requests_counted, metric_version, km_median_minutes, requests, answered, ignored
    FROM weekly_snapshots
    WHERE week = $before AND closed
),

older_rows_before AS (
    SELECT this_week.brand, week_before.km_median_minutes AS km_median_minutes_before,
        week_before.requests AS requests_before, week_before.answered AS answered_before,
        week_before.ignored AS ignored_before
    FROM this_week
    JOIN week_before
      ON week_before.brand = this_week.brand
     AND week_before.horizon_hours = this_week.horizon_hours
     AND week_before.requests_counted = this_week.requests_counted
     AND week_before.metric_version = this_week.metric_version
    WHERE this_week.scored IS NULL
),

final AS (
    SELECT this_week.* REPLACE (
        coalesce(this_week.km_median_minutes_before, older.km_median_minutes_before) AS km_median_minutes_before,
        coalesce(this_week.requests_before, older.requests_before) AS requests_before,
        coalesce(this_week.answered_before, older.answered_before) AS answered_before,
        coalesce(this_week.ignored_before, older.ignored_before) AS ignored_before
    ),
    (SELECT min(computed_at) FROM weekly_snapshots WHERE week = $week) AS week_stored_at
    FROM this_week
    LEFT JOIN older_rows_before AS older USING (brand)
)

SELECT * FROM final
ORDER BY brand
