-- depends: mention_scores
-- materialized: view
-- The text-analytics flags (and complaint reason) the models use; a mention without a row
-- is unscored.
WITH source AS (
    SELECT * FROM mention_scores
),

renamed AS (
    SELECT
        mention_id,
        needs_reply,
        is_complaint,
        is_question,
        is_deflection,
        complaint_reason,
        sentiment_label,
        sentiment_compound
    FROM source
)

SELECT * FROM renamed
