-- The mentions of a stored, closed week ($week) that its brand's stored row leaves out, per
-- brand, platform and page: those a load brought after the row was stored (dated inside the
-- week, of a brand with a row, loaded by a load that finished after that row's computed_at: a
-- monthly Facebook export of a page whose brand the nightly Twitter loads had already given a
-- row), with how many were by customers and when the last was loaded. And, per brand, with no
-- platform, page or load time, the customer mentions stored before but given the brand since
-- (a re-export naming it, or a brand's reply linking them: etl.attribute_stored), which no
-- load time tells: those in the data now beyond the row's count and the late loads'. Only a row
-- stored under this version's definitions ($version) is compared so: another's count of
-- mentions may not be this one's.
WITH stored AS (
    SELECT brand, week_start, computed_at, mentions, metric_version
    FROM weekly_snapshots
    WHERE week = $week AND closed
),

loaded_late AS (
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
),

-- the customer mentions of each brand in the week now (the stored count's own source:
-- etl/snapshot.py's _volume)
customer_now AS (
    SELECT stored.brand, sum(slots.mentions) AS mentions
    FROM stored
    JOIN dash_mention_slots AS slots
      ON slots.brand = stored.brand
     AND slots.slot_at >= stored.week_start
     AND slots.slot_at < stored.week_start + INTERVAL 7 DAY
    GROUP BY stored.brand
),

given_late AS (
    SELECT stored.brand,
        (customer_now.mentions - stored.mentions - coalesce(late.customer_mentions, 0))::BIGINT AS gained
    FROM stored
    JOIN customer_now USING (brand)
    LEFT JOIN (SELECT brand, sum(customer_mentions) AS customer_mentions FROM loaded_late GROUP BY brand) AS late
      USING (brand)
    WHERE stored.metric_version = $version
),

final AS (
    SELECT brand, platform, page, mentions, customer_mentions, loaded_at
    FROM loaded_late
    UNION ALL
    SELECT brand, NULL, NULL, gained, gained, NULL
    FROM given_late
    WHERE gained > 0
)

SELECT * FROM final
ORDER BY brand, platform NULLS LAST, page
