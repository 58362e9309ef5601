-- The care request each of the mentions with ids in $ids belongs to (care_messages): a
-- customer's follow-up ("still waiting") is answered when its request is, though it opened
-- none itself. Read for the rows a list keeps only, as mention_details.sql does.
-- $followers (NULL: none) skips the messages of accounts with fewer followers, as each row
-- stores them: care_messages has no index, and its ids, read for each of its 6.5M rows at 10M
-- mentions, took 0.8 s, where the follower counts, compared first, leave a few rows to read
-- (db.read_for_rows_bounded reads an id missed so again without it).
SELECT mention_id, request_id
FROM care_messages
WHERE list_contains($ids, mention_id)
  AND ($followers IS NULL OR author_followers >= $followers)
