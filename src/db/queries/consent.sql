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

-- name: import-consents
-- Consent from a file import, many profiles at once (arrays of equal length, at most one row per profile and
-- channel, sorted by profile): sets what differs — except that an import never re-subscribes someone who
-- unsubscribed — and appends a privacy-log line for each change (source 'import'). Returns the changes.
-- The conflict clause checks again against the row as committed, so a concurrent unsubscribe is never undone.
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[]) AS u(profile_id, channel, status, log_id)
), todo AS (
  SELECT i.profile_id, i.channel, i.status, i.log_id, coalesce(c.status, 'none') AS old_status
  FROM input i
  LEFT JOIN consents c ON c.workspace_id = $1 AND c.profile_id = i.profile_id AND c.channel = i.channel
  WHERE c.status IS DISTINCT FROM i.status AND NOT (coalesce(c.status, 'none') = 'unsubscribed' AND i.status = 'subscribed')
), written AS (
  INSERT INTO consents (workspace_id, profile_id, channel, status, source, updated_at)
  SELECT $1, profile_id, channel, status, 'import', $6 FROM todo
  ON CONFLICT (workspace_id, profile_id, channel) DO UPDATE
  SET status = EXCLUDED.status, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
  WHERE consents.status <> EXCLUDED.status AND NOT (consents.status = 'unsubscribed' AND EXCLUDED.status = 'subscribed')
  RETURNING profile_id, channel
), logged AS (
  INSERT INTO privacy_log (workspace_id, profile_id, id, kind, channel, old_value, new_value, source, actor_kind, actor_id, note, at)
  SELECT $1, t.profile_id, t.log_id, 'consent', t.channel, t.old_status, t.status, 'import', $7, $8, $9, $6
  FROM todo t JOIN written w ON w.profile_id = t.profile_id AND w.channel = t.channel
  RETURNING profile_id, channel
)
SELECT profile_id, channel FROM logged;
