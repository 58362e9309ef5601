-- Of the brands $brands (empty: all), how many of each one's pages have two or more complete
-- exports in the window (complete_export_pages.sql): care_complete_exports' pages_compared,
-- brand by brand in one query, where the deleted-comments note ran that query once per brand
-- it named. A brand with no such page has no row.
WITH
{complete_export_pages}

SELECT brand_pages.brand, count(*) AS pages_compared
FROM brand_pages
JOIN per_page USING (platform, page)
WHERE per_page.exports >= 2
GROUP BY brand_pages.brand
ORDER BY brand_pages.brand
