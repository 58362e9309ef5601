-- The audit's evidence: every ignored complaint of one brand (and page) as of $as_of, one
-- row per care request: no brand response within the horizon and at least the horizon old
-- (SPEC 4, same rule as etl.metrics.ghost_town), and scored as a complaint by then.
WITH requests AS (
    SELECT * FROM care_requests
    WHERE brand = $brand
      AND ($page IS NULL OR page = $page)
      AND requested_at <= $as_of
      AND ($since IS NULL OR requested_at >= $since)
      AND needs_reply_at <= $as_of
      AND complaint_at <= $as_of
),

decided AS (
    SELECT
        *,
        date_diff('second', requested_at, $as_of) / 60.0 AS age_minutes,
        CASE WHEN first_response_at <= $as_of THEN first_response_at END AS response_at,
        CASE WHEN first_response_at <= $as_of THEN response_minutes END AS visible_response_minutes
    FROM requests
),

ignored AS (
    SELECT * FROM decided
    WHERE age_minutes >= $horizon_minutes
      AND (visible_response_minutes IS NULL OR visible_response_minutes > $horizon_minutes)
),

final AS (
    SELECT
        ignored.request_id,
        ignored.platform,
        ignored.page,
        first_message.author_handle,
        ignored.requested_at AS created_at,
        round(ignored.age_minutes / 60.0, 1) AS age_hours,
        $horizon_minutes / 60.0 AS horizon_hours,
        ignored.response_at AS late_response_at,
        round(ignored.visible_response_minutes / 60.0, 1) AS late_response_hours,
        ignored.message_count,
        scores.complaint_reason,
        first_message.text
    FROM ignored
    LEFT JOIN mentions AS first_message ON first_message.mention_id = ignored.request_id
    LEFT JOIN mention_scores AS scores ON scores.mention_id = ignored.request_id
)

SELECT * FROM final
ORDER BY created_at DESC, request_id
