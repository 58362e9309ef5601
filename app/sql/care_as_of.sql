-- The moment care metrics are evaluated at for a window ending at $end_at (exclusive): the
-- window's end (its last microsecond, so nothing of the next day counts), or the newest
-- mention if that is earlier; NULL when no mention is older than the end (NULL end: the
-- newest mention). The Page Audit (app.audit.window) and the weekly snapshot (a closed
-- week as of its end) take the same moment, so one range shows one set of numbers.
-- Also whether any mention is scored (needs-reply requests need scores; without any,
-- every inbound request counts).
WITH newest AS (
    SELECT
        max(created_at) AS newest_at,
        max(created_at) FILTER (WHERE $end_at IS NULL OR created_at < $end_at) AS newest_before_end
    FROM mentions
),

scored AS (
    SELECT count(*) > 0 AS has_scores FROM mention_scores
),

final AS (
    SELECT
        CASE
            WHEN newest.newest_before_end IS NULL THEN NULL
            WHEN $end_at IS NULL THEN newest.newest_at
            ELSE least(newest.newest_at, $end_at::TIMESTAMPTZ - INTERVAL 1 MICROSECOND)
        END AS as_of,
        scored.has_scores
    FROM newest, scored
)

SELECT * FROM final
