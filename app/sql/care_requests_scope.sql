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

final AS (
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
)

SELECT * FROM final
