-- name: insert-changes
-- Change records for many profiles at once (arrays of equal length; names as a JSON array per row).
INSERT INTO profile_changes (workspace_id, profile_id, kind, names, created_at)
SELECT $1, p, k, ARRAY(SELECT jsonb_array_elements_text(n)), $5
FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS t(p, k, n);
