-- The care request each of the mentions with ids in $ids belongs to (care_messages): a
-- customer's follow-up ("still waiting") is answered when its request is, though it opened
-- none itself. Read for the rows a list keeps only, as mention_details.sql does.
SELECT mention_id, request_id
FROM care_messages
WHERE list_contains($ids, mention_id)
