-- For each open complaint in $ids (the care queue's rows): how many other open complaints the
-- same account posted about the same brand, on any page and at any time loaded, whatever the
-- filters: an agent answering one should answer them together (a review found 1,290 of a
-- demo's 4,305 queue rows had such a sibling, each on a row of its own). Open as in
-- risk_cascades.sql with $open_only: a complaint cascade no brand account answered, its root
-- not deleted by its author. The shown rows are read by id (mention_details.sql says why).
WITH shown AS (
    SELECT m.mention_id, m.author_id, c.brand
    FROM mentions AS m
    JOIN cascades AS c ON c.root_id = m.mention_id
    WHERE list_contains($ids, m.mention_id)
),

open_complaints AS (
    SELECT c.root_id, c.brand
    FROM cascades AS c
    WHERE c.is_complaint AND NOT c.answered
      AND c.root_id NOT IN (SELECT mention_id FROM deleted_mentions)
),

by_shown_authors AS (
    SELECT m.author_id, o.brand, o.root_id
    FROM open_complaints AS o
    JOIN mentions AS m ON m.mention_id = o.root_id
    WHERE m.author_id IN (SELECT author_id FROM shown)
),

final AS (
    SELECT s.mention_id, count(a.root_id) AS other_open_by_author
    FROM shown AS s
    LEFT JOIN by_shown_authors AS a
        ON a.author_id = s.author_id AND a.brand = s.brand AND a.root_id <> s.mention_id
    GROUP BY s.mention_id
)

SELECT * FROM final
