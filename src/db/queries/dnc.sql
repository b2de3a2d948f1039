-- name: insert-entries
-- Adds entries (arrays of equal length); an entry already on the list (same contact, channel, sender) is skipped. Returns the new ids.
INSERT INTO dnc_entries (id, workspace_id, contact, contact_kind, channel, sender, source, added_at)
SELECT id, $1, contact, kind, channel, sender, source, $2
FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(id, contact, kind, channel, sender, source)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: get-entry
-- One entry of the workspace.
SELECT id, contact, contact_kind, channel, sender, source, added_at FROM dnc_entries WHERE workspace_id = $1 AND id = $2;

-- name: delete-by-ids
-- Removes entries by id; returns what was removed.
DELETE FROM dnc_entries WHERE workspace_id = $1 AND id = ANY($2::uuid[])
RETURNING id, contact, channel;

-- name: delete-by-contacts
-- Removes every entry of these (normalised) contacts; returns what was removed.
DELETE FROM dnc_entries WHERE workspace_id = $1 AND contact = ANY($2::text[])
RETURNING id, contact, channel;

-- name: entries-for-contacts
-- The entries of these (normalised) contacts: is a contact on the list, for which channels.
SELECT id, contact, contact_kind, channel, sender, source, added_at FROM dnc_entries
WHERE workspace_id = $1 AND contact = ANY($2::text[])
ORDER BY contact, added_at, id;

-- name: profiles-with-contacts
-- Profiles whose email or phone attribute is one of these contacts (their DNC status changed).
SELECT profile_id, attributes->>'email' AS email, attributes->>'phone' AS phone FROM profiles
WHERE workspace_id = $1 AND (attributes->>'email' = ANY($2::text[]) OR attributes->>'phone' = ANY($3::text[]));
