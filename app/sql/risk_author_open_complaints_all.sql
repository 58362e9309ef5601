-- risk_author_open_complaints.sql for every open complaint (the whole care queue's file): each
-- one's count of the other open complaints of its account (its id on its platform) about its
-- brand, counted over all of them at once from the cascades alone (the root's author is
-- stored with it).
WITH open_complaints AS (
    SELECT root_id AS mention_id, platform, root_author_id AS author_id, brand
    FROM cascades
    WHERE
{open_complaint}
),

final AS (
    SELECT mention_id, count(*) OVER (PARTITION BY platform, author_id, brand) - 1 AS other_open_by_author
    FROM open_complaints
)

SELECT * FROM final
