-- The audit's scope as of $as_of, for app/sql/audit_*.sql: a fragment, not a query. It stands
-- after the FROM of the rows it narrows (care_requests, dash_care_requests or
-- dash_care_comment_replies: each row carries its request's brand, page, brand_known_at,
-- requested_at and needs_reply_at), put there by app.queries.sql_text where a query names it
-- on a line alone; a query's own conditions follow it with AND. One brand ($brand) and page
-- ($page; NULL: all its pages), known by $as_of, requests made from $since (NULL: from the
-- first) that needed a reply by $as_of: etl/care_scope.sql's requests for one brand, as
-- etl.metrics.ghost_town counts them by default (needs-reply).
    WHERE brand = $brand
      AND ($page IS NULL OR page = $page)
      AND brand_known_at <= $as_of
      AND ($since IS NULL OR requested_at >= $since)
      AND needs_reply_at <= $as_of
