-- Audience schema, version 1. Runs unchanged on PGlite, PostgreSQL 15+ and Citus (see ../../../../shared/SCALE.md):
-- per-profile tables carry (workspace_id, profile_id) and every key includes profile_id;
-- definition tables are small and become reference tables; no triggers on per-profile tables.

-- ---------- definitions (reference tables on Citus) ----------
CREATE TABLE workspaces (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  timezone    text NOT NULL DEFAULT 'UTC',
  settings    jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('secret', 'write')),
  name          text NOT NULL,
  prefix        text NOT NULL,            -- first characters of the key, safe to show
  key_hash      text NOT NULL UNIQUE,     -- sha256 of the whole key; the key itself is never stored
  created_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);

-- Custom attributes; the standard ones are defined in code (src/attributes/standard.ts).
CREATE TABLE attributes (
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name          text NOT NULL,
  type          text NOT NULL CHECK (type IN ('string', 'number', 'boolean', 'date', 'datetime')),
  label         text,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, name)
);

CREATE TABLE tags (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name          text NOT NULL,
  created_at    timestamptz NOT NULL,
  UNIQUE (workspace_id, name)
);

CREATE TABLE lists (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name          text NOT NULL,
  description   text,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  UNIQUE (workspace_id, name)
);

CREATE TABLE segments (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name          text NOT NULL,
  description   text,
  rule          jsonb NOT NULL,
  predefined    boolean NOT NULL DEFAULT false,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX segments_workspace_name ON segments (workspace_id, lower(name));

-- Who uses a segment (campaigns, flows). Edits and deletes are refused while an active user exists.
CREATE TABLE segment_usages (
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  segment_id    uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
  user_kind     text NOT NULL,            -- 'campaign' | 'flow'
  user_id       uuid NOT NULL,
  user_name     text NOT NULL,
  active        boolean NOT NULL,
  PRIMARY KEY (segment_id, user_kind, user_id)
);

-- Event-name registry for the segment builder. Coordinator-local on Citus (counters change often).
CREATE TABLE event_names (
  workspace_id    uuid NOT NULL,
  name            text NOT NULL,
  count           bigint NOT NULL DEFAULT 0,
  first_seen_at   timestamptz NOT NULL,
  last_seen_at    timestamptz NOT NULL,
  property_names  jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (workspace_id, name)
);

-- ---------- per-profile data (distributed by profile_id on Citus, co-located) ----------
CREATE TABLE profiles (
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  profile_id    uuid NOT NULL,
  external_id   text,
  attributes    jsonb NOT NULL DEFAULT '{}',   -- standard and custom attributes, values already coerced to their type
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id)
);

-- Identity index: identifier -> profile. Unique per identifier, so on Citus it is distributed by
-- `value` in a colocation group of its own (the one per-profile table not keyed by profile_id);
-- it is only ever read by (workspace_id, kind, value) or by (workspace_id, profile_id).
CREATE TABLE identities (
  workspace_id  uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('external_id', 'email', 'phone', 'anonymous_id')),
  value         text NOT NULL,            -- normalised: emails lower-cased, phones E.164
  profile_id    uuid NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, kind, value)
);
CREATE INDEX identities_profile ON identities (workspace_id, profile_id);

CREATE TABLE events (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  message_id    text NOT NULL,            -- the client's idempotency key (generated when absent)
  name          text NOT NULL,
  ts            timestamptz NOT NULL,
  properties    jsonb NOT NULL DEFAULT '{}',
  context       jsonb,
  received_at   timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id, message_id)
);
CREATE INDEX events_profile_name_ts ON events (workspace_id, profile_id, name, ts);
CREATE INDEX events_name_ts ON events (workspace_id, name, ts);

CREATE TABLE profile_tags (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  tag_id        uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  added_at      timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id, tag_id)
);
CREATE INDEX profile_tags_tag ON profile_tags (workspace_id, tag_id);

CREATE TABLE list_members (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  list_id       uuid NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  added_at      timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id, list_id)
);
CREATE INDEX list_members_list ON list_members (workspace_id, list_id);

-- Consent per channel. No row means 'none' (never asked).
CREATE TABLE consents (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  channel       text NOT NULL,
  status        text NOT NULL CHECK (status IN ('subscribed', 'unsubscribed')),
  source        text NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id, channel)
);

-- Do-Not-Contact list. Keyed by contact, not by profile; a reference table on Citus so that the
-- segment condition { "dnc": CHANNEL } joins locally on every worker.
CREATE TABLE dnc_entries (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  contact       text NOT NULL,            -- normalised: lower-cased email or E.164 phone
  contact_kind  text NOT NULL CHECK (contact_kind IN ('email', 'phone')),
  channel       text,                     -- NULL: every channel
  sender        text,
  source        text NOT NULL,
  added_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX dnc_entries_unique ON dnc_entries (workspace_id, contact, coalesce(channel, ''), coalesce(sender, ''));
