-- One row per care request in the sidebar selection (care_selection.sql), as of $as_of: its groups
-- (brand, page, platform as codes listed in dash_care_groups, -1 for none; its ISO week in
-- the chosen zone $tz as week_number, the weeks since the one of Monday 1970-01-05; hour of
-- week in the brand's zone), its response time when the response was visible by $as_of, its
-- age at $as_of, whether the first response deflects (1.0/0.0, NULL when unscored or not
-- visible), and whether it was a complaint by $as_of.
-- Reproduces etl/metrics.py _REQUESTS_SQL (the rows etl.metrics.ghost_town aggregates),
-- with the sidebar's lists instead of one brand/page and requests from $start_at, from the
-- dash_care_requests mart (care_requests with its codes and hour of week precomputed).
-- The week is counted here, not stored, because it depends on the zone the user reads the
-- dates in: a Singapore week is not a UTC week. In UTC it costs no time-zone conversion.
-- (Days since the epoch less 4, over 7: weeks from Monday 1970-01-05, app/care.py's
-- _FIRST_MONDAY. Integer division truncates, which is flooring here: the loader takes no
-- mention before 1990.)
-- The age is date_diff('second', requested_at, $as_of) (whole seconds crossed) computed
-- from epoch microseconds: the same number, without ICU's calendar arithmetic, which
-- took 1 s of a 1.3 s fetch at 10M mentions.
-- Requests still unanswered at $as_of and older than both the horizon ($horizon_minutes)
-- and the latest visible response of the selection come as one row per combination of
-- groups and complaint flag, request_count saying how many (its age the youngest's): each
-- is ignored under the horizon, and censored after every response, so the care metrics
-- (etl.metrics.summarise, Kaplan-Meier included) count them without their own ages. Every
-- other row is one request (request_count 1). In a long history most requests are such
-- old unanswered ones: at 10M mentions 5.7M rows became 0.3M.
-- Those of whole hours already counted in dash_care_backlog (every request of the hour
-- in the collapse, its flags settled within it) are read from there, the rest one by one:
-- at 10M mentions 0.5 s became 0.2 s. The whole hours are a range: from $start_at (when
-- set) up to where the hour's youngest possible request is old enough to collapse; but
-- an hour split between two weeks of the zone (Asia/Kolkata's, whose offset is not whole
-- hours, starts its week at half past a UTC hour) is read one by one.
-- (NOT MATERIALIZED: each use reads only its own columns, not a 5.7M-row copy of them all.)
WITH requests AS NOT MATERIALIZED (
    SELECT *
    FROM dash_care_requests AS r
{care_selection}
),

collapsed_from AS (
    SELECT greatest($horizon_minutes, coalesce(max(response_minutes), 0)) AS age_minutes
    FROM requests
    WHERE first_response_at <= $as_of
),

-- Each hour of the backlog with its week in the zone, or NULL when the hour is split
-- between two (its first and last second in different weeks).
backlog_weeks AS (
    SELECT hour_at, CASE WHEN first_week = last_week THEN first_week END AS week_number
    FROM (
        SELECT
            hour_at,
            (CASE WHEN $tz = 'UTC' THEN epoch_us(hour_at) ELSE epoch_us(timezone($tz, hour_at)) END
                // 86400000000 - 4) // 7 AS first_week,
            (CASE WHEN $tz = 'UTC' THEN epoch_us(hour_at)  -- (no UTC hour is split)
                  ELSE epoch_us(timezone($tz, hour_at + INTERVAL 3599 SECOND)) END
                // 86400000000 - 4) // 7 AS last_week
        FROM (SELECT DISTINCT hour_at FROM dash_care_backlog)
    )
),

split_hours AS (
    SELECT hour_at FROM backlog_weeks WHERE week_number IS NULL
),

-- An hour is whole if its youngest possible request (at its last whole second: ages count
-- whole seconds) is old enough to collapse.
whole_hours AS (
    SELECT min(hour_at) AS first_hour, max(hour_at) AS last_hour
    FROM (
        SELECT DISTINCT hour_at, hour_at + INTERVAL 3599 SECOND AS requested_at
        FROM dash_care_backlog
    ) AS hours, collapsed_from
    WHERE ($start_at IS NULL OR hour_at >= $start_at)
      AND hour_at + INTERVAL 1 HOUR <= $as_of
      AND (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(requested_at), 1000000)) / 60.0
          >= collapsed_from.age_minutes
),

each AS (
    SELECT
        brand_code, page_code, platform_code,
        -- (here, not in requests: only the requests read one by one pay the zone's conversion)
        (CASE WHEN $tz = 'UTC' THEN epoch_us(requested_at) ELSE epoch_us(timezone($tz, requested_at)) END
            // 86400000000 - 4) // 7 AS week_number,
        hour_of_week,
        CASE WHEN first_response_at <= $as_of THEN response_minutes END AS response_minutes,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(requested_at), 1000000)) / 60.0 AS age_minutes,
        CASE WHEN first_response_at <= $as_of THEN response_is_deflection::DOUBLE END
            AS is_deflection,
        coalesce(complaint_at <= $as_of, false) AS is_complaint
    FROM requests, whole_hours
    WHERE NOT coalesce(backlog_hour_at BETWEEN whole_hours.first_hour AND whole_hours.last_hour
                       AND backlog_hour_at NOT IN (SELECT hour_at FROM split_hours), false)
    -- (the requests of whole hours come counted, in backlog)
),

single AS (
    SELECT each.*, 1 AS request_count
    FROM each, collapsed_from
    WHERE each.response_minutes IS NOT NULL OR each.age_minutes < collapsed_from.age_minutes
),

backlog AS (
    SELECT
        brand_code, page_code, platform_code, backlog_weeks.week_number, hour_of_week,
        (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(requested_at), 1000000)) / 60.0 AS age_minutes,
        is_complaint,
        request_count
    FROM (SELECT *, last_requested_at AS requested_at FROM dash_care_backlog) AS b
    JOIN backlog_weeks USING (hour_at), whole_hours
    WHERE b.hour_at BETWEEN whole_hours.first_hour AND whole_hours.last_hour
      AND backlog_weeks.week_number IS NOT NULL
      AND ($mode = 'all' OR b.needs_reply)
      AND (len($brands) = 0 OR list_contains($brands, b.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, b.platform))
      AND (len($pages) = 0 OR list_contains($pages, b.page))
),

old_unanswered AS (
    SELECT brand_code, page_code, platform_code, week_number, hour_of_week, each.age_minutes, is_complaint,
           1 AS request_count
    FROM each, collapsed_from
    WHERE each.response_minutes IS NULL AND each.age_minutes >= collapsed_from.age_minutes
    UNION ALL
    SELECT * FROM backlog
),

collapsed AS (
    SELECT
        brand_code, page_code, platform_code, week_number, hour_of_week,
        NULL::DOUBLE AS response_minutes,
        min(age_minutes) AS age_minutes,
        NULL::DOUBLE AS is_deflection,
        is_complaint,
        sum(request_count)::BIGINT AS request_count
    FROM old_unanswered
    GROUP BY brand_code, page_code, platform_code, week_number, hour_of_week, is_complaint
),

final AS (
    SELECT
        coalesce(brand_code, -1) AS brand_code,
        coalesce(page_code, -1) AS page_code,
        coalesce(platform_code, -1) AS platform_code,
        * EXCLUDE (brand_code, page_code, platform_code)
    FROM (
        SELECT * FROM single
        UNION ALL
        SELECT * FROM collapsed
    )
)

SELECT * FROM final
