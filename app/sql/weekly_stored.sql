-- The stored snapshot rows of one ISO week ($week), one per brand, restricted to the selected
-- brands (all when none).
SELECT *
FROM weekly_snapshots
WHERE week = $week
  AND (len($brands) = 0 OR list_contains($brands, brand))
ORDER BY brand
