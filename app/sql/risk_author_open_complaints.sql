-- For each open complaint in $ids (the care queue's rows): how many other open complaints the
-- same account (its id on its platform) posted about the same brand, on any page and at any
-- time loaded, whatever the filters: an agent answering one should answer them together (a
-- review found 1,290 of a demo's 4,305 queue rows had such a sibling, each on a row of its
-- own). Open as in the queue (open_complaint.sql). The shown rows are read by id
-- (mention_details.sql says why); the open complaints by their authors from the cascades'
-- own root_author_id: reading the shown authors' mentions first took 0.53-0.65 s at 10M
-- mentions (every mention's author scanned). The whole queue's file:
-- risk_author_open_complaints_all.sql (a list of 398,076 ids read 1M mentions in 8 s).
WITH shown AS (
    SELECT mention_id, platform, author_id, brand
    FROM mentions
    WHERE list_contains($ids, mention_id)
),

open_by_shown_authors AS (
    SELECT root_id AS mention_id, platform, root_author_id AS author_id, brand
    FROM cascades
    WHERE root_author_id IN (SELECT author_id FROM shown)
      AND
{open_complaint}
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
