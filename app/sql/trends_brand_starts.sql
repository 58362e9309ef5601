-- Each brand's first mention (any author's) on the chosen platforms and pages, whatever the
-- chosen dates, as a bucket ($unit 'hour' or 'day') of the chosen zone's wall clock: where
-- its spike baseline starts (etl.spikes.alerts_from_counts' starts). Taken from the counts
-- of the chosen window instead, a brand quiet at the window's start lost the weeks of
-- history before it, and its spikes came and went with the chosen start (a review).
SELECT date_trunc($unit, timezone($tz, min(first_at))) AS bucket, brand
FROM dash_filter_options
{chosen_brands_platforms_pages}
  AND brand IS NOT NULL
GROUP BY brand
ORDER BY brand
