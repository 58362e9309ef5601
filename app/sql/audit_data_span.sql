-- The first and newest mention (any author's) of one brand, and of one of its pages where
-- $page is not NULL: where the audited data begins and ends, from the sidebar's mart of spans
-- rather than a scan of every mention.
SELECT min(first_at) AS first_at, max(last_at) AS last_at
FROM dash_filter_options
WHERE brand = $brand AND ($page IS NULL OR page = $page)
