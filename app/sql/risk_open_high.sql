-- Open high-risk complaints of the selection (and all its open complaints, and those with any
-- risk, for the care queue's caption): complaint cascades no brand account answered
-- whose amplification_risk is at least the $quantile quantile (app/risk.py HIGH_RISK_QUANTILE,
-- 0.9) of amplification_risk over the complaint cascades in the warehouse still able to spread
-- (positive risk; a fixed bar, not moved by the filters). Over every complaint cascade the bar
-- was 0 (most are complete, risk 0), and "high risk" any risk at all.
-- Open as in the queue (open_complaint.sql).
-- The selection: cascade_selection.sql.
WITH threshold AS (
    SELECT quantile_cont(amplification_risk, $quantile) AS risk_threshold
    FROM cascades
    WHERE is_complaint AND amplification_risk > 0
),

selected AS (
    SELECT c.*
    FROM cascades AS c
{cascade_selection}
),

still_open AS (
    SELECT amplification_risk
    FROM selected
    WHERE
{open_complaint}
),

final AS (
    -- counted in a scalar subquery: a join of every selected cascade to the threshold
    -- row took 0.2 s at 5M cascades, to count a few hundred
    SELECT
        (SELECT count(*)
         FROM still_open
         WHERE still_open.amplification_risk > 0
           AND still_open.amplification_risk >= threshold.risk_threshold) AS open_high_risk,
        threshold.risk_threshold,
        (SELECT count(*) FROM still_open) AS open_complaints,
        (SELECT count(*) FROM still_open WHERE amplification_risk > 0) AS open_at_risk
    FROM threshold
)

SELECT * FROM final
