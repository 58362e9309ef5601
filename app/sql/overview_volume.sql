-- Customer mention volume and net sentiment of the selection: mentions not by a brand
-- account; net sentiment = (positive - negative) / (positive + negative) over scored ones.
WITH selected AS (
    SELECT m.mention_id, scores.sentiment_label
    FROM mentions AS m
    LEFT JOIN mention_scores AS scores USING (mention_id)
    WHERE NOT m.is_brand
      AND (len($brands) = 0 OR list_contains($brands, m.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, m.platform))
      AND (len($pages) = 0 OR list_contains($pages, m.page))
      AND ($start_at IS NULL OR m.created_at >= $start_at)
      AND ($end_at IS NULL OR m.created_at < $end_at)
),

final AS (
    SELECT
        count(*) AS mentions,
        count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
        count(*) FILTER (WHERE sentiment_label = 'negative') AS negative,
        (count(*) FILTER (WHERE sentiment_label = 'positive')
         - count(*) FILTER (WHERE sentiment_label = 'negative'))
        / nullif(count(*) FILTER (WHERE sentiment_label IN ('positive', 'negative')), 0)
            AS net_sentiment
    FROM selected
)

SELECT * FROM final
