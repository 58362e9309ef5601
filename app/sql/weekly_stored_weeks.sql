-- The ISO weeks stored in weekly_snapshots, newest first, with whether each is closed and how
-- many brands it has.
SELECT week, bool_and(closed) AS closed, count(*) AS brands, max(computed_at) AS computed_at
FROM weekly_snapshots
GROUP BY week
ORDER BY week DESC
