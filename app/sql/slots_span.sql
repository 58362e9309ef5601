-- The first and last quarter hour with a customer mention: the span an open-ended date
-- filter covers, for app/slots.py's time-zone check.
SELECT min(slot_at) AS first_at, max(slot_at) AS last_at
FROM dash_mention_slots
