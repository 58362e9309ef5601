-- Per brand, its first $top requests made from $start that no reply answered by $as_of
-- within $horizon hours (pending, or ignored once $horizon hours passed): complaints first,
-- then by the customer's followers (unknown last), then the earliest. $mode 'all' counts
-- every request; 'needs-reply' those needing a reply by $as_of. Read by etl.snapshot._top_risks.
WITH open_requests AS (
    SELECT r.brand, r.request_id, r.author_id, r.author_handle, r.author_followers,
           coalesce(r.is_complaint AND r.complaint_at <= $as_of, false) AS is_complaint,
           r.requested_at, r.complaint_id,
           -- whole seconds crossed, as date_diff('second', ...) counts them, from
           -- epoch microseconds: ICU's calendar arithmetic per request was half the query
           CASE WHEN (fdiv(epoch_us($as_of), 1000000) - fdiv(epoch_us(r.requested_at), 1000000))
                     >= $horizon * 3600
                THEN 'ignored' ELSE 'pending' END AS status
    FROM care_requests r  -- its author's handle and followers: its first message's
    WHERE r.requested_at >= $start AND r.brand_known_at <= $as_of
      AND ($mode = 'all' OR r.needs_reply_at <= $as_of)
      AND (r.first_response_at IS NULL OR r.first_response_at > $as_of
           OR r.response_minutes > $horizon * 60)
),

-- each brand's first $top in the order below, kept as they come (min_by's n): ranking every
-- open request of the brand by row_number() sorted them all, 0.3-0.4 s of a week at 10M
-- mentions (160,000 requests) against 0.11-0.17 s. The key's fields, in order: complaints
-- first, known followers first, the most followed, the earliest, the request id.
ranked AS (
    SELECT brand, unnest(min_by(
        {'request_id': request_id, 'author_handle': author_handle, 'author_followers': author_followers,
         'is_complaint': is_complaint, 'status': status, 'requested_at': requested_at,
         'complaint_id': CASE WHEN is_complaint THEN complaint_id END},
        {'complaint_last': NOT is_complaint, 'unknown_last': author_followers IS NULL,
         'most_followed': coalesce(-author_followers, 0), 'earliest': requested_at,
         'request_id': request_id}, $top)) AS top
    FROM open_requests
    GROUP BY brand
)
SELECT brand, top.request_id, top.author_handle, top.author_followers, top.is_complaint, top.status,
       top.requested_at, top.complaint_id
FROM ranked
ORDER BY brand, top.is_complaint DESC, top.author_followers DESC NULLS LAST, top.requested_at,
         top.request_id
