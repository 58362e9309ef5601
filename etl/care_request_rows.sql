-- The requests in scope as of $as_of (care_scope.sql), the rows etl.metrics.ghost_town
-- aggregates: one row each, with its by-columns, its response time if the response was
-- visible by then, and its age: whole seconds crossed, as date_diff('second', requested_at,
-- $as_of) counts them, from epoch microseconds (no ICU calendar arithmetic per row: several
-- times faster on millions of requests). Those still unanswered and older than both the
-- horizon ($horizon_minutes) and every visible response come as one row per by-group,
-- request_count saying how many (see etl.metrics.summarise): ignored under the horizon and
-- censored after every response, they need no ages of their own.
-- is_complaint: whether the request was a complaint by $as_of, as the dashboard's rows have it
-- (app/sql/care_requests_scope.sql): the Overview's word of mouth counts the ignored ones
-- (ghost_town's ignored_complaints), so the collapsed rows come one per by-group and flag.
-- messages: the inbound mentions each request is made of, posted by $as_of (its first message and
-- its follow-ups), so that under $mode 'all' they add up to the raw count of inbound non-share
-- mentions with a brand (SPEC 4's reconciliation: requests counts runs of them).
-- Not run as it stands: etl.metrics._fetch fills in the by-columns (by_select, by_names)
-- and the scope (in_scope) with str.format.
-- Two halves, alike but for messages: a request whose messages were all posted by $as_of (nearly
-- every one) has message_count of them; only one with a message after it has its messages counted,
-- which reads request_ids. Joined on request_id for every request, at 10M mentions the query took
-- 1.35 s instead of 0.59 (3.4 s instead of 0.38 as of an earlier moment); so, 0.69 and 0.41.
WITH each AS (
    SELECT {by_select}
        CASE WHEN r.first_response_at <= $as_of THEN r.response_minutes END AS response_minutes,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(r.requested_at), 1000000)) / 60.0 AS age_minutes,
        CASE WHEN r.first_response_at <= $as_of THEN r.response_is_deflection END AS is_deflection,
        coalesce(r.complaint_at <= $as_of, false) AS is_complaint,
        r.message_count AS messages
    FROM care_requests AS r
{in_scope}
      AND r.last_message_at <= $as_of
    UNION ALL
    SELECT {by_select}
        CASE WHEN r.first_response_at <= $as_of THEN r.response_minutes END AS response_minutes,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(r.requested_at), 1000000)) / 60.0 AS age_minutes,
        CASE WHEN r.first_response_at <= $as_of THEN r.response_is_deflection END AS is_deflection,
        coalesce(r.complaint_at <= $as_of, false) AS is_complaint,
        (SELECT count(*) FROM care_messages AS m WHERE m.request_id = r.request_id AND m.created_at <= $as_of)
            AS messages
    FROM care_requests AS r
{in_scope}
      AND r.last_message_at > $as_of
),

collapsed_from AS (
    SELECT greatest($horizon_minutes, coalesce(max(response_minutes), 0)) AS age_minutes FROM each
),

single AS (
    SELECT each.*, 1 AS request_count
    FROM each, collapsed_from
    WHERE each.response_minutes IS NOT NULL OR each.age_minutes < collapsed_from.age_minutes
),

collapsed AS (
    SELECT {by_names}NULL::DOUBLE AS response_minutes, min(each.age_minutes) AS age_minutes,
           NULL::BOOLEAN AS is_deflection, each.is_complaint, sum(each.messages)::BIGINT AS messages,
           count(*) AS request_count
    FROM each, collapsed_from
    WHERE each.response_minutes IS NULL AND each.age_minutes >= collapsed_from.age_minutes
    GROUP BY ALL
    HAVING count(*) > 0  -- no by-columns: no row at all rather than a count of none
)

SELECT * FROM single
UNION ALL
SELECT * FROM collapsed
