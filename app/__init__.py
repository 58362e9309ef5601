"""The read side: cached queries, figure builders and report rendering for the dashboard.

Pages only lay out widgets and call into this package; nothing here writes to the database
(etl.warehouse owns every write)."""
