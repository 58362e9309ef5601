-- The mentions behind one spike: the negative ones of $ids (trends_spike_candidates.sql: the
-- customer mentions of the spike's brand and bucket in the filters), with scores and the
-- cascade each belongs to; most followed author first. The scores and the cascade nodes are
-- read for the ids as a list, which lets DuckDB skip the parts of those tables holding none
-- (joined to the mentions instead, each was read whole: 10M mentions, 0.85 s and 0.38 s);
-- MATERIALIZED keeps the negative filter out of the scores' scan, where DuckDB read every
-- row group for it (0.16 s against 0.01 s). $near_from/$near_to bound the mentions' scan as
-- the candidates' did, and the nodes' (their created_at is their mention's, in epoch seconds).
WITH scores AS MATERIALIZED (
    SELECT mention_id, sentiment_label, complaint_reason FROM mention_scores
    WHERE list_contains($ids, mention_id)
),

nodes AS MATERIALIZED (
    SELECT node_id, root_id FROM cascade_nodes
    WHERE list_contains($ids, node_id)
      AND created_at >= epoch($near_from) AND created_at < epoch($near_to)
),

picked AS (
    SELECT m.mention_id, m.created_at, m.brand, m.platform, m.page, m.author_handle,
           m.author_followers, m.kind, m.text, s.sentiment_label, s.complaint_reason
    FROM mentions AS m
    JOIN scores AS s USING (mention_id)
    WHERE list_contains($ids, m.mention_id) AND s.sentiment_label = 'negative'
      AND m.created_at >= $near_from AND m.created_at < $near_to
)

SELECT picked.mention_id, picked.created_at, brand, platform, page,
       author_handle, author_followers, picked.kind, sentiment_label, complaint_reason,
       coalesce(nodes.root_id, picked.mention_id) AS cascade_root, text
FROM picked
LEFT JOIN nodes ON nodes.node_id = picked.mention_id
ORDER BY author_followers DESC NULLS LAST, picked.created_at, picked.mention_id
