-- The ranking's cut (app/risk.py): the amplification risk and size of the $limit-th cascade of
-- risk_cascades.sql's order, none when fewer are selected. Ranked on these two columns alone,
-- it reads two numbers a cascade where the ranked list reads thirty: risk_cascades.sql then
-- reads its rows whole for the cascades at or above the cut only (10M mentions, 5.6M cascades:
-- most of them), and so also returns the few tied with the cut that the order's last keys part.
SELECT amplification_risk, size
FROM cascades AS c
{risk_cascades_rows}
ORDER BY amplification_risk DESC NULLS LAST, size DESC
LIMIT 1 OFFSET $limit - 1
