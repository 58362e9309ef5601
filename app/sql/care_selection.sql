-- The care requests of the sidebar's selection as of $as_of, for care_requests_scope.sql,
-- care_ignored.sql, care_deflections.sql and care_comments_scope.sql: a fragment, not a query.
-- It stands after the FROM of the rows it narrows (dash_care_requests, or
-- dash_care_comment_replies: each row carries its request's brand, platform, page,
-- brand_known_at, requested_at and needs_reply_at), put there by app.queries.sql_text where a
-- query names it on a line alone; a query's own conditions follow it with AND. Requests known
-- by $as_of, made from $start_at (NULL: from the first), that needed a reply by $as_of ($mode
-- 'needs-reply'; 'all': every request), of $brands, $platforms and $pages
-- (chosen_brands_platforms_pages.sql): etl/care_scope.sql's requests, with the sidebar's lists
-- instead of one brand and page.
{chosen_brands_platforms_pages}
      AND brand_known_at <= $as_of
      AND ($start_at IS NULL OR requested_at >= $start_at)
      AND ($mode = 'all' OR needs_reply_at <= $as_of)
