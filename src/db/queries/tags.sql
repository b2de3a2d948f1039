-- name: insert-tag
-- A new tag; no row back when the name is taken.
INSERT INTO tags (id, workspace_id, name, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING id, name, created_at;

-- name: get-tag
-- One tag of the workspace.
SELECT id, name, created_at FROM tags WHERE workspace_id = $1 AND id = $2;

-- name: list-tags
-- Every tag of the workspace with its profile count, by name.
SELECT t.id, t.name, t.created_at, coalesce(c.n, 0) AS profile_count
FROM tags t
LEFT JOIN (SELECT tag_id, count(*) AS n FROM profile_tags WHERE workspace_id = $1 GROUP BY tag_id) c ON c.tag_id = t.id
WHERE t.workspace_id = $1
ORDER BY t.name, t.id;

-- name: count-profiles
-- How many profiles have the tag.
SELECT count(*) AS n FROM profile_tags WHERE workspace_id = $1 AND tag_id = $2;

-- name: record-tag-changes
-- A change record for every tagged profile (tag deleted), without loading them: insert-select in the database.
INSERT INTO profile_changes (workspace_id, profile_id, kind, names, created_at)
SELECT workspace_id, profile_id, 'tags', $3::text[], $4 FROM profile_tags WHERE workspace_id = $1 AND tag_id = $2;

-- name: untag-all
-- Removes the tag from every profile.
DELETE FROM profile_tags WHERE workspace_id = $1 AND tag_id = $2;

-- name: delete-tag
-- Deletes a tag (after untag-all).
DELETE FROM tags WHERE workspace_id = $1 AND id = $2;

-- name: tag-profiles
-- Tags known profiles; returns the ones that did not have the tag.
INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at)
SELECT $1, p, $2, $4 FROM unnest($3::uuid[]) AS p
ON CONFLICT DO NOTHING
RETURNING profile_id;

-- name: untag-profiles
-- Removes the tag from profiles; returns the ones that had it.
DELETE FROM profile_tags WHERE workspace_id = $1 AND tag_id = $2 AND profile_id = ANY($3::uuid[])
RETURNING profile_id;
