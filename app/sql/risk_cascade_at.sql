-- The one cascade rooted at $root_id, whatever its rank, with the columns risk_cascades.sql lists
-- (risk_cascade_columns.sql) and in_selection: whether the sidebar's selection holds it
-- (cascade_selection.sql). No row when no cascade has that root. The Amplification page's One
-- cascade view opens it from a link (?cascade=<root_id>): its chooser offers only the list's
-- 1,000 rows, and a spike's small cascade on Trends was in none of them (review ux60c).
WITH asked AS (
    SELECT c.*
    FROM cascades AS c
    WHERE c.root_id = $root_id
),

selected AS (
    SELECT c.root_id
    FROM asked AS c
{cascade_selection}
),

final AS (
    SELECT
        root_id IN (SELECT root_id FROM selected) AS in_selection,
{risk_cascade_columns}
    FROM asked
)

SELECT * FROM final
