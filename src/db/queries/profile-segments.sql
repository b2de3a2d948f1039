-- name: profile-memberships
-- The segments a profile is stored as a member of, with when it entered each (the membership worker's rows).
SELECT segment_id, entered_at FROM segment_members WHERE workspace_id = $1 AND profile_id = $2;
