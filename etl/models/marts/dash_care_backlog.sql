-- depends: dash_care_requests
-- materialized: table
-- incremental: hour hour_at
-- The requests never answered, counted per hour of their arrival (UTC) and the groups the
-- care rows carry (dash_care_requests' codes, and the names the sidebar's lists filter):
-- in a long history most requests are such, and app/sql/care_requests_scope.sql takes
-- the hours long past from here instead of reading their requests one by one (at 10M
-- mentions, 6.4M requests in 0.14M rows).
-- Only requests whose brand and flags (needs reply, complaint) were known within their hour are
-- counted (dash_care_requests.backlog_hour_at): once that hour is past, such a request's
-- state at any later moment is known. The query reads the others one by one.
-- An added load recounts the hours of the requests it touches (a response to an old
-- request takes it out of its hour's count); the full rebuild took 0.35 s at 10M mentions.
WITH backlog AS (
    SELECT
        backlog_hour_at AS hour_at,
        brand, page, platform, brand_code, page_code, platform_code, hour_of_week,
        needs_reply_at IS NOT NULL AS needs_reply,
        complaint_at IS NOT NULL AS is_complaint,
        requested_at
    FROM dash_care_requests
    WHERE backlog_hour_at IS NOT NULL
),

final AS (
    SELECT
        hour_at,
        brand, page, platform, brand_code, page_code, platform_code, hour_of_week,
        needs_reply,
        is_complaint,
        count(*) AS request_count,
        max(requested_at) AS last_requested_at
    FROM backlog
    GROUP BY ALL
)

SELECT * FROM final
ORDER BY hour_at
