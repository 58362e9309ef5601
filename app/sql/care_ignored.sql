-- The ignored complaints of the selection as of $as_of, newest first: care requests that were
-- complaints, got no brand response within the horizon ($horizon_minutes) and are older than
-- it (the 'ignored' of etl.metrics.ghost_town), quoting the request's complaint (its first
-- message scored one: a request may start with a question). From the dash_care_requests mart
-- (care_requests with the first message's author and the complaint's id, time and reason);
-- the text is read from mentions for the $limit rows listed only.
WITH requests AS (
    SELECT *
    FROM dash_care_requests AS r
{care_selection}
      AND r.complaint_at <= $as_of
),

aged AS (
    SELECT *, (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(requested_at), 1000000)) / 60.0 AS age_minutes
    FROM requests
),

ignored AS (
    SELECT *
    FROM aged
    WHERE NOT coalesce(first_response_at <= $as_of AND response_minutes <= $horizon_minutes, false)
      AND age_minutes >= $horizon_minutes
),

-- the newest $limit first, so the mentions' text is read for those only
newest AS (
    SELECT *
    FROM ignored
    ORDER BY requested_at DESC, request_id
    LIMIT $limit
),

final AS (
    SELECT
        ignored.request_id,
        ignored.brand,
        ignored.platform,
        ignored.page,
        ignored.author_handle,
        ignored.author_followers,
        ignored.requested_at,
        -- how long it has waited by the as-of moment, as the audit's evidence gives it
        round(ignored.age_minutes / 60.0, 1) AS age_hours,
        CASE WHEN ignored.first_response_at <= $as_of THEN ignored.first_response_at END
            AS late_response_at,
        ignored.message_count,
        ignored.complaint_reason,
        ignored.complaint_id,
        m.text,
        -- what the request first asked, when the complaint came later (as the audit's evidence)
        CASE WHEN ignored.complaint_id <> ignored.request_id THEN asked.text END AS request_text
    FROM newest AS ignored
    -- the time lets DuckDB skip the parts of mentions outside the rows' time span
    JOIN mentions AS m ON m.mention_id = ignored.complaint_id AND m.created_at = ignored.complaint_posted_at
    LEFT JOIN mentions AS asked ON asked.mention_id = ignored.request_id AND asked.created_at = ignored.requested_at
)

SELECT * FROM final
ORDER BY requested_at DESC, request_id
