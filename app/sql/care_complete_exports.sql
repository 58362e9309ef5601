-- The complete exports deleted comments of a window could come from, and the pages they cover
-- (complete_export_pages.sql): with fewer than two of a page, "no deleted comments" means none
-- could be found, not none were.
WITH
{complete_export_pages}

SELECT
    (SELECT count(DISTINCT load_id) FROM exports) AS exports,
    (SELECT count(*) FROM per_page WHERE exports >= 2) AS pages_compared,
    (SELECT count(*) FROM pages) AS pages
