-- Customer mention volume and net sentiment of the selection: mentions not by a brand
-- account; net sentiment = (positive - negative) / (positive + negative) over scored ones.
-- Mentions of no brand count too (trends.no_brand_note tells of them), so not
-- customer_mentions_chosen.sql, which leaves them out.
WITH selected AS (
    SELECT m.mention_id, scores.sentiment_label
    FROM mentions AS m
    LEFT JOIN mention_scores AS scores USING (mention_id)
{chosen_brands_platforms_pages}
      AND NOT m.is_brand
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
