-- Deleted comments per brand: customer mentions created up to $as_of (NULL: all) that
-- disappeared from a later complete export covering up to $as_of at most (so evident by
-- then), how many of them were negative and when they were noticed; one brand ($brand) or
-- all (NULL). Read by etl.metrics.deleted_comments.
-- app/sql/care_deleted.sql is the dashboard's twin, filtered by the sidebar's lists and
-- window instead.
SELECT brand,
       count(*) AS deleted_comments,
       count(*) FILTER (WHERE is_negative) AS deleted_negative,
       count(*) FILTER (WHERE is_negative) / nullif(count(is_negative), 0) AS negative_share,
       count(is_negative) AS deleted_scored,
       min(noticed_at) AS first_noticed_at,
       max(noticed_at) AS last_noticed_at
FROM deleted_mentions
WHERE NOT is_brand AND brand IS NOT NULL
  AND ($as_of IS NULL OR (created_at <= $as_of AND evident_at <= $as_of))
  AND ($brand IS NULL OR brand = $brand)
GROUP BY brand ORDER BY deleted_comments DESC, brand
