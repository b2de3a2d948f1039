-- Real-time segment membership (src/membership/). Per-profile statements carry workspace_id and
-- profile_id; FOR UPDATE / SKIP LOCKED only on the coordinator-local queues (profile_changes, membership_due).

-- ---------- finding work ----------

-- name: workspaces-with-work
-- Workspaces with change records, due profiles ($1 = now), segments to build or a sweep under way.
-- The distinct workspace ids of the queues are found by skip scans over their (workspace_id, ...) indexes.
WITH RECURSIVE changed AS (
  (SELECT workspace_id FROM profile_changes ORDER BY workspace_id LIMIT 1)
  UNION ALL
  SELECT (SELECT c.workspace_id FROM profile_changes c WHERE c.workspace_id > changed.workspace_id ORDER BY c.workspace_id LIMIT 1)
  FROM changed WHERE changed.workspace_id IS NOT NULL
), due AS (
  (SELECT workspace_id FROM membership_due ORDER BY workspace_id LIMIT 1)
  UNION ALL
  SELECT (SELECT d.workspace_id FROM membership_due d WHERE d.workspace_id > due.workspace_id ORDER BY d.workspace_id LIMIT 1)
  FROM due WHERE due.workspace_id IS NOT NULL
)
SELECT workspace_id FROM changed WHERE workspace_id IS NOT NULL
UNION
SELECT workspace_id FROM due
WHERE workspace_id IS NOT NULL AND EXISTS (SELECT 1 FROM membership_due d WHERE d.workspace_id = due.workspace_id AND d.due_at <= $1)
UNION
SELECT s.workspace_id FROM segments s LEFT JOIN segment_builds b ON b.segment_id = s.id
WHERE b.segment_id IS NULL OR b.built_version < s.version OR b.phase IS NOT NULL
UNION
SELECT workspace_id FROM membership_sweeps
UNION
SELECT workspace_id FROM segment_deletions WHERE finished_at IS NULL;

-- name: try-lock-workspace
-- The workspace's membership lock for this transaction; false when another process holds it.
SELECT pg_try_advisory_xact_lock($1::int, hashtext($2::text)) AS locked;

-- ---------- segment definitions ----------

-- name: definitions-fingerprint
-- Changes whenever anything a workspace's parsed rules depend on changes: its zone, its segments'
-- ids, versions and rules, and its declared attributes (a declared type never changes; new ones add rows).
SELECT w.timezone,
  (SELECT md5(coalesce(string_agg(s.id::text || ':' || s.version || ':' || md5(s.rule::text), ',' ORDER BY s.id), ''))
     FROM segments s WHERE s.workspace_id = w.id) AS segments,
  (SELECT count(*) FROM attributes a WHERE a.workspace_id = w.id) AS attributes
FROM workspaces w WHERE w.id = $1;

-- name: definitions-fingerprints
-- The fingerprint of every workspace with segments, computed as definitions-fingerprint computes it.
SELECT w.id AS workspace_id, w.timezone,
  md5(coalesce(string_agg(s.id::text || ':' || s.version || ':' || md5(s.rule::text), ',' ORDER BY s.id), '')) AS segments,
  (SELECT count(*) FROM attributes a WHERE a.workspace_id = w.id) AS attributes
FROM workspaces w JOIN segments s ON s.workspace_id = w.id
GROUP BY w.id, w.timezone;

-- name: workspace-segments
-- A workspace's segments with their saved rules.
SELECT id, name, rule, version FROM segments WHERE workspace_id = $1 ORDER BY id;

-- name: workspace-attribute-types
-- The workspace's custom attributes and their types.
SELECT name, type FROM attributes WHERE workspace_id = $1;

-- ---------- builds ----------

-- name: workspace-builds
-- Build state of every segment of a workspace.
SELECT segment_id, built_version, rule_hash, target_version, target_hash, phase, cursor, started_at
FROM segment_builds WHERE workspace_id = $1;

-- name: start-builds
-- Starts (or restarts) the build of segments ($2 ids, $3 versions, $4 hashes) at $5: page through the
-- bulk query from the first profile. A segment seen for the first time gets its row. A segment deleted
-- since the definitions were read is left out (its row would break the foreign key).
INSERT INTO segment_builds AS b (segment_id, workspace_id, target_version, target_hash, phase, cursor, started_at)
SELECT t.s, $1, t.v, t.h, 'members', NULL, $5 FROM unnest($2::uuid[], $3::int[], $4::text[]) AS t(s, v, h)
WHERE EXISTS (SELECT 1 FROM segments g WHERE g.id = t.s)
ON CONFLICT (segment_id) DO UPDATE SET
  target_version = excluded.target_version, target_hash = excluded.target_hash,
  phase = 'members', cursor = NULL, started_at = excluded.started_at;

-- name: advance-build
-- The members phase went past profile $2 (or finished: $3 = 'seed' or NULL with $2 NULL).
UPDATE segment_builds SET cursor = $2, phase = $3 WHERE segment_id = $1;

-- name: finish-builds
-- Builds done ($1 ids, $2 the hashes they were started for; a segment edited since is left alone):
-- the stored membership now reflects the target rule.
UPDATE segment_builds b SET built_version = b.target_version, rule_hash = b.target_hash, built_at = b.started_at,
  target_version = NULL, target_hash = NULL, phase = NULL, cursor = NULL, started_at = NULL
FROM unnest($1::uuid[], $2::text[]) AS t(s, h)
WHERE b.segment_id = t.s AND b.target_hash = t.h AND b.phase IS NOT DISTINCT FROM $3::text;

-- name: members-in-range
-- Stored members of a segment with $3 < profile_id <= $4, in order.
SELECT profile_id FROM segment_members
WHERE workspace_id = $1 AND segment_id = $2 AND profile_id > $3 AND profile_id <= $4
ORDER BY profile_id;

-- name: get-sweep
-- The due-instant sweep under way in a workspace, if any.
SELECT segments, cursor, started_at FROM membership_sweeps WHERE workspace_id = $1;

-- name: start-sweep
-- Starts a sweep for segments $2 (jsonb [{ id, hash }]).
INSERT INTO membership_sweeps (workspace_id, segments, cursor, started_at) VALUES ($1, $2::jsonb, NULL, $3);

-- name: advance-sweep
-- The sweep went past profile $2.
UPDATE membership_sweeps SET cursor = $2 WHERE workspace_id = $1;

-- name: end-sweep
-- The sweep is done.
DELETE FROM membership_sweeps WHERE workspace_id = $1;

-- name: sweep-candidates
-- The next profiles after $2 whose answer can change with the clock for some swept segment: those
-- with one of the attributes $3 or an event named in $4. Keyset order.
SELECT p.profile_id FROM profiles p
WHERE p.workspace_id = $1 AND p.profile_id > $2
  AND (p.attributes ?| $3::text[]
    OR EXISTS (SELECT 1 FROM events e WHERE e.workspace_id = p.workspace_id AND e.profile_id = p.profile_id AND e.name = ANY($4::text[])))
ORDER BY p.profile_id LIMIT $5;

-- ---------- deleted segments ----------

-- name: pending-deletion
-- The workspace's oldest deleted segment whose members have not all exited yet.
SELECT segment_id, cursor FROM segment_deletions
WHERE workspace_id = $1 AND finished_at IS NULL
ORDER BY deleted_at, segment_id
LIMIT 1;

-- name: members-after
-- Up to $4 stored members of a segment after profile $3, in order (segment_members_segment).
SELECT profile_id FROM segment_members
WHERE workspace_id = $1 AND segment_id = $2 AND profile_id > $3
ORDER BY profile_id
LIMIT $4;

-- name: advance-deletion
-- A deleted segment's members up to profile $2 have exited; $3 (not null) when they all have.
UPDATE segment_deletions SET cursor = $2, finished_at = $3 WHERE segment_id = $1;

-- name: deleted-leftovers
-- Stored members of the workspace's segments deleted and done exiting (none should be left), by segment.
SELECT d.segment_id, d.name, m.profile_id
FROM segment_deletions d
JOIN segment_members m ON m.workspace_id = d.workspace_id AND m.segment_id = d.segment_id
WHERE d.workspace_id = $1 AND d.finished_at IS NOT NULL AND ($2::uuid IS NULL OR d.segment_id = $2)
ORDER BY d.segment_id, m.profile_id;

-- ---------- queues ----------

-- name: claim
-- Claims, in the caller's transaction (a crash before commit puts them back), up to $2 change records
-- of a workspace, oldest first, and up to $4 of its profiles due at $3 or earlier, earliest first; in one
-- statement. Due rows come back with kind 'due'. `= ANY(ARRAY(...))` keeps each delete a key lookup.
WITH changes AS (
  DELETE FROM profile_changes WHERE id = ANY(ARRAY(
    SELECT id FROM profile_changes WHERE workspace_id = $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED))
  RETURNING id, profile_id, kind, names
), due AS (
  DELETE FROM membership_due WHERE workspace_id = $1 AND profile_id = ANY(ARRAY(
    SELECT profile_id FROM membership_due WHERE workspace_id = $1 AND due_at <= $3 ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED))
  RETURNING profile_id
)
SELECT id, profile_id, kind, names FROM changes
UNION ALL
SELECT NULL, profile_id, 'due', NULL FROM due;

-- name: merge-due
-- Profiles' next due instants ($2 ids, $3 instants): the earlier of the stored one and the new one
-- (a row already due earlier is not rewritten).
INSERT INTO membership_due AS d (workspace_id, profile_id, due_at)
SELECT $1, p, t FROM unnest($2::uuid[], $3::timestamptz[]) AS u(p, t)
ON CONFLICT (workspace_id, profile_id) DO UPDATE SET due_at = excluded.due_at WHERE excluded.due_at < d.due_at;

-- name: delete-due
-- Forgets profiles' due instants (erased profiles).
DELETE FROM membership_due WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]);

-- ---------- facts for the in-memory evaluator ----------

-- name: facts-profiles
-- The profile rows.
SELECT profile_id, attributes FROM profiles WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]);

-- name: facts-tags
-- Tag names per profile.
SELECT pt.profile_id, t.name FROM profile_tags pt JOIN tags t ON t.id = pt.tag_id
WHERE pt.workspace_id = $1 AND pt.profile_id = ANY($2::uuid[]);

-- name: facts-lists
-- Static list names per profile.
SELECT lm.profile_id, l.name FROM list_members lm JOIN lists l ON l.id = lm.list_id
WHERE lm.workspace_id = $1 AND lm.profile_id = ANY($2::uuid[]);

-- name: facts-consents
-- Consent per channel per profile.
SELECT profile_id, channel, status FROM consents WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]);

-- name: facts-dnc
-- Do-Not-Contact entries on the given contacts (lower-cased emails, E.164 phones); NULL channel = all.
SELECT contact, contact_kind, channel FROM dnc_entries WHERE workspace_id = $1 AND contact = ANY($2::text[]);

-- name: facts-events
-- Events of the names $3, each from its own lower bound $4 (-infinity: the whole history): one range
-- scan per profile and name on events_profile_name_ts.
SELECT e.profile_id, e.name, e.ts, e.properties
FROM unnest($3::text[], $4::timestamptz[]) AS b(name, lo)
JOIN events e ON e.name = b.name AND e.ts >= b.lo
WHERE e.workspace_id = $1 AND e.profile_id = ANY($2::uuid[]);

-- name: facts-event-times
-- Like facts-events without the properties: an index-only scan of events_profile_name_ts.
SELECT e.profile_id, e.name, e.ts
FROM unnest($3::text[], $4::timestamptz[]) AS b(name, lo)
JOIN events e ON e.name = b.name AND e.ts >= b.lo
WHERE e.workspace_id = $1 AND e.profile_id = ANY($2::uuid[]);

-- ---------- membership and transitions ----------

-- name: stored-memberships
-- Every segment the profiles are stored as members of (a primary-key range per profile; filtering by
-- segment here tempts the planner into the segment index, which is slower).
SELECT profile_id, segment_id FROM segment_members WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]);

-- name: apply-transitions
-- Transitions ($2 profiles, $3 segments, $4 kinds, $5 causes, pairwise) at $6, in one statement: the
-- membership rows they change, member_count, and the log (ids in the order given).
WITH t AS (
  SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) WITH ORDINALITY AS t(p, s, k, c, n)
), gone AS (
  DELETE FROM segment_members m USING t
  WHERE m.workspace_id = $1 AND m.profile_id = t.p AND m.segment_id = t.s AND t.k = 'exit'
), came AS (
  INSERT INTO segment_members (workspace_id, profile_id, segment_id, entered_at)
  SELECT $1, p, s, $6 FROM t WHERE k = 'enter'
), counts AS (
  UPDATE segment_builds b SET member_count = b.member_count + d.delta
  FROM (SELECT s, sum(CASE WHEN k = 'enter' THEN 1 ELSE -1 END)::int AS delta FROM t GROUP BY s) d
  WHERE b.segment_id = d.s AND d.delta <> 0
)
INSERT INTO segment_transitions (workspace_id, profile_id, segment_id, kind, cause, at)
SELECT $1, p, s, k, c, $6 FROM t ORDER BY n;

-- ---------- verify ----------

-- name: segment-member-ids
-- A segment's stored members, in order.
SELECT profile_id FROM segment_members WHERE workspace_id = $1 AND segment_id = $2 ORDER BY profile_id;

-- name: segment-build
-- One segment's build row.
SELECT built_version, rule_hash, member_count, phase FROM segment_builds WHERE segment_id = $1;

-- name: analyze-members
-- Fresh planner statistics after a build grew the table.
ANALYZE segment_members;

-- name: vacuum-changes
-- Removes claimed change records (dead rows and index entries every claim would walk over).
VACUUM profile_changes;

-- name: vacuum-due
-- Removes claimed and superseded due rows.
VACUUM membership_due;

-- name: forget-workspace
-- A deleted workspace's queued membership work.
WITH c AS (DELETE FROM profile_changes WHERE workspace_id = $1), d AS (DELETE FROM membership_due WHERE workspace_id = $1)
DELETE FROM membership_sweeps WHERE workspace_id = $1;

-- name: verify-workspaces
-- Every workspace with segments.
SELECT w.id, w.timezone FROM workspaces w WHERE EXISTS (SELECT 1 FROM segments s WHERE s.workspace_id = w.id) ORDER BY w.id;

-- name: verify-workspace
-- One workspace.
SELECT id, timezone FROM workspaces WHERE id = $1;

-- name: verify-segment-workspace
-- The workspace of one segment (or of one deleted segment: its members must all have exited).
SELECT w.id, w.timezone FROM workspaces w
WHERE w.id IN (SELECT workspace_id FROM segments WHERE id = $1 UNION ALL SELECT workspace_id FROM segment_deletions WHERE segment_id = $1);
