-- name: known-profiles
-- Which of these ids are profiles of the workspace.
SELECT profile_id FROM profiles WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]);
