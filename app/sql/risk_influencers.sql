-- Influencer complaints: customer complaint mentions of the selection by the authors with the
-- most followers (one row per mention, most-followed authors first), with whether the
-- request it opened was answered by a brand account, at most $limit rows.
WITH complaints AS (
    SELECT m.mention_id, m.brand, m.platform, m.page, m.author_id, m.author_handle,
           m.author_followers, m.created_at, m.kind, scores.complaint_reason, m.text
    FROM mentions AS m
    JOIN mention_scores AS scores USING (mention_id)
    WHERE NOT m.is_brand AND scores.is_complaint
      AND m.kind NOT IN ('share')
      AND (len($brands) = 0 OR list_contains($brands, m.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, m.platform))
      AND (len($pages) = 0 OR list_contains($pages, m.page))
      AND ($start_at IS NULL OR m.created_at >= $start_at)
      AND ($end_at IS NULL OR m.created_at < $end_at)
),

final AS (
    SELECT complaints.*, requests.first_response_at
    FROM complaints
    LEFT JOIN care_requests AS requests ON requests.request_id = complaints.mention_id
)

SELECT * FROM final
ORDER BY author_followers DESC NULLS LAST, created_at DESC, mention_id
LIMIT $limit
