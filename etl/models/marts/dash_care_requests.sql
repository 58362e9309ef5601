-- depends: care_requests, stg_brands
-- materialized: table
-- incremental: thread request_id
-- The dashboard's narrow copy of care_requests: one row per care request with only what its
-- care metrics read (app/sql/care_requests_scope.sql), plus the grouping that costs a
-- time-zone conversion per row and never changes for a request: its hour of week (0 =
-- Monday 00:00) in its brand's time zone (UTC when the brand has none), as etl/metrics.py
-- BY_COLUMNS defines it (the week depends on the zone the user reads dates in, so the
-- dashboard's query counts it); and, for
-- the lists of ignored complaints and deflections, the first message's author and the
-- complaint's message id, time and reason (the texts stay in mentions, read for the rows
-- listed only), and the message its first response answered.
-- Nothing here depends on the moment of evaluation or the user's assumptions.
-- Each grouping (brand, page, platform) also comes as a code, its value's place
-- in sorted order (0 = first; dash_care_groups lists them): the care fetch reads
-- small integers instead of millions of strings (at 10M mentions, 0.2 s instead of 1.2 s).
-- backlog_hour_at is the hour (UTC) of a request never answered whose brand and flags
-- (needs reply, complaint) were known within that hour, NULL for any other: dash_care_backlog
-- counts these per hour, and the care fetch reads them from there.
WITH requests AS (
    SELECT
        r.request_id, r.brand, r.page, r.platform, r.requested_at, r.brand_known_at, r.needs_reply_at,
        r.complaint_at, r.first_response_id, r.first_response_at, r.response_minutes,
        r.response_is_deflection, r.message_count, r.author_handle, r.author_followers,
        r.complaint_reason, r.complaint_id, r.complaint_posted_at, r.answered_message_id,
        r.answered_message_at, coalesce(zone.timezone, 'UTC') AS zone
    FROM care_requests AS r
    LEFT JOIN stg_brands AS zone ON zone.brand = r.brand
),

hours AS (
    SELECT *, time_bucket(INTERVAL 1 HOUR, requested_at) AS hour_at
    FROM requests
),

brand_codes AS (
    SELECT brand, row_number() OVER (ORDER BY brand) - 1 AS brand_code
    FROM (SELECT DISTINCT brand FROM requests WHERE brand IS NOT NULL)
),

page_codes AS (
    SELECT page, row_number() OVER (ORDER BY page) - 1 AS page_code
    FROM (SELECT DISTINCT page FROM requests WHERE page IS NOT NULL)
),

platform_codes AS (
    SELECT platform, row_number() OVER (ORDER BY platform) - 1 AS platform_code
    FROM (SELECT DISTINCT platform FROM requests WHERE platform IS NOT NULL)
),

final AS (
    SELECT
        request_id,
        brand,
        page,
        platform,
        requested_at,
        brand_known_at,
        needs_reply_at,
        complaint_at,
        first_response_id,
        first_response_at,
        response_minutes,
        response_is_deflection,
        message_count,
        author_handle,
        author_followers,
        complaint_reason,
        complaint_id,
        complaint_posted_at,
        answered_message_id,
        answered_message_at,
        (isodow(timezone(zone, requested_at)) - 1) * 24 + hour(timezone(zone, requested_at))
            AS hour_of_week,
        brand_code::INTEGER AS brand_code,
        page_code::INTEGER AS page_code,
        platform_code::INTEGER AS platform_code,
        CASE
            WHEN first_response_at IS NULL
                AND coalesce(needs_reply_at, brand_known_at) < hour_at + INTERVAL 1 HOUR
                AND coalesce(complaint_at, brand_known_at) < hour_at + INTERVAL 1 HOUR
                THEN hour_at
        END AS backlog_hour_at
    FROM hours
    LEFT JOIN brand_codes USING (brand)
    LEFT JOIN page_codes USING (page)
    LEFT JOIN platform_codes USING (platform)
)

-- Sorted as care_requests is, for the same reason.
SELECT * FROM final
ORDER BY brand, requested_at, request_id
