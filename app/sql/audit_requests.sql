-- The care requests of one brand (and page) in scope as of $as_of, one row each, exactly as
-- etl.metrics.ghost_town selects them (its _REQUESTS_SQL grouped by hour_of_week): the hour of
-- the week in the brand's time zone, the response time if the response was visible by then,
-- the age, and the deflection flag. The audit's overall and hourly figures are both
-- etl.metrics.summarise of these rows, so one scan serves both.
WITH zone AS (
    SELECT brand, timezone FROM stg_brands
),

requests AS (
    SELECT
        r.requested_at,
        r.first_response_at,
        r.response_minutes,
        r.response_is_deflection,
        timezone(coalesce(zone.timezone, 'UTC'), r.requested_at) AS local_at
    FROM care_requests AS r
    LEFT JOIN zone ON zone.brand = r.brand
    WHERE r.requested_at <= $as_of
      AND ($since IS NULL OR r.requested_at >= $since)
      AND r.needs_reply_at <= $as_of
      AND r.brand = $brand
      AND ($page IS NULL OR r.page = $page)
)

SELECT
    (isodow(local_at) - 1) * 24 + hour(local_at) AS hour_of_week,
    CASE WHEN first_response_at <= $as_of THEN response_minutes END AS response_minutes,
    date_diff('second', requested_at, $as_of) / 60.0 AS age_minutes,
    CASE WHEN first_response_at <= $as_of THEN response_is_deflection END AS is_deflection
FROM requests
