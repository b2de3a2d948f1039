-- name: insert-changes
-- Change records for many profiles at once: $2 is a JSON array of {p: profile id, k: kind, n: [names]}
-- (one parameter decoded by json_to_recordset: measured faster than parallel arrays with a per-row subquery).
INSERT INTO profile_changes (workspace_id, profile_id, kind, names, created_at)
SELECT $1, r.p, r.k, coalesce(r.n, '{}'), $3
FROM json_to_recordset($2::json) AS r(p uuid, k text, n text[]);
