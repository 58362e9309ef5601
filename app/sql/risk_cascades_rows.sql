-- The cascades rows risk_cascades.sql and risk_cascades_cut.sql rank: those of the sidebar's
-- selection (cascade_selection.sql) and, with $open_only (the care queue), the open complaints
-- only (open_complaint.sql). A fragment, not a query: it stands after `FROM cascades AS c`; a
-- query's own conditions follow it with AND.
{cascade_selection}
      AND (NOT $open_only OR
{open_complaint}
      )
