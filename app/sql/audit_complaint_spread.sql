-- How far each complaint in $ids (the audit's evidence: its complaint_id, and its request_id for
-- a complaint that follows up its own request, app.audit._with_spread) had spread by $as_of:
-- the posts of other accounts in the cascade it starts (cascade_nodes: shares, quotes and
-- replies; brand accounts' posts are responses, never nodes), posted by then, and the
-- followers of those accounts where their counts are known (each account once, NULL where no
-- count is known). The complainer's own follow-ups are left out, as the cost of silence leaves
-- them out. A post that starts no cascade (it replies to, quotes or shares another customer's
-- post, inside that cascade) has no row: spread NULL. Stored cascades are built from every mention loaded;
-- the as-of time keeps the posts made by then.
WITH roots AS (
    -- with the root's author (its node's in cascade_nodes), which a second scan of the nodes read
    -- (10M mentions: 298K rows of them)
    SELECT root_id, root_author_id
    FROM cascades
    WHERE list_contains($ids, root_id)
      -- none is older than the oldest of the rows' requests ($first_requested_at), whose messages
      -- follow their start: the table is in time order, so the scan skips the rest (10M mentions,
      -- 1,000 rows: 368,640 cascades read of 5.6M)
      AND ($first_requested_at IS NULL OR root_created_at >= $first_requested_at)
),

passed_on AS (
    -- an unknown count is stored as NaN (the forecast's arrays), which sum() would spread
    SELECT node.root_id, node.author_id, CASE WHEN NOT isnan(node.followers) THEN node.followers END AS followers
    FROM cascade_nodes AS node
    JOIN roots USING (root_id)
    WHERE list_contains($ids, node.root_id)
      AND node.node_id <> node.root_id
      AND node.author_id <> roots.root_author_id
      AND to_timestamp(node.created_at) <= $as_of  -- node times are epoch seconds
),

accounts AS (
    SELECT root_id, author_id, max(followers) AS followers
    FROM passed_on
    GROUP BY root_id, author_id
),

posts AS (
    SELECT root_id, count(*) AS passed_on
    FROM passed_on
    GROUP BY root_id
),

reach AS (
    SELECT root_id, sum(followers) AS passed_on_reach
    FROM accounts
    GROUP BY root_id
),

final AS (
    SELECT
        roots.root_id AS complaint_id,
        coalesce(posts.passed_on, 0) AS passed_on,
        round(reach.passed_on_reach) AS passed_on_reach
    FROM roots
    LEFT JOIN posts USING (root_id)
    LEFT JOIN reach USING (root_id)
)

SELECT * FROM final
