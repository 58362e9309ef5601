-- Each brand's configured time zone, as the staging model stg_brands reads it (an empty, blank
-- or missing zone is UTC): the same rule as the care metrics (etl.metrics.brand_timezone).
SELECT brand, timezone
FROM stg_brands
ORDER BY brand
