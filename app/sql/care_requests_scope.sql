-- One row per care request in the sidebar selection, evaluated as of $as_of: its groups
-- (brand, page, platform, ISO week in UTC, hour of week in the brand's zone), its response
-- time when the response was visible by $as_of, its age at $as_of, whether the first
-- response deflects, and whether it was a complaint by $as_of.
-- Reproduces etl/metrics.py _REQUESTS_SQL (the rows etl.metrics.ghost_town aggregates),
-- with the sidebar's lists instead of one brand/page and requests from $start_at.
WITH requests AS (
    SELECT r.*, coalesce(zone.timezone, 'UTC') AS zone
    FROM care_requests AS r
    LEFT JOIN stg_brands AS zone ON zone.brand = r.brand
    WHERE r.requested_at <= $as_of
      AND ($start_at IS NULL OR r.requested_at >= $start_at)
      AND ($mode = 'all' OR r.needs_reply_at <= $as_of)
      AND (len($brands) = 0 OR list_contains($brands, r.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, r.platform))
      AND (len($pages) = 0 OR list_contains($pages, r.page))
),

final AS (
    SELECT

        brand,
        page,
        platform,
        strftime(requested_at, '%G-W%V') AS week,
        (isodow(timezone(zone, requested_at)) - 1) * 24 + hour(timezone(zone, requested_at))
            AS hour_of_week,
        CASE WHEN first_response_at <= $as_of THEN response_minutes END AS response_minutes,
        date_diff('second', requested_at, $as_of) / 60.0 AS age_minutes,
        CASE WHEN first_response_at <= $as_of THEN response_is_deflection END AS is_deflection,
        coalesce(complaint_at <= $as_of, false) AS is_complaint
    FROM requests
)

SELECT * FROM final
