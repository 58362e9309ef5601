-- The ranking's cut (app/risk.py): the amplification risk and size of the $limit-th cascade of
-- risk_cascades.sql's order, none when fewer are selected. Ranked by these two columns alone:
-- the list ranked every cascade with its thirty columns, since few carry risk (10M mentions:
-- 402 of 5.6M cascades) and a cut at risk 0 let DuckDB skip none of them; risk_cascades.sql
-- then reads whole only the cascades at or above the cut (1,225 there), ties with it included.
SELECT amplification_risk, size
FROM cascades AS c
{risk_cascades_rows}
ORDER BY amplification_risk DESC NULLS LAST, size DESC
LIMIT 1 OFFSET $limit - 1
