-- Whether the published data holds the demo generator's loads (`python -m etl demo` names its
-- files demo:...), and whether it holds only those: the dashboard then says its brands and
-- people are fictional, all or some of them.
SELECT
    count(*) FILTER (WHERE starts_with(file, 'demo:')) > 0 AS has_demo,
    count(*) FILTER (WHERE NOT starts_with(file, 'demo:')) = 0 AS demo_only
FROM loads
WHERE status <> 'failed'
