-- name: insert-webhook
-- A new subscription; $9 is the cursor it starts from (the workspace's head: older transitions are not sent).
INSERT INTO webhooks (id, workspace_id, url, description, events, segment_ids, secret, active, cursor, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
RETURNING id, url, description, events, segment_ids, active, created_at, updated_at;

-- name: get-webhook
-- One webhook of the workspace, without its secret.
SELECT id, url, description, events, segment_ids, active, created_at, updated_at FROM webhooks WHERE workspace_id = $1 AND id = $2;

-- name: list-webhooks
-- Every webhook of the workspace, oldest first, without secrets.
SELECT id, url, description, events, segment_ids, active, created_at, updated_at FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id;

-- name: update-webhook
-- Changes what was given ($8: whether segment_ids was given, null meaning every segment; $9: whether description was).
UPDATE webhooks SET url = coalesce($3, url), events = coalesce($4, events),
  segment_ids = CASE WHEN $8::boolean THEN $5 ELSE segment_ids END,
  description = CASE WHEN $9::boolean THEN $6 ELSE description END,
  active = coalesce($7, active), updated_at = $10
WHERE workspace_id = $1 AND id = $2
RETURNING id, url, description, events, segment_ids, active, created_at, updated_at;

-- name: delete-webhook
-- Deletes a webhook and (cascade) its deliveries.
DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2 RETURNING id;

-- name: known-segments
-- Which of these ids are segments of the workspace.
SELECT id FROM segments WHERE workspace_id = $1 AND id = ANY($2::uuid[]);

-- name: workspace-head
-- The workspace's last transition id (0 when none): a new webhook starts there; the fan-out skips webhooks already at it.
SELECT coalesce((SELECT id FROM segment_transitions WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1), 0) AS head;

-- name: active-webhooks
-- Every active webhook and its cursor, unlocked: the fan-out's list of candidates.
SELECT id, workspace_id, cursor FROM webhooks WHERE active ORDER BY id;

-- name: lock-webhook
-- The webhook for one fan-out batch, unless another process is fanning it out right now.
SELECT id, workspace_id, events, segment_ids, cursor FROM webhooks WHERE id = $1 AND active FOR UPDATE SKIP LOCKED;

-- name: scan-transitions
-- The workspace's transitions after a webhook's cursor, in commit order, with what the payload names.
SELECT t.id::text AS id, t.segment_id, s.name AS segment_name, t.profile_id, p.external_id, t.kind, t.at, t.cause
FROM segment_transitions t
LEFT JOIN segments s ON s.id = t.segment_id
LEFT JOIN profiles p ON p.workspace_id = t.workspace_id AND p.profile_id = t.profile_id
WHERE t.workspace_id = $1 AND t.id > $2::bigint
ORDER BY t.id
LIMIT $3;

-- name: deleted-segment-names
-- Names of deleted segments (their members' exits are fanned out after the segment row is gone).
SELECT segment_id, name FROM segment_deletions WHERE segment_id = ANY($1::uuid[]);

-- name: insert-deliveries
-- Pending deliveries, due now; a transition already queued for the webhook is skipped.
INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, transition_id, event, body, status, next_attempt_at, created_at)
SELECT d.id, $1, $2, d.transition_id, d.event, d.body, 'pending', $6, $6
FROM unnest($3::uuid[], $4::bigint[], $5::text[], $7::text[]) AS d(id, transition_id, event, body)
ON CONFLICT (webhook_id, transition_id) DO NOTHING;

-- name: advance-cursor
-- Moves the fan-out cursor past a batch, in the batch's transaction.
UPDATE webhooks SET cursor = $2::bigint WHERE id = $1;

-- name: insert-ping
-- A test delivery (no transition), born claimed for its one attempt ($6: lease end), so no worker takes it meanwhile.
WITH w AS (SELECT url, secret FROM webhooks WHERE workspace_id = $2 AND id = $3),
d AS (
  INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, transition_id, event, body, status, attempts, last_attempt_at, next_attempt_at, created_at)
  SELECT $1, $2, $3, NULL, 'ping', $4, 'pending', 1, $5, $6, $5 FROM w
  RETURNING id, event, body, attempts
)
SELECT d.id, d.event, d.body, d.attempts, w.url, w.secret FROM d, w;

-- name: claim-due
-- Takes due deliveries of active webhooks and leases them ($2: lease end) for one attempt each;
-- SKIP LOCKED so that concurrent workers never take the same one.
UPDATE webhook_deliveries d SET attempts = d.attempts + 1, last_attempt_at = $1, next_attempt_at = $2
FROM webhooks w
WHERE w.id = d.webhook_id AND d.id IN (
  SELECT q.id FROM webhook_deliveries q JOIN webhooks qw ON qw.id = q.webhook_id AND qw.active
  WHERE q.status = 'pending' AND q.next_attempt_at <= $1
  ORDER BY q.next_attempt_at
  LIMIT $3
  FOR UPDATE OF q SKIP LOCKED
)
RETURNING d.id, d.event, d.body, d.attempts, w.url, w.secret;

-- name: claim-delivery
-- Takes one delivery of the workspace's webhook for an attempt now, whatever its status (test, manual retry).
UPDATE webhook_deliveries d SET status = 'pending', attempts = d.attempts + 1, last_attempt_at = $4, next_attempt_at = $5
FROM webhooks w
WHERE w.id = d.webhook_id AND w.workspace_id = $1 AND d.webhook_id = $2 AND d.id = $3
RETURNING d.id, d.event, d.body, d.attempts, w.url, w.secret;

-- name: record-attempt
-- An attempt's outcome; `attempts = $2` fences out a worker whose lease ran out meanwhile.
UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, last_status = $5, last_error = $6, delivered_at = $7
WHERE id = $1 AND attempts = $2 AND status = 'pending';

-- name: get-delivery
-- One delivery of the workspace's webhook.
SELECT id, event, transition_id::text AS transition_id, status, attempts, next_attempt_at, last_attempt_at, last_status, last_error, created_at, delivered_at, body
FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2 AND id = $3;

-- name: page-deliveries
-- The delivery log of a webhook, newest first, optionally of one status ($3), after a cursor ($4).
SELECT id, event, transition_id::text AS transition_id, status, attempts, next_attempt_at, last_attempt_at, last_status, last_error, created_at, delivered_at, body
FROM webhook_deliveries
WHERE workspace_id = $1 AND webhook_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::uuid IS NULL OR id < $4)
ORDER BY id DESC
LIMIT $5;
