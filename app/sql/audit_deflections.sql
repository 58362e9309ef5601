-- Deflection examples of one brand (and page) as of $as_of: first brand responses flagged as
-- only redirecting (DM us, call, form, link), however late (a response has no horizon), each
-- with the customer's message it answered (of a request of several: not always the first);
-- newest request first (the time the list shows first, and the order of the Ghost Town's
-- deflection examples and of the evidence), at most $limit of them (NULL: all), each row also
-- carrying total_deflections, the number of all of them; texts are read for the rows returned
-- only.
WITH deflected AS (
    SELECT request_id, platform, page, requested_at, first_response_id, first_response_at,
           response_minutes, answered_message_id
    FROM care_requests
{audit_scope}
      AND first_response_at <= $as_of
      AND response_is_deflection
),

newest AS (
    SELECT *, count(*) OVER () AS total_deflections
    FROM deflected
    ORDER BY requested_at DESC, request_id
    LIMIT $limit
),

texts AS (
    -- One pass over mentions for both sides' text (a semi-join on the ids needed).
    SELECT mention_id, text
    FROM mentions
    WHERE mention_id IN (SELECT answered_message_id FROM newest
                         UNION ALL
                         SELECT first_response_id FROM newest)
),

final AS (
    SELECT
        deflected.total_deflections,  -- read and dropped by app.audit._deflections
        deflected.request_id,
{deflection_columns}
    FROM newest AS deflected
    LEFT JOIN texts AS answered ON answered.mention_id = deflected.answered_message_id
    LEFT JOIN texts AS response ON response.mention_id = deflected.first_response_id
)

SELECT * FROM final
ORDER BY requested_at DESC, request_id
