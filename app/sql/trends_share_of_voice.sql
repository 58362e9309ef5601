-- Share of voice per time bucket (chosen time zone) and brand: the brand's customer mentions
-- over those of its comparison set in the bucket. The set is the selected brands plus, when
-- $by_industry, every brand of the same industry (share computed within each industry);
-- with no brand selected, every brand. Platform and date filters apply; page filters do not
-- (brands are compared whole).
WITH volume AS (
    SELECT date_trunc($grain, timezone($tz, created_at)) AS bucket, brand, count(*) AS mentions
    FROM mentions
    WHERE NOT is_brand AND brand IS NOT NULL
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
    GROUP BY ALL
),

{share_of_voice_sets}
