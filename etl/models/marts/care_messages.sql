-- depends: stg_mentions, stg_mention_scores, stg_brand_from_reply
-- materialized: table
-- incremental: thread mention_id
-- Inbound customer messages grouped into care requests (SPEC 4).
-- Inbound: not by a brand account, about a brand, not a share.
-- A message continues its parent when the parent is an inbound message by the same
-- customer (same platform and brand), posted earlier, and that brand had not replied to
-- the parent before this message was posted. A request is a message that continues
-- nothing plus everything that continues it, transitively; request_id is its first
-- message. "Earlier" is strict in (created_at, mention_id), so continuation can never
-- form a cycle, whatever the parent links say.
-- about_brand_at: when the message is known to concern its brand: when it was posted, or,
-- for one whose brand only a brand account's reply gave, that reply's time (as of an
-- earlier moment it is no request of that brand).
WITH RECURSIVE mentions AS (
    SELECT * FROM stg_mentions
),

inbound AS (
    SELECT mention_id, platform, brand, page, author_id, author_handle, author_followers,
        created_at, parent_id
    FROM mentions
    WHERE NOT is_brand AND brand IS NOT NULL AND kind <> 'share'
),

first_brand_reply AS (
    SELECT parent_id, brand, min(created_at) AS first_reply_at
    FROM mentions
    WHERE is_brand AND brand IS NOT NULL AND parent_id IS NOT NULL
    GROUP BY parent_id, brand
),

continuations AS (
    SELECT child.mention_id, child.parent_id
    FROM inbound AS child
    JOIN inbound AS parent
      ON parent.mention_id = child.parent_id
     AND parent.author_id = child.author_id
     AND parent.platform = child.platform
     AND parent.brand = child.brand
     AND (parent.created_at < child.created_at
          OR (parent.created_at = child.created_at AND parent.mention_id < child.mention_id))
    LEFT JOIN first_brand_reply AS reply
      ON reply.parent_id = parent.mention_id AND reply.brand = child.brand
    WHERE reply.first_reply_at IS NULL OR reply.first_reply_at >= child.created_at
),

-- The walk starts from the messages that others continue (few): a message that continues
-- nothing and is continued by nothing is a request of its own, position 0 (final).
walk (mention_id, request_id, position) AS (
    SELECT DISTINCT parent_id, parent_id, 0
    FROM continuations
    WHERE parent_id NOT IN (SELECT mention_id FROM continuations)
    UNION ALL
    SELECT continuations.mention_id, walk.request_id, walk.position + 1
    FROM walk
    JOIN continuations ON continuations.parent_id = walk.mention_id
    WHERE walk.position < 10000
),

final AS (
    SELECT
        inbound.mention_id,
        coalesce(walk.request_id, inbound.mention_id) AS request_id,
        coalesce(walk.position, 0) AS position,
        inbound.platform,
        inbound.brand,
        inbound.page,
        inbound.author_id,
        inbound.author_handle,
        inbound.author_followers,
        inbound.created_at,
        greatest(inbound.created_at, attributed.brand_known_at) AS about_brand_at,  -- skips a null
        scores.needs_reply,
        scores.is_complaint,
        scores.complaint_reason
    FROM inbound
    LEFT JOIN walk USING (mention_id)
    LEFT JOIN stg_mention_scores AS scores USING (mention_id)
    LEFT JOIN stg_brand_from_reply AS attributed USING (mention_id)
)

SELECT * FROM final
