-- What app.care.scope needs to evaluate a window ending at $end_at (exclusive; NULL: open):
-- the newest mention, whether any mention is older than the end (none: nothing to
-- evaluate), and whether any mention is scored (needs-reply requests need scores; without
-- any, every inbound request counts). The as-of moment itself is Filters.as_of, the one
-- rule the Page Audit takes too.
WITH newest AS (
    SELECT
        max(created_at) AS newest_at,
        -- the oldest mention is older than the end (an open end: every mention is)
        coalesce(min(created_at) < $end_at, $end_at IS NULL) AS any_before_end
    FROM mentions
),

scored AS (
    SELECT count(*) > 0 AS has_scores FROM mention_scores
),

final AS (
    SELECT newest.newest_at, newest.any_before_end, scored.has_scores
    FROM newest, scored
)

SELECT * FROM final
