-- Whether the selection holds any cascade (cascade_selection.sql): the Amplification page's
-- first question, before it draws a section. Asked as risk_cascades.sql with one row, it
-- ranked every cascade for it (10M mentions, 5.6M cascades: 0.66-0.80 s a call).
SELECT EXISTS (
    SELECT 1
    FROM cascades AS c
{cascade_selection}
) AS any_cascade
