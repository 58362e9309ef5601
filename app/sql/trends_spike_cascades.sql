-- The cascades behind one spike: the stored cascades (as of the newest load) rooted at $ids,
-- the roots of the spike's mentions, with each root's author and text. The ids as a list
-- filter on both tables let DuckDB skip the parts holding none of them (mention_details.sql).
WITH roots AS (
    SELECT root_id, size, shares, quotes, replies, answered, amplification_risk, predicted_final_size
    FROM cascades
    WHERE list_contains($ids, root_id)
),

authors AS (
    SELECT mention_id AS root_id, author_handle, text
    FROM mentions
    WHERE list_contains($ids, mention_id)
),

final AS (
    SELECT roots.*, authors.author_handle, authors.text
    FROM roots
    JOIN authors USING (root_id)
)

SELECT * FROM final
ORDER BY root_id
