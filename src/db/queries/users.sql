-- name: insert-user
-- A new console user.
INSERT INTO users (id, workspace_id, email, name, role, password_hash, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (workspace_id, email) DO NOTHING
RETURNING id, workspace_id, email, name, role, created_at, updated_at, last_sign_in_at;

-- name: list-users
-- A workspace's users, by email.
SELECT id, workspace_id, email, name, role, created_at, updated_at, last_sign_in_at
FROM users WHERE workspace_id = $1 ORDER BY email;

-- name: get-user
-- One user of a workspace.
SELECT id, workspace_id, email, name, role, created_at, updated_at, last_sign_in_at
FROM users WHERE workspace_id = $1 AND id = $2;

-- name: update-user
-- Change name, role or password hash (null keeps the value; name '' clears it).
UPDATE users SET
  name = CASE WHEN $3::text IS NULL THEN name WHEN $3::text = '' THEN NULL ELSE $3::text END,
  role = coalesce($4, role),
  password_hash = coalesce($5, password_hash),
  updated_at = $6
WHERE workspace_id = $1 AND id = $2
RETURNING id, workspace_id, email, name, role, created_at, updated_at, last_sign_in_at;

-- name: delete-user
-- Removes a user; their sessions go with them.
DELETE FROM users WHERE workspace_id = $1 AND id = $2 RETURNING id;

-- name: lock-admins
-- A workspace's admins, locked until the transaction ends (the last one can not be removed or demoted).
SELECT id FROM users WHERE workspace_id = $1 AND role = 'admin' FOR UPDATE;

-- name: find-sign-in-candidates
-- Every user with this email, in any workspace, with the hash to check the password against.
SELECT u.id, u.workspace_id, u.email, u.role, u.password_hash, w.name AS workspace_name
FROM users u JOIN workspaces w ON w.id = u.workspace_id
WHERE u.email = $1 ORDER BY w.created_at, w.id;

-- name: get-password-hash
-- A user's password hash, to re-check it before a change.
SELECT password_hash FROM users WHERE id = $1;

-- name: touch-sign-in
-- Records a successful sign-in.
UPDATE users SET last_sign_in_at = $2 WHERE id = $1;

-- name: insert-session
-- A new session (the id itself is never stored).
INSERT INTO user_sessions (id_hash, user_id, workspace_id, csrf_token, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: find-session
-- Authenticates a cookie: the live session, its user and workspace.
SELECT s.csrf_token, s.expires_at, u.id AS user_id, u.email, u.name, u.role,
       w.id AS workspace_id, w.name AS workspace_name, w.timezone, w.settings
FROM user_sessions s
JOIN users u ON u.id = s.user_id
JOIN workspaces w ON w.id = s.workspace_id
WHERE s.id_hash = $1 AND s.expires_at > $2;

-- name: delete-session
-- Signs one session out.
DELETE FROM user_sessions WHERE id_hash = $1;

-- name: delete-user-sessions
-- Signs a user out everywhere except, optionally, one session (after a password change).
DELETE FROM user_sessions WHERE user_id = $1 AND id_hash <> coalesce($2, '');

-- name: delete-expired-sessions
-- Housekeeping: drops sessions past their expiry.
DELETE FROM user_sessions WHERE expires_at <= $1;
