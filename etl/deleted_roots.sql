-- The mentions their authors deleted (deleted_mentions: a later complete export of the page
-- lacked them) whose deletion was evident by $as_of (an export covering up to $as_of already
-- lacked them; NULL: every one found, as the dashboard's care queue takes them). Read by
-- etl.metrics.deleted_ids for `metrics cascades`' deleted_by_author, so that the care queue's
-- open complaints (app/sql/open_complaint.sql leaves these roots out) can be counted from it.
SELECT mention_id
FROM deleted_mentions
WHERE $as_of IS NULL OR evident_at <= $as_of
