-- Whether a cascades row is an open complaint, the care queue's (risk_cascades.sql), its
-- counts' (risk_open_high.sql) and its other-complaints count's (risk_author_open_complaints
-- and _all): a fragment, not a query (a condition on unqualified cascades columns, put in by
-- app.queries.sql_text where a query names it on a line alone). A complaint cascade no brand
-- account answered, of a brand (one of no brand, its file naming none and no thread giving it
-- one, no brand's care team can answer: the Ghost Town counts no request of it either), and
-- its root not deleted by its author (deleted_mentions: a later complete export of its page
-- lacked it), as no agent can answer that. etl.cascade_metrics.care_queue is the reference.
(is_complaint AND NOT answered AND brand IS NOT NULL
 AND root_id NOT IN (SELECT mention_id FROM deleted_mentions))
