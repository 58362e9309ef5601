-- Each brand's time zone where one was set (load --brand-timezone, the upload's zone box), as the
-- staging model stg_brands reads it. A brand stored with its industry alone has an empty zone
-- and no row here: its times are UTC and said to be so for want of a zone (the rule of
-- etl.metrics.brand_timezone_set), not as the brand's own clock.
WITH zone_set AS (
    SELECT brand
    FROM brands
    WHERE trim(timezone) <> ''
)

SELECT brand, timezone
FROM stg_brands
WHERE brand IN (SELECT brand FROM zone_set)
ORDER BY brand
