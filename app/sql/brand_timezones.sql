-- Each brand's configured time zone (brands without one are read in UTC).
SELECT brand, coalesce(timezone, 'UTC') AS timezone
FROM brands
ORDER BY brand
