-- The cascades behind one spike: the stored cascades (as of the newest load) rooted at $ids,
-- the roots of the spike's mentions (app/trends.py reads their roots' author and text with
-- mention_details.sql). The ids as a list filter let DuckDB skip the parts holding none.
SELECT root_id, size, shares, quotes, replies, answered, amplification_risk, predicted_final_size
FROM cascades
WHERE list_contains($ids, root_id)
ORDER BY root_id
