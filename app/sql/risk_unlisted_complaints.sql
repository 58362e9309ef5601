-- The selection's complaint requests (request made in the window; brand, platform, page) no
-- brand account has answered that the care queue lists no row for: the queue lists complaint
-- cascades, whose root post scored a complaint, so a complaint that came in a follow-up to the
-- customer's own question, or in a reply or quote inside another customer's cascade, is in
-- none. Counted for the queue's caption, from the care_requests mart and the cascades table.
WITH unanswered AS (
    SELECT r.request_id
    FROM care_requests AS r
    WHERE r.is_complaint AND r.first_response_at IS NULL
      AND (len($brands) = 0 OR list_contains($brands, r.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, r.platform))
      AND (len($pages) = 0 OR list_contains($pages, r.page))
      AND ($start_at IS NULL OR r.requested_at >= $start_at)
      AND ($end_at IS NULL OR r.requested_at < $end_at)
),

-- an anti join, not NOT IN: a NULL root_id (the column allows one) made NOT IN count nothing
final AS (
    SELECT count(*) AS unlisted
    FROM unanswered
    ANTI JOIN (SELECT root_id FROM cascades WHERE is_complaint AND NOT answered) AS listed
      ON listed.root_id = unanswered.request_id
)

SELECT * FROM final
