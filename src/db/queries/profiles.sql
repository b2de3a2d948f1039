-- name: find-identities
-- Identity resolution for a whole write: which profile each (kind, value) pair belongs to (pairs distinct).
-- Each pair is one primary-key lookup however many identities exist: the LATERAL subquery's LIMIT 1 (the
-- key is unique, so it changes no answer) keeps the planner from turning it into a hash join over all
-- of the workspace's identities, which it did with a large batch and stale statistics (an import ran
-- slower with every batch). The answer is one JSON array of [kind, value, profile_id] (one row to decode
-- instead of a thousand).
SELECT coalesce(json_agg(json_build_array(u.kind, u.value, i.profile_id)), '[]') AS found
FROM unnest($2::text[], $3::text[]) AS u(kind, value)
CROSS JOIN LATERAL (
  SELECT i.profile_id FROM identities i WHERE i.workspace_id = $1 AND i.kind = u.kind AND i.value = u.value LIMIT 1
) i;

-- name: get-external-ids
-- The external id of each of these profiles (null when it has none).
SELECT profile_id, external_id FROM profiles WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]);

-- name: insert-identities
-- New identifiers (arrays of equal length, sorted so that concurrent writers lock in one order).
-- Returns how many were inserted (one row, not a row per identifier); fewer than given means one was
-- taken by a concurrent write.
WITH inserted AS (
  INSERT INTO identities (workspace_id, kind, value, profile_id, created_at)
  SELECT $1, k, v, p, $5 FROM unnest($2::text[], $3::text[], $4::uuid[]) AS u(k, v, p)
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS n FROM inserted;

-- name: set-external-ids
-- Gives existing profiles their external id, unless a concurrent write gave them another one.
-- (profile_id = ANY: the profiles are found by primary key, never by a join over all of them.)
UPDATE profiles p SET external_id = u.x
FROM unnest($2::uuid[], $3::text[]) AS u(id, x)
WHERE p.workspace_id = $1 AND p.profile_id = ANY($2::uuid[]) AND p.profile_id = u.id AND (p.external_id IS NULL OR p.external_id = u.x)
RETURNING p.profile_id;

-- name: insert-profiles
-- New profiles with their first attributes (arrays of equal length).
INSERT INTO profiles (workspace_id, profile_id, external_id, attributes, created_at, updated_at)
SELECT $1, id, x, a, $5, $5 FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS u(id, x, a);

-- name: update-profiles
-- Merges attribute patches (a null value removes the attribute) and moves last_seen_at forward, in one
-- statement: attributes = attributes || patch never loses a concurrent write. A row is only written when
-- it changes. Returns one row: the 0-based positions of the profiles that did not change (usually none).
-- ISO instants in UTC compare as "C" text. (The patch expression is repeated: an UPDATE's FROM items can
-- not see the target row. profile_id = ANY bounds the scan of profiles by the batch: without it a large
-- batch could be planned as a hash join over all of the workspace's profiles.)
WITH u AS (
  SELECT * FROM unnest($2::uuid[], $3::jsonb[], $4::text[]) WITH ORDINALITY AS u(id, patch, seen, i)
), changed AS (
  UPDATE profiles p
  SET attributes = CASE WHEN u.patch = '{}'::jsonb THEN p.attributes ELSE jsonb_strip_nulls(p.attributes || u.patch) END
        || CASE WHEN u.seen COLLATE "C" > coalesce(p.attributes ->> 'last_seen_at', '') COLLATE "C"
             THEN jsonb_build_object('last_seen_at', u.seen) ELSE '{}'::jsonb END,
      updated_at = $5
  FROM u
  WHERE p.workspace_id = $1 AND p.profile_id = ANY($2::uuid[]) AND p.profile_id = u.id
    AND (u.seen COLLATE "C" > coalesce(p.attributes ->> 'last_seen_at', '') COLLATE "C"
      OR (u.patch <> '{}'::jsonb AND jsonb_strip_nulls(p.attributes || u.patch) <> p.attributes))
  RETURNING p.profile_id
)
SELECT coalesce(array_agg((u.i - 1)::int), '{}') AS unchanged
FROM u WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.profile_id = u.id);

-- name: lock-profile
-- One profile, locked for the rest of the transaction (single-profile writes).
SELECT profile_id FROM profiles WHERE workspace_id = $1 AND profile_id = $2 FOR UPDATE;

-- name: get-profile
-- One profile with its tags, lists and consent (co-located with the profile).
SELECT p.profile_id AS id, p.external_id, p.attributes, p.created_at, p.updated_at,
  ARRAY(SELECT t.name FROM profile_tags pt JOIN tags t ON t.id = pt.tag_id
        WHERE pt.workspace_id = p.workspace_id AND pt.profile_id = p.profile_id ORDER BY t.name) AS tags,
  coalesce((SELECT jsonb_agg(jsonb_build_object('id', l.id, 'name', l.name) ORDER BY l.name)
        FROM list_members m JOIN lists l ON l.id = m.list_id
        WHERE m.workspace_id = p.workspace_id AND m.profile_id = p.profile_id), '[]'::jsonb) AS lists,
  coalesce((SELECT jsonb_object_agg(c.channel, jsonb_build_object('status', c.status, 'source', c.source, 'updated_at', c.updated_at))
        FROM consents c WHERE c.workspace_id = p.workspace_id AND c.profile_id = p.profile_id), '{}'::jsonb) AS consent
FROM profiles p
WHERE p.workspace_id = $1 AND p.profile_id = $2;

-- name: get-profile-core
-- One profile without its memberships.
SELECT profile_id AS id, external_id, attributes, created_at, updated_at FROM profiles WHERE workspace_id = $1 AND profile_id = $2;

-- name: get-identifiers
-- The identifiers of these profiles.
SELECT profile_id, kind, value FROM identities WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY kind, value;

-- name: list-profiles
-- A page of profiles in creation order (uuid v7), after the cursor ($2, null for the first page).
SELECT profile_id AS id, external_id, attributes, created_at, updated_at FROM profiles
WHERE workspace_id = $1 AND ($2::uuid IS NULL OR profile_id > $2)
ORDER BY profile_id LIMIT $3;

-- name: search-profiles
-- Like list-profiles, for profiles with an identifier starting with $4, $5 (its lower-case form) or $6 (its
-- E.164 form, null unless it looks like a phone number), or a first name, last name or full name starting
-- with $5, case-insensitive. $4, $5 and $6 are LIKE patterns with their wildcards escaped and a trailing %.
SELECT profile_id AS id, external_id, attributes, created_at, updated_at FROM profiles p
WHERE p.workspace_id = $1 AND ($2::uuid IS NULL OR p.profile_id > $2)
  AND (p.profile_id IN (SELECT i.profile_id FROM identities i WHERE i.workspace_id = $1 AND (i.value LIKE $4 OR i.value LIKE $5 OR i.value LIKE $6))
    OR lower(p.attributes ->> 'first_name') LIKE $5
    OR lower(p.attributes ->> 'last_name') LIKE $5
    OR lower(concat_ws(' ', p.attributes ->> 'first_name', p.attributes ->> 'last_name')) LIKE $5)
ORDER BY p.profile_id LIMIT $3;

-- name: delete-profile
-- Erase, step 1: the profile row (locks it; nothing is returned when there is no such profile).
DELETE FROM profiles WHERE workspace_id = $1 AND profile_id = $2 RETURNING profile_id;

-- name: delete-identities
-- Erase: the profile's identifiers; returns how many.
WITH d AS (DELETE FROM identities WHERE workspace_id = $1 AND profile_id = $2 RETURNING 1) SELECT count(*) AS n FROM d;

-- name: delete-events
-- Erase: the profile's events; returns how many.
WITH d AS (DELETE FROM events WHERE workspace_id = $1 AND profile_id = $2 RETURNING 1) SELECT count(*) AS n FROM d;

-- name: delete-tags
-- Erase: the profile's tags; returns how many.
WITH d AS (DELETE FROM profile_tags WHERE workspace_id = $1 AND profile_id = $2 RETURNING 1) SELECT count(*) AS n FROM d;

-- name: delete-list-memberships
-- Erase: the profile's list memberships; returns how many.
WITH d AS (DELETE FROM list_members WHERE workspace_id = $1 AND profile_id = $2 RETURNING 1) SELECT count(*) AS n FROM d;

-- name: delete-consents
-- Erase: the profile's consent records; returns how many.
WITH d AS (DELETE FROM consents WHERE workspace_id = $1 AND profile_id = $2 RETURNING 1) SELECT count(*) AS n FROM d;

-- name: profiles-by-ids
-- The profiles with these ids (a page of filter matches), by id.
SELECT profile_id AS id, external_id, attributes, created_at, updated_at FROM profiles
WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])
ORDER BY profile_id;

-- name: profile-csv-rows
-- The CSV export columns of these profiles, by id.
SELECT profile_id AS id, external_id, attributes->>'email' AS email, attributes->>'phone' AS phone,
  attributes->>'first_name' AS first_name, attributes->>'last_name' AS last_name,
  attributes->>'city' AS city, attributes->>'country' AS country, created_at
FROM profiles WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])
ORDER BY profile_id;
