-- The care requests with ids in $ids (a request's id is its first message's): when the first
-- message was posted, how many messages the request holds (its first and the customer's
-- follow-ups before a brand answered: care_messages) and its first brand response. Read for
-- the rows a list keeps only, as mention_details.sql does.
-- $followers (NULL: none) skips the requests whose first message's account had fewer
-- followers (care_requests.author_followers), as message_requests.sql skips messages, and
-- for the same reason (its ids read for each of 6.5M requests at 10M mentions: 0.5-1.3 s).
SELECT request_id, requested_at, message_count, first_response_at
FROM care_requests
WHERE list_contains($ids, request_id)
  AND ($followers IS NULL OR author_followers >= $followers)
