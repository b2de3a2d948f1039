-- name: find-owners
-- The profile of each identifier ($2 kinds, $3 values) and whether that profile is known: it has an
-- identifier other than an anonymous id. One row per identifier found.
SELECT i.kind, i.value, i.profile_id,
  EXISTS (SELECT 1 FROM identities k WHERE k.workspace_id = $1 AND k.profile_id = i.profile_id AND k.kind <> 'anonymous_id') AS known
FROM identities i JOIN unnest($2::text[], $3::text[]) AS u(kind, value) ON i.kind = u.kind AND i.value = u.value
WHERE i.workspace_id = $1;

-- name: lock-profiles
-- The two profiles of a merge, locked in id order (two single-profile locks); returns those that exist.
SELECT profile_id, external_id, attributes FROM profiles WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])
ORDER BY profile_id FOR UPDATE;

-- name: add-identity
-- Alias: gives profile $2 one more identifier ($3 kind, $4 value). Nothing is returned when it was taken meanwhile.
INSERT INTO identities (workspace_id, kind, value, profile_id, created_at) VALUES ($1, $3, $4, $2, $5)
ON CONFLICT DO NOTHING RETURNING profile_id;

-- name: take-identities
-- Merge: removes the merged profile's ($2) identifiers and returns them, to be inserted for the survivor.
DELETE FROM identities WHERE workspace_id = $1 AND profile_id = $2 RETURNING kind, value, created_at;

-- name: give-identities
-- Merge: the merged profile's identifiers, now the survivor's ($2).
INSERT INTO identities (workspace_id, kind, value, profile_id, created_at)
SELECT $1, k, v, $2, c FROM unnest($3::text[], $4::text[], $5::timestamptz[]) AS u(k, v, c);

-- name: move-events
-- Merge: copies the events of $2 to $3 (a message id the survivor already has is kept once) and returns
-- the distinct names moved. The rows of $2 are deleted by delete-events.
WITH moved AS (
  INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at)
  SELECT workspace_id, $3, message_id, name, ts, properties, context, received_at FROM events
  WHERE workspace_id = $1 AND profile_id = $2
  ON CONFLICT DO NOTHING
  RETURNING name
)
SELECT count(*)::int AS n, coalesce(array_agg(DISTINCT name), '{}') AS names FROM moved;

-- name: delete-events
-- Merge: the merged profile's events, after move-events.
DELETE FROM events WHERE workspace_id = $1 AND profile_id = $2;

-- name: move-tags
-- Merge: the tags of $2 onto $3; returns how many were new to $3.
WITH moved AS (
  INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at)
  SELECT workspace_id, $3, tag_id, added_at FROM profile_tags WHERE workspace_id = $1 AND profile_id = $2
  ON CONFLICT DO NOTHING RETURNING 1
), d AS (DELETE FROM profile_tags WHERE workspace_id = $1 AND profile_id = $2)
SELECT count(*)::int AS n FROM moved;

-- name: move-lists
-- Merge: the list memberships of $2 onto $3; returns how many were new to $3.
WITH moved AS (
  INSERT INTO list_members (workspace_id, profile_id, list_id, added_at)
  SELECT workspace_id, $3, list_id, added_at FROM list_members WHERE workspace_id = $1 AND profile_id = $2
  ON CONFLICT DO NOTHING RETURNING 1
), d AS (DELETE FROM list_members WHERE workspace_id = $1 AND profile_id = $2)
SELECT count(*)::int AS n FROM moved;

-- name: move-consents
-- Merge: the consent of $2 onto $3, channel by channel; the more recent record of a channel wins.
WITH moved AS (
  INSERT INTO consents AS c (workspace_id, profile_id, channel, status, source, updated_at)
  SELECT workspace_id, $3, channel, status, source, updated_at FROM consents WHERE workspace_id = $1 AND profile_id = $2
  ON CONFLICT (workspace_id, profile_id, channel) DO UPDATE SET status = excluded.status, source = excluded.source, updated_at = excluded.updated_at
    WHERE excluded.updated_at > c.updated_at
  RETURNING 1
), d AS (DELETE FROM consents WHERE workspace_id = $1 AND profile_id = $2)
SELECT count(*)::int AS n FROM moved;

-- name: move-privacy-log
-- Merge: the privacy log of $2 onto $3 (append-only history; ids are unique).
WITH moved AS (
  INSERT INTO privacy_log (workspace_id, profile_id, id, kind, channel, old_value, new_value, source, actor_kind, actor_id, note, at)
  SELECT workspace_id, $3, id, kind, channel, old_value, new_value, source, actor_kind, actor_id, note, at FROM privacy_log
  WHERE workspace_id = $1 AND profile_id = $2
  RETURNING 1
), d AS (DELETE FROM privacy_log WHERE workspace_id = $1 AND profile_id = $2)
SELECT count(*)::int AS n FROM moved;

-- name: merge-attributes
-- Merge: the survivor ($2) keeps its attributes and takes those it lacks from $3 (a JSON object); the
-- earlier created_at and the later last_seen_at win.
UPDATE profiles SET attributes = $3::jsonb || attributes
  || jsonb_strip_nulls(jsonb_build_object(
    'created_at', least(attributes ->> 'created_at', $3::jsonb ->> 'created_at'),
    'last_seen_at', greatest(attributes ->> 'last_seen_at', $3::jsonb ->> 'last_seen_at'))),
  created_at = least(created_at, $4), updated_at = $5
WHERE workspace_id = $1 AND profile_id = $2;

-- name: delete-profile
-- Merge, last step: the merged profile's row.
DELETE FROM profiles WHERE workspace_id = $1 AND profile_id = $2;

-- name: insert-merge
-- The record of a merge.
INSERT INTO profile_merges (workspace_id, profile_id, merged_profile_id, reason, moved, merged_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: list-merges
-- The merges into a profile, newest first.
SELECT merged_profile_id, reason, moved, merged_at FROM profile_merges WHERE workspace_id = $1 AND profile_id = $2 ORDER BY merged_at DESC;
