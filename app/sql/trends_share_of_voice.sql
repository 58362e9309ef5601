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

industries AS (
    SELECT brand, industry FROM brands WHERE industry IS NOT NULL
),

chosen_industries AS (
    SELECT DISTINCT industry FROM industries WHERE list_contains($brands, brand)
),

labelled AS (
    SELECT volume.*, coalesce(industries.industry, 'no industry: ' || volume.brand) AS industry,
           list_contains($brands, volume.brand) AS selected
    FROM volume LEFT JOIN industries USING (brand)
),

in_set AS (
    SELECT * FROM labelled
    WHERE len($brands) = 0 OR selected
       OR ($by_industry AND industry IN (SELECT industry FROM chosen_industries))
)

SELECT bucket, brand, industry, selected, mentions,
       mentions / sum(mentions) OVER (
           PARTITION BY bucket, CASE WHEN $by_industry THEN industry ELSE '' END) AS share
FROM in_set
ORDER BY bucket, brand
