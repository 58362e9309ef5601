-- depends: dash_care_requests
-- materialized: table
-- The values behind dash_care_requests' grouping codes: one row per grouping (brand, page,
-- platform) and value, with its code (the value's place in sorted order), so the
-- dashboard turns the codes it fetches back into names (app/care.py).
WITH requests AS (
    SELECT brand, brand_code, page, page_code, platform, platform_code
    FROM dash_care_requests
),

coded AS (
    SELECT DISTINCT 'brand' AS grouping, brand_code AS code, brand AS value
    FROM requests WHERE brand_code IS NOT NULL
    UNION ALL
    SELECT DISTINCT 'page', page_code, page FROM requests WHERE page_code IS NOT NULL
    UNION ALL
    SELECT DISTINCT 'platform', platform_code, platform FROM requests WHERE platform_code IS NOT NULL
)

SELECT * FROM coded
ORDER BY grouping, code
