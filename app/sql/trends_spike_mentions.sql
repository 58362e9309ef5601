-- The mentions behind one spike: the negative customer mentions of $brand in the filters
-- whose local wall-clock time in the chosen zone is in [$from_local, $to_local) (the spike's
-- bucket, as etl.spikes.detect_spikes counted them), with scores and the cascade each belongs
-- to; most followed author first. $near_from/$near_to bound created_at a day around the
-- bucket so the scan can skip the rest of the table.
WITH picked AS (
    SELECT m.mention_id, m.created_at, m.brand, m.platform, m.page, m.author_handle,
           m.author_followers, m.kind, m.text, s.sentiment_label, s.complaint_reason
    FROM mentions AS m
    JOIN mention_scores AS s USING (mention_id)
    WHERE NOT m.is_brand AND m.brand = $brand AND s.sentiment_label = 'negative'
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
      AND m.created_at >= $near_from AND m.created_at < $near_to
      AND timezone($tz, m.created_at) >= $from_local
      AND timezone($tz, m.created_at) < $to_local
)

SELECT picked.mention_id, picked.created_at, brand, platform, page,
       author_handle, author_followers, picked.kind, sentiment_label, complaint_reason,
       coalesce(nodes.root_id, picked.mention_id) AS cascade_root, text
FROM picked
LEFT JOIN cascade_nodes AS nodes ON nodes.node_id = picked.mention_id
ORDER BY author_followers DESC NULLS LAST, picked.created_at, picked.mention_id
