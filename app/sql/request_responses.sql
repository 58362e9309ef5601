-- The first brand response of the care requests with ids in $ids (a request's id is its
-- first message's): read for the rows a list keeps only, as mention_details.sql does.
SELECT request_id, first_response_at
FROM care_requests
WHERE list_contains($ids, request_id)
