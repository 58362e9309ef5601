-- The audit's evidence: every ignored complaint of one brand (and page) as of $as_of, one
-- row per care request: no brand response within the horizon and at least the horizon old
-- (SPEC 4, same rule as etl.metrics.ghost_town), and scored as a complaint by then; newest
-- first, at most $limit rows (NULL: all). Every row also carries total_ignored,
-- oldest_age_hours and total_answered_late (answered, but after the horizon) over all of
-- them, so a limited list still states the whole. Each row
-- quotes the request's complaint (its first message scored one: a request may start with a
-- question), whose text is joined to the rows returned only, and, when the complaint came
-- later ("STILL WAITING"), request_text: what the request first asked.
-- NOT MATERIALIZED: DuckDB otherwise copies every request of the brand before filtering
-- (10M mentions: 0.28 -> 0.13 s).
WITH requests AS NOT MATERIALIZED (
    SELECT request_id, requested_at, first_response_at, response_minutes
    FROM dash_care_requests
{audit_scope}
      AND complaint_at <= $as_of
),

decided AS (
    SELECT
        *,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(requested_at), 1000000)) / 60.0 AS age_minutes,
        CASE WHEN first_response_at <= $as_of THEN first_response_at END AS response_at,
        CASE WHEN first_response_at <= $as_of THEN response_minutes END AS visible_response_minutes
    FROM requests
),

ignored AS (
    SELECT * FROM decided
    WHERE age_minutes >= $horizon_minutes
      AND (visible_response_minutes IS NULL OR visible_response_minutes > $horizon_minutes)
),

totals AS (
    SELECT count(*) AS total_ignored, round(max(age_minutes) / 60.0, 1) AS oldest_age_hours,
           count(visible_response_minutes) AS total_answered_late
    FROM ignored
),

newest_keys AS (
    SELECT * FROM ignored
    ORDER BY requested_at DESC, request_id
    LIMIT $limit
),

newest AS (
    -- the listed rows' other columns, read for them alone (the brand and the time let DuckDB
    -- skip the parts of the mart outside their span, which is ordered by brand, then time:
    -- the time alone read every brand's rows of the span, 443,142 of 1M mentions' for 1,000)
    SELECT newest_keys.*, r.platform, r.page, r.author_handle, r.message_count, r.complaint_reason,
           r.complaint_id, r.complaint_posted_at
    FROM newest_keys
    JOIN dash_care_requests AS r
      ON r.request_id = newest_keys.request_id AND r.requested_at = newest_keys.requested_at
    WHERE r.brand = $brand
),

final AS (
    SELECT
        newest.request_id,
        newest.platform,
        newest.page,
        newest.author_handle,
        newest.requested_at,
        round(newest.age_minutes / 60.0, 1) AS age_hours,
        $horizon_minutes / 60.0 AS horizon_hours,
        newest.response_at AS late_response_at,
        round(newest.visible_response_minutes / 60.0, 1) AS late_response_hours,
        newest.message_count,
        newest.complaint_reason,
        complaint.text,
        CASE WHEN newest.complaint_id <> newest.request_id THEN asked.text END AS request_text,
        newest.complaint_id,
        totals.total_ignored,
        totals.oldest_age_hours,
        totals.total_answered_late
    FROM newest
    CROSS JOIN totals
    -- the time lets DuckDB skip the parts of mentions outside the rows' time span
    JOIN mentions AS complaint
      ON complaint.mention_id = newest.complaint_id
     AND complaint.created_at = newest.complaint_posted_at
    -- the request's first message (request_id is its id)
    LEFT JOIN mentions AS asked
      ON asked.mention_id = newest.request_id
     AND asked.created_at = newest.requested_at
)

SELECT * FROM final
ORDER BY requested_at DESC, request_id
