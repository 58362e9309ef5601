-- How many cascades the spread forecast could calibrate on: those complete at the newest
-- mention (root at least $completion_seconds older, etl/spread.py COMPLETION_AGE), over the
-- whole warehouse as the forecaster fits on it, whatever the filters. Fewer than
-- etl/spread.py MIN_CALIBRATION: the forecast kept its default constants and interval. And
-- how many it forecast: the others, still open.
WITH newest AS (
    SELECT max(created_at) AS newest_at
    FROM mentions
),

final AS (
    SELECT
        count(*) FILTER (WHERE cascades.root_created_at <= newest.newest_at - to_seconds($completion_seconds::DOUBLE))
            AS complete_cascades,
        count(*) FILTER (WHERE cascades.root_created_at > newest.newest_at - to_seconds($completion_seconds::DOUBLE))
            AS open_cascades
    FROM cascades, newest
)

SELECT * FROM final
