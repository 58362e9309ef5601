-- The moment care metrics are evaluated at for a window ending at $end_at: the newest mention
-- before the end (NULL end: the newest mention), and whether any mention is scored
-- (needs-reply requests need scores; without any, every inbound request counts).
WITH newest AS (
    SELECT max(created_at) AS newest_at
    FROM mentions
    WHERE $end_at IS NULL OR created_at < $end_at
),

scored AS (
    SELECT count(*) > 0 AS has_scores FROM mention_scores
),

final AS (
    SELECT newest.newest_at, scored.has_scores FROM newest, scored
)

SELECT * FROM final
