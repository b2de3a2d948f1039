-- name: list-attributes
-- A workspace's custom attributes, by name.
SELECT name, type, label, created_at FROM attributes WHERE workspace_id = $1 ORDER BY name;

-- name: get-attributes
-- Custom attributes of a workspace among these names.
SELECT name, type, label, created_at FROM attributes WHERE workspace_id = $1 AND name = ANY($2::text[]);

-- name: insert-attributes
-- Declares custom attributes (arrays of equal length); a name that exists already is left as it is.
-- Returns the names actually created.
INSERT INTO attributes (workspace_id, name, type, label, created_at)
SELECT $1, n, t, l, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS u(n, t, l)
ON CONFLICT (workspace_id, name) DO NOTHING
RETURNING name;

-- name: set-attribute-label
-- Changes the label of a custom attribute.
UPDATE attributes SET label = $3 WHERE workspace_id = $1 AND name = $2
RETURNING name, type, label, created_at;
