-- The quarter-hour slots (dash_mention_slots, dash_complaint_slots) of the sidebar's brands,
-- platforms and pages in the chosen dates ($start_at, $end_at; NULL: open): a fragment, not a
-- query, the WHERE of the *_slots.sql queries that read the chosen dates, put in by
-- app.queries.sql_text where a query names it on a line alone after its FROM.
{chosen_brands_platforms_pages}
      AND ($start_at IS NULL OR slot_at >= $start_at)
      AND ($end_at IS NULL OR slot_at < $end_at)
