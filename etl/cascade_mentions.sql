-- Every mention created up to the as-of time (NULL: all), with its text scores when scored.
-- Read by etl/cascade_metrics.py, which builds the cascades; parameters: as_of, as_of.
-- Each mention gets a dense code (its row number here) and its links come as codes, so the
-- cascade step holds integers instead of a string per id and link (10M mentions: ~0.5 GB
-- less): -2 is no link, -1 a link to a mention not in scope (missing, or after as_of).
WITH scope AS (
    SELECT mention_id, platform, brand, author_id, author_followers, is_brand, created_at,
           kind, parent_id, shared_id
    FROM mentions
    WHERE ?::TIMESTAMPTZ IS NULL OR created_at <= ?::TIMESTAMPTZ
),

coded AS (
    SELECT *, row_number() OVER (ORDER BY mention_id) - 1 AS code
    FROM scope
)

SELECT c.code, c.mention_id, c.platform, c.brand, c.author_id, c.author_followers,
       c.is_brand, c.created_at, c.kind,
       CASE WHEN c.parent_id IS NULL THEN -2 ELSE coalesce(p.code, -1) END AS parent_code,
       CASE WHEN c.shared_id IS NULL THEN -2 ELSE coalesce(sh.code, -1) END AS shared_code,
       s.is_complaint, s.sentiment_compound
FROM coded AS c
LEFT JOIN coded AS p ON p.mention_id = c.parent_id
LEFT JOIN coded AS sh ON sh.mention_id = c.shared_id
LEFT JOIN mention_scores AS s ON s.mention_id = c.mention_id
ORDER BY c.code
