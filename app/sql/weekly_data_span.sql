-- The first and last mention in the warehouse: the span of weeks that can be shown.
SELECT min(created_at) AS first_at, max(created_at) AS last_at
FROM mentions
