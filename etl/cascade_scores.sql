-- The text scores the cascade step reads, matched to the mentions of cascade_mentions.sql
-- by etl/cascade_metrics.py (a mention not yet scored has none).
SELECT mention_id, is_complaint, sentiment_compound
FROM mention_scores
