-- The stored snapshot rows of one ISO week ($week), one per brand, restricted to the selected
-- brands (all when none); beside each, the stored week before's ($before) KM median and
-- requests (snapshot.BEFORE_COLUMNS), as a computed week has them.
WITH this_week AS (
    SELECT *
    FROM weekly_snapshots
    WHERE week = $week
      AND (len($brands) = 0 OR list_contains($brands, brand))
),

week_before AS (
    SELECT brand, km_median_minutes AS km_median_minutes_before, requests AS requests_before
    FROM weekly_snapshots
    WHERE week = $before
),

final AS (
    SELECT this_week.*, week_before.km_median_minutes_before, week_before.requests_before
    FROM this_week
    LEFT JOIN week_before USING (brand)
)

SELECT * FROM final
ORDER BY brand
