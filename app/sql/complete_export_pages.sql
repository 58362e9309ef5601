-- The pages a deleted comment could be found on, for care_complete_exports.sql and
-- care_brands_compared.sql: a fragment, not a query (CTEs, after a WITH, put in by
-- app.queries.sql_text where a query names it on a line alone). brand_pages: the pages of
-- $brands, $platforms and $pages (empty: all; the sidebar's selection, or the audit's brand and
-- page), with the brand each is of; pages: the same pages once each. exports: loads that covered
-- a period of one of them ending within the window, from $start_at (NULL: open) to $as_of
-- (stg_load_coverage): an export that ended before the window vouches for none of its comments.
-- per_page: how many such exports each page has. Finding a deletion takes two of a page: one
-- holding the comment, a later one without it.
brand_pages AS (
    SELECT DISTINCT brand, platform, page
    FROM dash_filter_options
{chosen_brands_platforms_pages}
      AND brand IS NOT NULL AND page IS NOT NULL
),

pages AS (
    SELECT DISTINCT platform, page
    FROM brand_pages
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
)
