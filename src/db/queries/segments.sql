-- name: lock-workspace-segments
-- Serialises segment definition changes of one workspace (two edits could otherwise close a reference cycle together).
SELECT pg_advisory_xact_lock(4242002, hashtext($1::text));

-- name: insert-segment
-- A new segment at version 1.
INSERT INTO segments (id, workspace_id, name, description, rule, predefined, version, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5::jsonb, false, 1, $6, $6)
RETURNING id;

-- name: insert-predefined
-- The predefined segments a workspace lacks (arrays of equal length); idempotent on segments_predefined.
INSERT INTO segments (id, workspace_id, name, description, rule, predefined, version, created_at, updated_at)
SELECT id, $1, name, description, rule, true, 1, $6, $6 FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[]) AS u(id, name, description, rule)
ON CONFLICT DO NOTHING;

-- name: count-predefined
-- How many predefined segments the workspace has.
SELECT count(*) AS n FROM segments WHERE workspace_id = $1 AND predefined;

-- name: list-segments
-- Every segment of the workspace with who uses it (segments and segment_usages are both reference tables).
SELECT s.id, s.name, s.description, s.rule, s.predefined, s.version, s.created_at, s.updated_at,
  coalesce((SELECT jsonb_agg(jsonb_build_object('kind', u.user_kind, 'id', u.user_id, 'name', u.user_name, 'active', u.active)
      ORDER BY u.user_kind, u.user_name, u.user_id)
    FROM segment_usages u WHERE u.workspace_id = s.workspace_id AND u.segment_id = s.id), '[]'::jsonb) AS used_by
FROM segments s
WHERE s.workspace_id = $1;

-- name: get-builds
-- What the stored membership of these segments reflects (segment_builds is coordinator-local: read on its own).
SELECT segment_id, built_version, member_count FROM segment_builds WHERE workspace_id = $1 AND segment_id = ANY($2::uuid[]);

-- name: update-segment
-- Renames, re-describes or re-rules a segment ($5: whether a description was given; null clears it).
-- A rule that really changes moves the version on, which tells the membership worker to rebuild.
UPDATE segments SET
  name = coalesce($3, name),
  description = CASE WHEN $5::boolean THEN $4 ELSE description END,
  version = version + CASE WHEN $6::jsonb IS NOT NULL AND rule IS DISTINCT FROM $6::jsonb THEN 1 ELSE 0 END,
  rule = coalesce($6::jsonb, rule),
  updated_at = $7
WHERE workspace_id = $1 AND id = $2
RETURNING id;

-- name: bump-versions
-- Segments whose meaning changed because a segment they reference changed: rebuild them too.
UPDATE segments SET version = version + 1 WHERE workspace_id = $1 AND id = ANY($2::uuid[]);

-- name: delete-segment
-- Deletes a segment (its build record and usage rows go with it, ON DELETE CASCADE) and records the
-- deletion at $3: the membership worker then exits its stored members in chunks (segment_deletions).
WITH gone AS (DELETE FROM segments WHERE workspace_id = $1 AND id = $2 RETURNING id, workspace_id, name)
INSERT INTO segment_deletions (segment_id, workspace_id, name, deleted_at)
SELECT id, workspace_id, name, $3 FROM gone;

-- name: page-stored-members
-- A page of the stored members of a built segment with the profile fields people recognise, after a cursor (null: the first page).
SELECT m.profile_id, p.external_id, p.attributes->>'email' AS email, p.attributes->>'phone' AS phone,
  p.attributes->>'first_name' AS first_name, p.attributes->>'last_name' AS last_name, m.entered_at
FROM segment_members m
JOIN profiles p ON p.workspace_id = m.workspace_id AND p.profile_id = m.profile_id
WHERE m.workspace_id = $1 AND m.segment_id = $2 AND ($3::uuid IS NULL OR m.profile_id > $3::uuid)
ORDER BY m.profile_id
LIMIT $4;

-- name: profile-cards
-- The fields people recognise of these profiles (members computed by the bulk query), by profile id.
SELECT p.profile_id, p.external_id, p.attributes->>'email' AS email, p.attributes->>'phone' AS phone,
  p.attributes->>'first_name' AS first_name, p.attributes->>'last_name' AS last_name
FROM profiles p
WHERE p.workspace_id = $1 AND p.profile_id = ANY($2::uuid[])
ORDER BY p.profile_id;

-- name: rule-changed
-- Whether a new rule differs from the stored one (jsonb equality: key order and spacing do not count).
SELECT rule IS DISTINCT FROM $3::jsonb AS changed FROM segments WHERE workspace_id = $1 AND id = $2;
