-- depends: stg_mentions
-- materialized: table
-- incremental: thread mention_id
-- Conversation roots: for every mention, the mention its reply chain starts from.
-- A thread starts at a mention without a parent or whose parent is not in the warehouse
-- (missing_parent_id names that parent: an added load finds there the threads its
-- mentions complete, etl/models/incremental.py). The walk goes down from starts, so it
-- visits each mention at most once; mentions it cannot reach (a parent cycle in bad data,
-- or a chain deeper than the bound) start their own thread and are flagged, instead of
-- looping.
WITH RECURSIVE mentions AS (
    SELECT mention_id, parent_id FROM stg_mentions
),

links AS (
    SELECT
        child.mention_id,
        child.parent_id,
        parent.mention_id IS NOT NULL AS parent_found
    FROM mentions AS child
    LEFT JOIN mentions AS parent ON parent.mention_id = child.parent_id
),

-- The walk starts from the thread starts that have replies: a start without any is a
-- thread of its own, depth 0 (final).
walk (mention_id, root_id, depth) AS (
    SELECT mention_id, mention_id, 0
    FROM links
    WHERE NOT parent_found
      AND mention_id IN (SELECT parent_id FROM links WHERE parent_found)
    UNION ALL
    SELECT links.mention_id, walk.root_id, walk.depth + 1
    FROM walk
    JOIN links ON links.parent_id = walk.mention_id AND links.parent_found
    WHERE walk.depth < 10000
),

final AS (
    SELECT
        links.mention_id,
        coalesce(walk.root_id, links.mention_id) AS root_id,
        coalesce(walk.depth, 0) AS depth,
        CASE WHEN NOT links.parent_found THEN links.parent_id END AS missing_parent_id,
        walk.mention_id IS NULL AND links.parent_found AS unreachable
    FROM links
    LEFT JOIN walk USING (mention_id)
)

SELECT * FROM final
