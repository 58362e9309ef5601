-- Every care request the audit's scorecard counts, of one brand (and page) as of $as_of,
-- one row each with its state under the horizon, so each count and rate of the scorecard
-- can be redone row by row (the evidence lists the ignored complaints only): answered
-- (a response visible by $as_of within $horizon_minutes), ignored (not answered and at
-- least the horizon old), pending (neither: left out of the rates), as etl.metrics.outcomes
-- decides them; the same requests as care_requests_scope.sql selects for one brand, each
-- alone (none collapsed). within_sla: answered within $sla_minutes (the SLA rate's
-- numerator, over answered + ignored); response_is_deflection: the first response visible
-- by $as_of, however late, only redirects (NULL: none, or not scored), the deflection
-- rate's numerator over the rows where it is not NULL. Newest first.
WITH requests AS (
    SELECT
        request_id, platform, page, author_handle, requested_at, message_count,
        coalesce(complaint_at <= $as_of, false) AS is_complaint,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(requested_at), 1000000)) / 60.0 AS age_minutes,
        CASE WHEN first_response_at <= $as_of THEN first_response_id END AS response_id,
        CASE WHEN first_response_at <= $as_of THEN first_response_at END AS response_at,
        CASE WHEN first_response_at <= $as_of THEN response_minutes END AS visible_minutes,
        CASE WHEN first_response_at <= $as_of THEN response_is_deflection END AS response_is_deflection
    FROM dash_care_requests
{audit_scope}
),

final AS (
    SELECT
        request_id,
        platform,
        page,
        author_handle,
        requested_at,
        CASE WHEN visible_minutes <= $horizon_minutes THEN 'answered'
             WHEN age_minutes >= $horizon_minutes THEN 'ignored'
             ELSE 'pending' END AS state,
        is_complaint,
        round(age_minutes / 60.0, 1) AS age_hours,
        response_at,
        visible_minutes AS response_minutes,
        coalesce(visible_minutes <= $horizon_minutes AND visible_minutes <= $sla_minutes, false) AS within_sla,
        response_is_deflection,
        message_count,
        response_id
    FROM requests
)

SELECT * FROM final
ORDER BY requested_at DESC, request_id
