-- The complete exports deleted comments of a window could come from: loads that covered a
-- period of one of the pages of $brands, $platforms and $pages (empty: all; the sidebar's
-- selection, or the audit's brand and page) ending within the window, from $start_at (NULL:
-- open) to $as_of (stg_load_coverage): an export that ended before the window vouches for none
-- of its comments. Finding a deletion takes two of a page: one holding the comment, a later
-- one without it; with fewer, "no deleted comments" means none could be found, not none were.
WITH pages AS (
    SELECT DISTINCT platform, page
    FROM dash_filter_options
    WHERE brand IS NOT NULL AND page IS NOT NULL
      AND (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
),

exports AS (
    SELECT coverage.load_id, coverage.platform, coverage.page
    FROM stg_load_coverage AS coverage
    JOIN pages USING (platform, page)
    WHERE coverage.period_end <= $as_of
      AND ($start_at IS NULL OR coverage.period_end >= $start_at)
),

per_page AS (
    SELECT platform, page, count(DISTINCT load_id) AS exports
    FROM exports
    GROUP BY platform, page
),

final AS (
    SELECT
        (SELECT count(DISTINCT load_id) FROM exports) AS exports,
        (SELECT count(*) FROM per_page WHERE exports >= 2) AS pages_compared,
        (SELECT count(*) FROM pages) AS pages
)

SELECT * FROM final
