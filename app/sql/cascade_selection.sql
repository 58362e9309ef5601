-- The cascades whose root is in the sidebar's selection, for risk_cascades.sql, risk_open_high.sql,
-- risk_cost_of_silence.sql and risk_any_cascade.sql: a fragment, not a query. It stands after `FROM cascades AS c`,
-- put there by app.queries.sql_text where a query names it on a line alone; a query's own
-- conditions follow it with AND. Brand and platform ($brands, $platforms; empty: all), the
-- root's page ($pages: a semi-join on mentions, read only when pages are chosen) and the root
-- created in the window ($start_at, $end_at; NULL: open).
    WHERE (len($brands) = 0 OR list_contains($brands, c.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, c.platform))
      AND (len($pages) = 0
           OR c.root_id IN (SELECT mention_id FROM mentions WHERE list_contains($pages, page)))
      AND ($start_at IS NULL OR c.root_created_at >= $start_at)
      AND ($end_at IS NULL OR c.root_created_at < $end_at)
