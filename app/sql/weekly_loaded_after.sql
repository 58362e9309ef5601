-- The mentions of a stored, closed week ($week) that a load brought after the week's row of
-- their brand was stored: dated inside the week, of a brand with a row, loaded by a load that
-- finished after that row's computed_at (a monthly Facebook export of a page whose brand the
-- nightly Twitter loads had already given a row). The stored row is final and leaves them out;
-- per brand, platform and page: how many, how many by customers, and when the last was loaded.
WITH stored AS (
    SELECT brand, week_start, computed_at
    FROM weekly_snapshots
    WHERE week = $week AND closed
)

SELECT stored.brand, m.platform, m.page,
    count(*) AS mentions,
    count(*) FILTER (WHERE NOT m.is_brand) AS customer_mentions,
    max(loads.finished_at) AS loaded_at
FROM stored
JOIN mentions AS m
  ON m.brand = stored.brand
 AND m.created_at >= stored.week_start
 AND m.created_at < stored.week_start + INTERVAL 7 DAY
JOIN loads
  ON loads.load_id = m.load_id
 AND loads.finished_at > stored.computed_at
GROUP BY stored.brand, m.platform, m.page
ORDER BY stored.brand, m.platform, m.page
