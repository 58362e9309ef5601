-- The load that stored each of $ids (mention ids), for those stored.
SELECT mention_id, load_id
FROM mentions
WHERE mention_id IN (SELECT unnest($ids))
