-- Which of the mentions with ids in $ids the demo generator made (`python -m etl demo` names
-- its files demo:...): their posts are fictional, so no link may be built from their ids
-- (app/demo_links.py). Asked only of a warehouse holding both the demo's loads and others, for a
-- list's rows only. The ids as a subquery, not list_contains: an export's tens of thousands of
-- ids made list_contains compare each mention with every id, where this is one hash semi-join.
SELECT mention_id
FROM mentions
WHERE mention_id IN (SELECT unnest($ids))
  AND load_id IN (SELECT load_id FROM loads WHERE starts_with(file, 'demo:'))
