-- The requests in scope as of $as_of, for etl/metrics.py: a fragment, not a query. It stands
-- after `FROM care_requests AS r` (or a join to it) in care_request_rows.sql and
-- care_reply_times.sql (put there by etl.metrics._fetch), and joins each request's brand zone
-- for the by-columns (care_request_rows.sql adds a condition after it). Parameters: $as_of,
-- $since, $mode, $brand, $page.
LEFT JOIN stg_brands AS zone ON zone.brand = r.brand
WHERE r.brand_known_at <= $as_of
  AND ($since IS NULL OR r.requested_at >= $since)
  AND ($mode = 'all' OR r.needs_reply_at <= $as_of)
  AND ($brand IS NULL OR r.brand = $brand)
  AND ($page IS NULL OR r.page = $page)
