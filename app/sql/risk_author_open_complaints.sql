-- For each open complaint in $ids (the care queue's rows; NULL: every open complaint, for the
-- whole queue's file): how many other open complaints the same account posted about the same
-- brand, on any page and at any time loaded, whatever the filters: an agent answering one
-- should answer them together (a review found 1,290 of a demo's 4,305 queue rows had such a
-- sibling, each on a row of its own). Open as in risk_cascades.sql with $open_only: a complaint
-- cascade no brand account answered, its root not deleted by its author. The shown rows are
-- read by id (mention_details.sql says why); the whole queue by a semi-join, as a list of
-- 398,076 ids read 1M mentions in 8 s (1.1 s so; 200 ids 0.26 s).
WITH open_complaints AS (
    SELECT root_id
    FROM cascades
    WHERE is_complaint AND NOT answered
      AND root_id NOT IN (SELECT mention_id FROM deleted_mentions)
),

shown AS (
    SELECT mention_id, platform, author_id, brand
    FROM mentions
    WHERE CASE WHEN $ids IS NULL THEN mention_id IN (SELECT root_id FROM open_complaints)
               ELSE list_contains($ids, mention_id) END
),

open_by_shown_authors AS (
    SELECT mention_id, platform, author_id, brand
    FROM mentions
    WHERE author_id IN (SELECT author_id FROM shown)
      AND mention_id IN (SELECT root_id FROM open_complaints)
),

final AS (
    SELECT s.mention_id, count(o.mention_id) AS other_open_by_author
    FROM shown AS s
    LEFT JOIN open_by_shown_authors AS o
        -- an account is its id on its platform: the same id on two platforms is two people
        ON o.platform = s.platform AND o.author_id = s.author_id AND o.brand = s.brand
       AND o.mention_id <> s.mention_id
    GROUP BY s.mention_id
)

SELECT * FROM final
