-- name: lock-profile
-- The profile row, locked, so that concurrent consent writes to one profile are serialised (single-profile query).
SELECT profile_id FROM profiles WHERE workspace_id = $1 AND profile_id = $2 FOR NO KEY UPDATE;

-- name: profile-exists
-- Whether the profile is in the workspace.
SELECT 1 AS one FROM profiles WHERE workspace_id = $1 AND profile_id = $2;

-- name: list-consents
-- The channels a profile was asked about (no row: never asked).
SELECT channel, status, source, updated_at FROM consents WHERE workspace_id = $1 AND profile_id = $2;

-- name: upsert-consent
-- Records a profile's answer on a channel.
INSERT INTO consents (workspace_id, profile_id, channel, status, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (workspace_id, profile_id, channel) DO UPDATE
SET status = EXCLUDED.status, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at;

-- name: insert-log
-- One privacy-log line: what changed (kind, channel, old -> new), how (source), who (actor), when (at).
INSERT INTO privacy_log (workspace_id, profile_id, id, kind, channel, old_value, new_value, source, actor_kind, actor_id, note, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: list-log
-- A profile's privacy log, newest first, after a cursor (the id of the last line of the previous page; null for the first).
SELECT id, kind, channel, old_value, new_value, source, actor_kind, actor_id, note, at
FROM privacy_log
WHERE workspace_id = $1 AND profile_id = $2 AND ($3::uuid IS NULL OR id < $3::uuid)
ORDER BY id DESC
LIMIT $4;
