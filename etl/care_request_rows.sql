-- The requests in scope as of $as_of (care_scope.sql), the rows etl.metrics.ghost_town
-- aggregates: one row each, with its by-columns, its response time if the response was
-- visible by then, and its age: whole seconds crossed, as date_diff('second', requested_at,
-- $as_of) counts them, from epoch microseconds (no ICU calendar arithmetic per row: several
-- times faster on millions of requests). Those still unanswered and older than both the
-- horizon ($horizon_minutes) and every visible response come as one row per by-group,
-- request_count saying how many (see etl.metrics.summarise): ignored under the horizon and
-- censored after every response, they need no ages of their own.
-- Not run as it stands: etl.metrics._fetch fills in the by-columns (by_select, by_names)
-- and the scope (in_scope) with str.format.
WITH each AS (
    SELECT {by_select}
        CASE WHEN r.first_response_at <= $as_of THEN r.response_minutes END AS response_minutes,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(r.requested_at), 1000000)) / 60.0 AS age_minutes,
        CASE WHEN r.first_response_at <= $as_of THEN r.response_is_deflection END AS is_deflection
    FROM care_requests AS r
{in_scope}
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
           NULL::BOOLEAN AS is_deflection, count(*) AS request_count
    FROM each, collapsed_from
    WHERE each.response_minutes IS NULL AND each.age_minutes >= collapsed_from.age_minutes
    GROUP BY ALL
    HAVING count(*) > 0  -- no by-columns: no row at all rather than a count of none
)

SELECT * FROM single
UNION ALL
SELECT * FROM collapsed
