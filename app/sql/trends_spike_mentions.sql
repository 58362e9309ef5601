-- The mentions behind one spike (their ids from etl.spikes.detect_spikes), with local time in
-- the chosen zone, scores and the cascade each belongs to; most followed author first.
WITH picked AS (
    SELECT m.mention_id, m.created_at, m.brand, m.platform, m.page, m.author_handle,
           m.author_followers, m.kind, m.text, s.sentiment_label, s.complaint_reason
    FROM mentions AS m
    LEFT JOIN mention_scores AS s USING (mention_id)
    WHERE list_contains($ids, m.mention_id)
)

SELECT picked.mention_id, timezone($tz, picked.created_at) AS local_time, brand, platform, page,
       author_handle, author_followers, picked.kind, sentiment_label, complaint_reason,
       coalesce(nodes.root_id, picked.mention_id) AS cascade_root, text
FROM picked
LEFT JOIN cascade_nodes AS nodes ON nodes.node_id = picked.mention_id
ORDER BY author_followers DESC NULLS LAST, picked.created_at, picked.mention_id
