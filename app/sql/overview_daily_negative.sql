-- Negative customer mentions per brand and day (days in the time zone $tz), from
-- $baseline_start_at to $end_at: the counts the overview's spike alerts compare with their
-- trailing same-weekday baseline. Days without negatives are absent (zeros).
WITH negative AS (
    SELECT m.brand, CAST(timezone($tz, m.created_at) AS DATE) AS day
    FROM mentions AS m
    JOIN mention_scores AS scores USING (mention_id)
    WHERE NOT m.is_brand AND m.brand IS NOT NULL
      AND scores.sentiment_label = 'negative'
      AND (len($brands) = 0 OR list_contains($brands, m.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, m.platform))
      AND (len($pages) = 0 OR list_contains($pages, m.page))
      AND ($baseline_start_at IS NULL OR m.created_at >= $baseline_start_at)
      AND ($end_at IS NULL OR m.created_at < $end_at)
),

final AS (
    SELECT brand, day, count(*) AS negative
    FROM negative
    GROUP BY brand, day
)

SELECT * FROM final
ORDER BY brand, day
