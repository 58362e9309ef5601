-- The nodes of one cascade ($root_id) in time order: tree position, timing (seconds since
-- the root), author, followers, kind, whether the parent edge was inferred, and the text.
WITH nodes AS (
    SELECT * FROM cascade_nodes WHERE root_id = $root_id
),

final AS (
    SELECT
        nodes.node_id, nodes.root_id, nodes.parent_id, nodes.depth, nodes.created_at,
        nodes.time, nodes.author_id, m.author_handle, nodes.followers, nodes.kind,
        nodes.inferred_edge, m.text
    FROM nodes
    LEFT JOIN mentions AS m ON m.mention_id = nodes.node_id
)

SELECT * FROM final
ORDER BY time, node_id
