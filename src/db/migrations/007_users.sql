-- Console users (people who sign in to the web console) and their sessions.
-- Small definition tables; on Citus they stay on the coordinator (sign-in never joins per-profile data).

CREATE TABLE users (
  id              uuid PRIMARY KEY,
  workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  email           text NOT NULL,            -- trimmed, lower-cased
  name            text,
  role            text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  password_hash   text NOT NULL,            -- scrypt$N$r$p$salt$hash (see src/users/password.ts)
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  last_sign_in_at timestamptz,
  UNIQUE (workspace_id, email)
);
CREATE INDEX users_email ON users (email);

-- One row per signed-in browser. The cookie holds a random id; only its sha256 is stored.
CREATE TABLE user_sessions (
  id_hash       text PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,              -- sent back in x-csrf-token on every cookie-authenticated write
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
CREATE INDEX user_sessions_expiry ON user_sessions (expires_at);
