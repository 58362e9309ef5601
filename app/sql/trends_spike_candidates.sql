-- The customer mentions of $brand in the filters whose local wall-clock time in the chosen zone
-- is in [$from_local, $to_local) (a spike's bucket, as etl.spikes.detect_spikes counted them),
-- by id: trends_spike_mentions.sql reads the negative ones of these ids, their scores and
-- cascades. $near_from/$near_to bound created_at a day around the bucket so the scan can skip
-- the rest of the table.
SELECT mention_id
FROM mentions
WHERE NOT is_brand AND brand = $brand
  AND (len($platforms) = 0 OR list_contains($platforms, platform))
  AND (len($pages) = 0 OR list_contains($pages, page))
  AND created_at >= $near_from AND created_at < $near_to
  AND timezone($tz, created_at) >= $from_local
  AND timezone($tz, created_at) < $to_local
