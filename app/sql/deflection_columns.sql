-- A deflection list's columns from the platform on, the audit's (audit_deflections.sql) and the
-- Ghost Town's (care_deflections.sql) alike, so the two lists read alike: a fragment, not a
-- query (put in by app.queries.sql_text where a query names it on a line alone, as the last
-- of its SELECT list), over the rows `deflected` and the texts `answered` and `response`.
        deflected.platform,
        deflected.page,
        deflected.requested_at,
        answered.text AS answered_text,
        deflected.answered_message_id AS answered_id,
        deflected.first_response_id AS response_id,
        deflected.first_response_at AS responded_at,
        deflected.response_minutes,  -- not rounded here: DuckDB's round took 4,055.35 up where the
                                     -- report and the grid print 4,055.3 (the float is 4055.3499...)
        response.text AS response_text
