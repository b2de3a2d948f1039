-- name: insert-job
-- A queued job without items yet (insert-items or the rule's insert-select fill them, then set-total).
INSERT INTO jobs (id, workspace_id, kind, status, params, total, invalid, created_at, updated_at)
VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6, $6);

-- name: insert-items
-- A job's items from a list of ids, numbered from 1 in the given order.
INSERT INTO job_items (job_id, seq, profile_id)
SELECT $1, n::integer, p FROM unnest($2::uuid[]) WITH ORDINALITY AS t(p, n);

-- name: set-total
-- The number of items, once they are in; returns the job.
UPDATE jobs SET total = (SELECT count(*) FROM job_items WHERE job_id = $1) WHERE id = $1
RETURNING id, workspace_id, kind, status, total, processed, changed, unchanged, invalid, error, created_at, started_at, finished_at;

-- name: get-job
-- One job of a workspace, without its params.
SELECT id, workspace_id, kind, status, total, processed, changed, unchanged, invalid, error, created_at, started_at, finished_at
FROM jobs WHERE workspace_id = $1 AND id = $2;

-- name: claim-job
-- Takes the oldest job that is queued, or running under an expired lease (its worker died: the resume
-- path), or running under this worker's own lease (its last attempt failed here: retry at once).
UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1,
  started_at = coalesce(started_at, $3), updated_at = $3
WHERE id = (
  SELECT id FROM jobs
  WHERE status = 'queued' OR (status = 'running' AND (locked_until < $3 OR locked_by = $1))
  ORDER BY created_at, id
  LIMIT 1
  FOR UPDATE SKIP LOCKED
)
RETURNING id, workspace_id, kind, params, total, processed, attempts;

-- name: lock-own-job
-- The job, locked for one batch, if this worker still holds its lease.
SELECT processed FROM jobs WHERE id = $1 AND locked_by = $2 AND status = 'running' FOR UPDATE;

-- name: batch-items
-- The next batch of a job's items: seq in ($2, $3].
SELECT profile_id FROM job_items WHERE job_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq;

-- name: record-progress
-- Commits a batch's counts and the resume point with the batch itself; the last batch finishes the job.
UPDATE jobs SET processed = $2::integer, changed = changed + $3, unchanged = unchanged + $4, invalid = invalid + $5,
  locked_until = $6, updated_at = $7::timestamptz,
  status = CASE WHEN $2::integer >= total THEN 'succeeded' ELSE status END,
  finished_at = CASE WHEN $2::integer >= total THEN $7::timestamptz END
WHERE id = $1
RETURNING status;

-- name: delete-items
-- A finished job's items are no longer needed.
DELETE FROM job_items WHERE job_id = $1;

-- name: fail-job
-- A job that can not go on (its target was deleted, or it failed too often).
UPDATE jobs SET status = 'failed', error = $2, finished_at = $3, updated_at = $3, locked_by = NULL, locked_until = NULL
WHERE id = $1;
