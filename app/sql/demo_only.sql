-- Whether every load behind the published data is the demo generator's (`python -m etl demo`
-- names its files demo:...): the dashboard then says its brands and people are fictional.
SELECT count(*) > 0 AND bool_and(starts_with(file, 'demo:')) AS demo_only
FROM loads
WHERE status <> 'failed'
