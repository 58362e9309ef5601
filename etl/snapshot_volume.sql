-- Per brand, the customer mentions from $start to $as_of added up from the quarter-hour
-- counts of dash_mention_slots (mentions, complaint share, net sentiment and the counts
-- they come from), and the customer comments created then that were deleted.
-- Read by etl.snapshot._volume.
WITH week_slots AS (
    SELECT brand, mentions, scored, complaints, positive, negative
    FROM dash_mention_slots
    WHERE brand IS NOT NULL AND slot_at >= $start AND slot_at <= $as_of
),
deleted AS (
    SELECT brand, count(*) AS deleted_comments FROM deleted_mentions
    WHERE NOT is_brand AND brand IS NOT NULL AND created_at >= $start AND created_at <= $as_of
    GROUP BY brand
),
volume AS (
    SELECT brand,
           sum(mentions)::BIGINT AS mentions,
           sum(scored)::BIGINT AS scored, sum(complaints)::BIGINT AS complaints,
           sum(positive)::BIGINT AS positive, sum(negative)::BIGINT AS negative,
           sum(complaints) / nullif(sum(scored), 0) AS complaint_share,
           (sum(positive) - sum(negative)) / nullif(sum(positive) + sum(negative), 0)
               AS net_sentiment
    FROM week_slots GROUP BY brand
)
SELECT coalesce(volume.brand, deleted.brand) AS brand,
       coalesce(volume.mentions, 0) AS mentions,
       volume.complaint_share, volume.net_sentiment,
       volume.scored, volume.complaints, volume.positive, volume.negative,
       coalesce(deleted.deleted_comments, 0) AS deleted_comments
FROM volume FULL JOIN deleted USING (brand)
