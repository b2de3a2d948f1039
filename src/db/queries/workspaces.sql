-- name: insert-workspace
-- A new workspace.
INSERT INTO workspaces (id, name, timezone, created_at) VALUES ($1, $2, $3, $4)
RETURNING id, name, timezone, settings, created_at;

-- name: get-workspace
-- One workspace by id.
SELECT id, name, timezone, settings, created_at FROM workspaces WHERE id = $1;

-- name: update-workspace
-- Rename, change the time zone or merge settings (null keeps the value).
UPDATE workspaces SET name = coalesce($2, name), timezone = coalesce($3, timezone),
  settings = CASE WHEN $4::jsonb IS NULL THEN settings ELSE settings || $4::jsonb END
WHERE id = $1
RETURNING id, name, timezone, settings, created_at;

-- name: list-workspaces
-- All workspaces, oldest first (CLI).
SELECT id, name, timezone, settings, created_at FROM workspaces ORDER BY created_at, id;

-- name: insert-key
-- A new API key; only its hash is stored.
INSERT INTO api_keys (id, workspace_id, kind, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, workspace_id, kind, name, prefix, created_at, revoked_at;

-- name: find-key-by-hash
-- Authenticates a request: the live key with this hash and its workspace.
SELECT k.id, k.kind, k.workspace_id, w.timezone, w.settings
FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
WHERE k.key_hash = $1 AND k.revoked_at IS NULL;

-- name: list-keys
-- A workspace's keys, without secrets.
SELECT id, workspace_id, kind, name, prefix, created_at, revoked_at FROM api_keys WHERE workspace_id = $1 ORDER BY created_at, id;

-- name: revoke-key
-- Revokes a key of this workspace.
UPDATE api_keys SET revoked_at = $3 WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL
RETURNING id, workspace_id, kind, name, prefix, created_at, revoked_at;
