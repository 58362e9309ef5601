-- Cascades whose root is in the selection (root created in the window; brand, platform and
-- the root's page), highest amplification risk first. $open_only keeps open complaints
-- only (open_complaint.sql): the care queue. At most $limit rows. app/risk.py reads the
-- roots' page, author and text for those only (mention_details.sql). The selection:
-- cascade_selection.sql.
-- With $cut (risk_cascades_cut.sql: the $limit-th cascade's risk $cut_risk and size $cut_size),
-- only the cascades ranked at or above it by those two are read whole: each part below names
-- its rows by conditions on single columns, which DuckDB checks before it reads a row's other
-- columns (ranking all 5.6M cascades of 10M mentions read every column of each). Without
-- $cut (fewer cascades selected than $limit, or no $limit), every cascade of the selection.
WITH selected AS (
    SELECT c.*
    FROM cascades AS c
{risk_cascades_rows}
      AND NOT $cut
    UNION ALL
    -- ranked above the cut by risk (a NULL risk is ranked last: with the cut's NULL, every known one)
    SELECT c.*
    FROM cascades AS c
{risk_cascades_rows}
      AND $cut
      AND (c.amplification_risk > $cut_risk OR ($cut_risk IS NULL AND c.amplification_risk IS NOT NULL))
    UNION ALL
    -- the cut's risk, at or above its size
    SELECT c.*
    FROM cascades AS c
{risk_cascades_rows}
      AND $cut
      AND c.amplification_risk IS NOT DISTINCT FROM $cut_risk
      AND c.size >= $cut_size
),

ranked AS (
    SELECT *
    FROM selected
    ORDER BY amplification_risk DESC NULLS LAST, size DESC, root_created_at, root_id
    LIMIT $limit
),

final AS (
    SELECT
{risk_cascade_columns}
    FROM ranked
)

SELECT * FROM final
ORDER BY amplification_risk DESC NULLS LAST, size DESC, root_created_at, root_id
