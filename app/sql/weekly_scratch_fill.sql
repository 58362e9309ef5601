-- Put the previous week's rows (the registered frame previous_week_rows) into the temporary
-- weekly_snapshots, matching columns by name.
INSERT INTO temp.main.weekly_snapshots BY NAME
SELECT week, brand, mentions, requests, complaint_share, net_sentiment, ghost_town_rate,
       sla_rate, km_median_minutes, deflection_rate, deleted_comments
FROM previous_week_rows
