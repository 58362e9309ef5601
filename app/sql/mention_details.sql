-- The page, author and text of the mentions with ids in $ids: what a list shows of the rows
-- it keeps, read for those rows only. The ids as a list filter let DuckDB skip the parts of
-- mentions whose id range holds none of them (10M mentions, 200 ids: 0.005 s, where joining
-- the kept rows scanned every id: 0.2 s).
SELECT mention_id, page, author_handle, author_followers, text
FROM mentions
WHERE list_contains($ids, mention_id)
