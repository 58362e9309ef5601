-- Influencer complaints: customer complaint mentions of the selection by the authors with the
-- most followers (one row per mention, most-followed authors first), at most $limit rows.
-- From the dash_care_complaints mart (complaint mentions, not by brands, not shares);
-- app/risk.py folds them into their care requests (message_requests.sql: a customer's
-- follow-ups are one row with their first message) and reads the first message's text
-- (mention_details.sql) and the request's time, size and answer (request_responses.sql) for
-- the rows kept only.
WITH complaints AS (
    SELECT *
    FROM dash_care_complaints
{chosen_brands_platforms_pages}
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
),

top AS (
    SELECT *
    FROM complaints
    ORDER BY author_followers DESC NULLS LAST, created_at DESC, mention_id
    LIMIT $limit
),

final AS (
    SELECT
        mention_id, brand, platform, page, author_id, author_handle, author_followers, created_at,
        kind, complaint_reason
    FROM top
)

SELECT * FROM final
ORDER BY author_followers DESC NULLS LAST, created_at DESC, mention_id
