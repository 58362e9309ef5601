-- Examples of deflection: care requests of the selection (as of $as_of) whose first brand
-- response, however late (a response has no horizon, SPEC 4), only redirects (DM us, call, a
-- form, a link), newest first, with the customer's message it answered (of a request of
-- several: not always the first) and the brand's response, each as text and id (the texts
-- from mentions, for the $limit rows listed only; the requests from the dash_care_requests
-- mart). The columns from the platform on are the audit's (deflection_columns.sql), so the two lists
-- read alike.
WITH deflected AS (
    SELECT *
    FROM dash_care_requests AS r
{care_selection}
      AND r.first_response_at <= $as_of
      AND r.response_is_deflection
),

-- the newest $limit first, so the mentions' text is read for those only
newest AS (
    SELECT *
    FROM deflected
    ORDER BY requested_at DESC, request_id
    LIMIT $limit
),

final AS (
    SELECT
        deflected.request_id,
        deflected.brand,
{deflection_columns}
    FROM newest AS deflected
    -- the times let DuckDB skip the parts of mentions outside their span
    JOIN mentions AS answered
      ON answered.mention_id = deflected.answered_message_id
     AND answered.created_at = deflected.answered_message_at
    JOIN mentions AS response
      ON response.mention_id = deflected.first_response_id
     AND response.created_at = deflected.first_response_at
)

SELECT * FROM final
ORDER BY requested_at DESC, request_id
LIMIT $limit
