-- Influencer complaints: customer complaint mentions of the selection by the authors with the
-- most followers (one row per mention, most-followed authors first), with whether the
-- request it opened was answered by a brand account, at most $limit rows.
-- From the dash_care_complaints mart (complaint mentions, not by brands, not shares); the
-- text and the request's response are read for the $limit rows kept only.
WITH complaints AS (
    SELECT *
    FROM dash_care_complaints
    WHERE (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
      AND (len($pages) = 0 OR list_contains($pages, page))
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
),

top AS (
    SELECT *
    FROM complaints
    ORDER BY author_followers DESC NULLS LAST, created_at DESC, mention_id
    LIMIT $limit
),

final AS (
    SELECT
        top.mention_id, top.brand, top.platform, top.page, top.author_id, top.author_handle,
        top.author_followers, top.created_at, top.kind, top.complaint_reason, m.text,
        requests.first_response_at
    FROM top
    -- the same mention (id and time: the time lets DuckDB skip most of mentions)
    JOIN mentions AS m ON m.mention_id = top.mention_id AND m.created_at = top.created_at
    -- the request a mention opened starts at the mention's time
    LEFT JOIN care_requests AS requests
      ON requests.request_id = top.mention_id AND requests.requested_at = top.created_at
)

SELECT * FROM final
ORDER BY author_followers DESC NULLS LAST, created_at DESC, mention_id
