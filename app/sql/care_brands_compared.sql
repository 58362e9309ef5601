-- Of the brands $brands (empty: all), how many of each one's pages (of $platforms and $pages,
-- empty: all) have two or more complete exports ending from $start_at (NULL: open) to $as_of:
-- care_complete_exports' pages_compared, brand by brand in one query, where the deleted-comments
-- note ran that query once per brand it named. A brand with no such page has no row.
WITH pages AS (
    SELECT DISTINCT brand, platform, page
    FROM dash_filter_options
    WHERE brand IS NOT NULL AND page IS NOT NULL
      AND (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
),

compared AS (
    SELECT coverage.platform, coverage.page
    FROM stg_load_coverage AS coverage
    WHERE coverage.period_end <= $as_of
      AND ($start_at IS NULL OR coverage.period_end >= $start_at)
    GROUP BY coverage.platform, coverage.page
    HAVING count(DISTINCT coverage.load_id) >= 2
)

SELECT pages.brand, count(*) AS pages_compared
FROM pages
JOIN compared USING (platform, page)
GROUP BY pages.brand
ORDER BY pages.brand
