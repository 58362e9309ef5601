-- The customer mentions behind a chart point: filtered mentions created in [$from_at, $to_at),
-- optionally of one brand ($brand), one complaint reason ($reason), complaints only or
-- negative only, newest
-- first, at most $limit rows (NULL: all), with their scores and how many match in all (`matching`).
WITH scoped AS (
    SELECT m.mention_id, m.created_at, m.brand, m.platform, m.page, m.author_handle,
           m.author_followers, m.kind, m.text,
           s.sentiment_label, s.is_complaint, s.complaint_reason
{customer_mentions_chosen}
      AND ($start_at IS NULL OR created_at >= $start_at)
      AND ($end_at IS NULL OR created_at < $end_at)
      AND created_at >= $from_at AND created_at < $to_at
      AND ($brand IS NULL OR m.brand = $brand)
)

SELECT mention_id, created_at, brand, platform, page,
       author_handle, author_followers, kind, sentiment_label, is_complaint, complaint_reason, text,
       count(*) OVER () AS matching
FROM scoped
WHERE ($reason IS NULL OR (is_complaint AND coalesce(complaint_reason, 'unclassified') = $reason))
  AND (NOT $negative_only OR sentiment_label = 'negative')
  AND (NOT $complaints_only OR is_complaint)
ORDER BY created_at DESC, mention_id
LIMIT $limit
