-- When each mention of $ids (the messages a week's top risks quote) was noticed missing from a
-- later complete export of its page (deleted_mentions: its author deleted it), for those deleted:
-- read as of now, whatever week is shown, so a stored week's rows stay as they were and the page
-- says what became of them since.
SELECT mention_id, noticed_at
FROM deleted_mentions
WHERE list_contains($ids, mention_id)
