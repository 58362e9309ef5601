-- trends_share_of_voice.sql from the quarter-hour counts of dash_mention_slots (for a zone whose
-- day boundaries fall on slot boundaries, app/slots.py): the same rows, without scanning every
-- mention (10M mentions: the mentions' scan was 2 s, the slots' 0.05 s). Page filters do not
-- apply here either: the slots of every page are summed.
WITH volume AS (
    SELECT date_trunc($grain, timezone($tz, slot_at)) AS bucket, brand, sum(mentions)::BIGINT AS mentions
    FROM dash_mention_slots
    WHERE brand IS NOT NULL
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND ($start_at IS NULL OR slot_at >= $start_at)
      AND ($end_at IS NULL OR slot_at < $end_at)
    GROUP BY ALL
),

{share_of_voice_sets}
