-- name: insert-import
-- A new import of an uploaded file, analysing.
INSERT INTO imports (id, workspace_id, status, file_name, file_path, file_size, options, created_at, updated_at)
VALUES ($1, $2, 'analyzing', $3, $4, $5, $6, $7, $7)
RETURNING *;

-- name: get-import
-- One import of a workspace.
SELECT * FROM imports WHERE workspace_id = $1 AND id = $2;

-- name: list-imports
-- A workspace's imports, newest first.
SELECT * FROM imports WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2;

-- name: set-analyzing
-- Analyses again with other read options; only an import that has not started.
UPDATE imports SET status = 'analyzing', options = $3, updated_at = $4
WHERE workspace_id = $1 AND id = $2 AND status IN ('analyzing', 'ready')
RETURNING *;

-- name: set-analysis
-- The analysis is done: the import is ready to run.
UPDATE imports SET status = 'ready', analysis = $2, total_rows = $3, updated_at = $4
WHERE id = $1 AND status = 'analyzing'
RETURNING *;

-- name: start-import
-- Runs a ready import with its plan; a worker claims it (claim-import).
UPDATE imports SET status = 'running', plan = $3, started_at = $4, updated_at = $4
WHERE workspace_id = $1 AND id = $2 AND status = 'ready'
RETURNING *;

-- name: claim-import
-- Takes a running import that no live worker holds: never claimed, or its lease ran out (its worker
-- stopped or died: the resume path), or held by this worker already. $4: only this import (null: any).
UPDATE imports SET locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3
WHERE id = (
  SELECT id FROM imports
  WHERE status = 'running' AND (locked_until IS NULL OR locked_until < $3 OR locked_by = $1)
    AND ($4::uuid IS NULL OR id = $4::uuid)
  ORDER BY started_at, id
  LIMIT 1
  FOR UPDATE SKIP LOCKED
)
RETURNING *;

-- name: lock-own-import
-- The import, locked for one batch, if it still runs under this worker's lease.
SELECT rows_done FROM imports WHERE id = $1 AND locked_by = $2 AND status = 'running' FOR UPDATE;

-- name: record-batch
-- A batch's resume point and counts, committed with the batch; the lease goes on. Progress resets the
-- attempts: only claims that make none (a batch that fails every time) count towards giving up.
UPDATE imports SET rows_done = $2, byte_offset = $3, rows_read = rows_read + $4, created = created + $5, updated = updated + $6,
  unchanged = unchanged + $7, rejected = rejected + $8, locked_until = $9, updated_at = $10, attempts = 1
WHERE id = $1
RETURNING *;

-- name: finish-import
-- The last batch is in.
UPDATE imports SET status = 'done', finished_at = $3, updated_at = $3, locked_by = NULL, locked_until = NULL
WHERE id = $1 AND locked_by = $2 AND status = 'running'
RETURNING *;

-- name: fail-import
-- An import that can not go on (its file is unreadable, or it failed too often).
UPDATE imports SET status = 'failed', error = $2, finished_at = $3, updated_at = $3, locked_by = NULL, locked_until = NULL
WHERE id = $1 AND status IN ('analyzing', 'ready', 'running')
RETURNING *;

-- name: release-import
-- A worker that stops gives its import back, so the next one resumes it at once.
UPDATE imports SET locked_by = NULL, locked_until = NULL, updated_at = $3
WHERE id = $1 AND locked_by = $2 AND status = 'running';

-- name: cancel-import
-- Stops an import that has not ended; rows already committed stay.
UPDATE imports SET status = 'cancelled', finished_at = $3, updated_at = $3, locked_by = NULL, locked_until = NULL
WHERE workspace_id = $1 AND id = $2 AND status IN ('analyzing', 'ready', 'running')
RETURNING *;

-- name: delete-import
-- Deletes an import and its rejected rows.
DELETE FROM imports WHERE workspace_id = $1 AND id = $2 RETURNING file_path, status;

-- name: insert-rejections
-- Rejected rows of a batch (arrays of equal length; cells as a JSON array of strings per row).
INSERT INTO import_rejections (import_id, file_row, column_name, reason, cells)
SELECT $1, r, c, why, ARRAY(SELECT jsonb_array_elements_text(v))
FROM unnest($2::integer[], $3::text[], $4::text[], $5::jsonb[]) AS u(r, c, why, v);

-- name: page-rejections
-- Rejected rows in file order, after a row number.
SELECT file_row, column_name, reason, cells FROM import_rejections
WHERE import_id = $1 AND file_row > $2 ORDER BY file_row LIMIT $3;

-- name: insert-tags
-- Tags named in the file that do not exist yet (ids and names of equal length).
INSERT INTO tags (id, workspace_id, name, created_at)
SELECT id, $1, name, $4 FROM unnest($2::uuid[], $3::text[]) AS u(id, name)
ON CONFLICT (workspace_id, name) DO NOTHING;

-- name: get-tags
-- Tags of a workspace by name.
SELECT id, name FROM tags WHERE workspace_id = $1 AND name = ANY($2::text[]);

-- name: tag-pairs
-- Tags profiles, pair by pair (arrays of equal length, sorted by profile); returns the pairs that are new.
INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at)
SELECT $1, p, t, $4 FROM unnest($2::uuid[], $3::uuid[]) AS u(p, t)
ON CONFLICT DO NOTHING
RETURNING profile_id, tag_id;

