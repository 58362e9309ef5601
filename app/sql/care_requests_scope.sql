-- One row per care request in the sidebar selection, evaluated as of $as_of: its groups
-- (brand, page, platform and ISO week in UTC as codes listed in dash_care_groups, -1 for
-- none; hour of week in the brand's zone), its response time when the response was visible
-- by $as_of, its age at $as_of, whether the first response deflects (1.0/0.0, NULL when
-- unscored or not visible), and whether it was a complaint by $as_of.
-- Reproduces etl/metrics.py _REQUESTS_SQL (the rows etl.metrics.ghost_town aggregates),
-- with the sidebar's lists instead of one brand/page and requests from $start_at, from the
-- dash_care_requests mart (care_requests with week and hour of week precomputed).
-- The age is date_diff('second', requested_at, $as_of) (whole seconds crossed) computed
-- from epoch microseconds: the same number, without ICU's calendar arithmetic, which
-- took 1 s of a 1.3 s fetch at 10M mentions.
-- Requests still unanswered at $as_of and older than both the horizon ($horizon_minutes)
-- and the latest visible response of the selection come as one row per combination of
-- groups and complaint flag, request_count saying how many (its age the youngest's): each
-- is ignored under the horizon, and censored after every response, so the care metrics
-- (etl.metrics.summarise, Kaplan-Meier included) count them without their own ages. Every
-- other row is one request (request_count 1). In a long history most requests are such
-- old unanswered ones: at 10M mentions 5.7M rows became 0.3M.
WITH requests AS (
    SELECT *
    FROM dash_care_requests AS r
    WHERE r.requested_at <= $as_of
      AND ($start_at IS NULL OR r.requested_at >= $start_at)
      AND ($mode = 'all' OR r.needs_reply_at <= $as_of)
      AND (len($brands) = 0 OR list_contains($brands, r.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, r.platform))
      AND (len($pages) = 0 OR list_contains($pages, r.page))
),

each AS (
    SELECT
        coalesce(brand_code, -1) AS brand_code,
        coalesce(page_code, -1) AS page_code,
        coalesce(platform_code, -1) AS platform_code,
        coalesce(week_code, -1) AS week_code,
        hour_of_week,
        CASE WHEN first_response_at <= $as_of THEN response_minutes END AS response_minutes,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(requested_at), 1000000)) / 60.0 AS age_minutes,
        CASE WHEN first_response_at <= $as_of THEN response_is_deflection::DOUBLE END
            AS is_deflection,
        coalesce(complaint_at <= $as_of, false) AS is_complaint
    FROM requests
),

collapsed_from AS (
    SELECT greatest($horizon_minutes, coalesce(max(response_minutes), 0)) AS age_minutes
    FROM each
),

single AS (
    SELECT each.*, 1 AS request_count
    FROM each, collapsed_from
    WHERE each.response_minutes IS NOT NULL OR each.age_minutes < collapsed_from.age_minutes
),

collapsed AS (
    SELECT
        brand_code, page_code, platform_code, week_code, hour_of_week,
        NULL::DOUBLE AS response_minutes,
        min(each.age_minutes) AS age_minutes,
        NULL::DOUBLE AS is_deflection,
        is_complaint,
        count(*) AS request_count
    FROM each, collapsed_from
    WHERE each.response_minutes IS NULL AND each.age_minutes >= collapsed_from.age_minutes
    GROUP BY brand_code, page_code, platform_code, week_code, hour_of_week, is_complaint
),

final AS (
    SELECT * FROM single
    UNION ALL
    SELECT * FROM collapsed
)

SELECT * FROM final
