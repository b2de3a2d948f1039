-- name: insert-list
-- A new list; no row back when the name is taken.
INSERT INTO lists (id, workspace_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT DO NOTHING
RETURNING id, name, description, created_at, updated_at;

-- name: get-list
-- One list of the workspace.
SELECT id, name, description, created_at, updated_at FROM lists WHERE workspace_id = $1 AND id = $2;

-- name: name-taken
-- Whether another list of the workspace has this name.
SELECT 1 AS one FROM lists WHERE workspace_id = $1 AND name = $2 AND id <> $3;

-- name: list-lists
-- Every list of the workspace with its member count, by name.
SELECT l.id, l.name, l.description, l.created_at, l.updated_at, coalesce(c.n, 0) AS member_count
FROM lists l
LEFT JOIN (SELECT list_id, count(*) AS n FROM list_members WHERE workspace_id = $1 GROUP BY list_id) c ON c.list_id = l.id
WHERE l.workspace_id = $1
ORDER BY l.name, l.id;

-- name: update-list
-- Renames a list or changes its description ($5: whether a description was given; null clears it).
UPDATE lists SET name = coalesce($3, name), description = CASE WHEN $5::boolean THEN $4 ELSE description END, updated_at = $6
WHERE workspace_id = $1 AND id = $2
RETURNING id, name, description, created_at, updated_at;

-- name: delete-list
-- Deletes a list (its members first, with delete-members).
DELETE FROM lists WHERE workspace_id = $1 AND id = $2;

-- name: count-members
-- How many profiles are in the list.
SELECT count(*) AS n FROM list_members WHERE workspace_id = $1 AND list_id = $2;

-- name: record-member-changes
-- A change record for every member (rename, delete), without loading the members: insert-select in the database.
INSERT INTO profile_changes (workspace_id, profile_id, kind, names, created_at)
SELECT workspace_id, profile_id, 'lists', $3::text[], $4 FROM list_members WHERE workspace_id = $1 AND list_id = $2;

-- name: delete-members
-- Empties a list.
DELETE FROM list_members WHERE workspace_id = $1 AND list_id = $2;

-- name: add-members
-- Adds known profiles; returns the ones that were not members yet.
INSERT INTO list_members (workspace_id, profile_id, list_id, added_at)
SELECT $1, p, $2, $4 FROM unnest($3::uuid[]) AS p
ON CONFLICT DO NOTHING
RETURNING profile_id;

-- name: remove-members
-- Removes profiles; returns the ones that were members.
DELETE FROM list_members WHERE workspace_id = $1 AND list_id = $2 AND profile_id = ANY($3::uuid[])
RETURNING profile_id;

-- name: page-members
-- A page of members with the profile fields people recognise, by profile id after a cursor (null: the first page).
SELECT m.profile_id, p.external_id, p.attributes->>'email' AS email, p.attributes->>'phone' AS phone,
  p.attributes->>'first_name' AS first_name, p.attributes->>'last_name' AS last_name, m.added_at
FROM list_members m
JOIN profiles p ON p.workspace_id = m.workspace_id AND p.profile_id = m.profile_id
WHERE m.workspace_id = $1 AND m.list_id = $2 AND ($3::uuid IS NULL OR m.profile_id > $3::uuid)
ORDER BY m.profile_id
LIMIT $4;
