-- The columns risk_cascades.sql lists of each cascade (a `cascades` row), and risk_cascade_at.sql of
-- the one it reads by its root: a fragment, not a query, the list of a SELECT (no comma after it).
        root_id, brand, platform, root_created_at, is_complaint, answered, size, shares,
        quotes, replies, depth, max_breadth, structural_virality, inferred_edges,
        time_to_half_size / 60 AS minutes_to_half_size,
        -- as stored: app/risk.py blanks an unknown reach (no account's follower count known) by
        -- the rule `metrics cascades` uses too (etl.cascade_definitions.blank_unknown_reach);
        -- forecasts of followers in whole ones
        potential_reach, round(impressions_low) AS impressions_low,
        round(impressions_high) AS impressions_high, followers_known,
        predicted_final_size, predicted_final_size_low, predicted_final_size_high,
        round(predicted_final_reach) AS predicted_final_reach,
        round(predicted_final_reach_low) AS predicted_final_reach_low,
        round(predicted_final_reach_high) AS predicted_final_reach_high,
        amplification_risk, expected_additional_reach, negativity, own_follow_ups,
        -- of the rows kept: the Cascades list and its chooser say so beside is_complaint and
        -- answered, which read as an open complaint for a post its author took down
        root_id IN (SELECT mention_id FROM deleted_mentions) AS deleted_by_author
