-- The customer mentions (not by a brand account, of a brand) of the sidebar's brands, platforms
-- and pages, as m, each with its text scores as s (NULL when unscored): a fragment, not a query,
-- the FROM and WHERE of the Trends queries that read the mentions themselves (trends_volume,
-- trends_reasons, trends_negative_counts, trends_mentions), put in by app.queries.sql_text
-- where a query names it on a line alone; the query's own dates follow it with AND.
    FROM mentions AS m
    LEFT JOIN mention_scores AS s USING (mention_id)
{chosen_brands_platforms_pages}
      AND NOT m.is_brand AND m.brand IS NOT NULL
