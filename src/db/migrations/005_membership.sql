-- Real-time segment membership (see ARCHITECTURE.md and src/membership/).

-- The membership worker claims change records per workspace, oldest first.
CREATE INDEX profile_changes_workspace ON profile_changes (workspace_id, id);

-- Current members. Per-profile (distributed by profile_id on Citus, co-located with profiles).
CREATE TABLE segment_members (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  segment_id    uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
  entered_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id, segment_id)
);
CREATE INDEX segment_members_segment ON segment_members (workspace_id, segment_id, profile_id);

-- The transition log: every enter and exit. `id` is the change feed's cursor; transitions of one
-- workspace are written under that workspace's advisory lock, so ids grow in commit order.
CREATE SEQUENCE segment_transition_ids;
CREATE TABLE segment_transitions (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  id            bigint NOT NULL DEFAULT nextval('segment_transition_ids'),
  segment_id    uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('enter', 'exit')),
  at            timestamptz NOT NULL,
  cause         text NOT NULL,            -- backfill | time | erase | the change kind (event, attributes, tags, ...)
  PRIMARY KEY (workspace_id, profile_id, id)
);
CREATE INDEX segment_transitions_feed ON segment_transitions (workspace_id, segment_id, id);
CREATE INDEX segment_transitions_workspace ON segment_transitions (workspace_id, id);

-- The next instant at which a profile's answer can change with no new data (a time window ends,
-- a day rolls over in the workspace zone). One row per profile; coordinator-local (a scheduler queue).
CREATE TABLE membership_due (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  due_at        timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id)
);
CREATE INDEX membership_due_at ON membership_due (workspace_id, due_at);

-- Which rule each segment's stored membership reflects, and the build in progress. A segment whose
-- version is ahead of built_version, or whose resolved rule (referenced segments inlined, attribute
-- types, workspace zone) hashes differently from rule_hash, is rebuilt by the membership worker.
-- Coordinator-local. member_count moves with every insert and delete of segment_members.
CREATE TABLE segment_builds (
  segment_id      uuid PRIMARY KEY REFERENCES segments (id) ON DELETE CASCADE,
  workspace_id    uuid NOT NULL,
  built_version   integer NOT NULL DEFAULT 0,   -- 0: never built
  rule_hash       text,
  built_at        timestamptz,
  member_count    integer NOT NULL DEFAULT 0,
  -- the build in progress: 'members' pages through the bulk query (cursor = last profile id done),
  -- then time-dependent segments wait for a 'seed' sweep (membership_sweeps) that stores due instants.
  target_version  integer,
  target_hash     text,
  phase           text CHECK (phase IN ('members', 'seed')),
  cursor          uuid,
  started_at      timestamptz
);
CREATE INDEX segment_builds_workspace ON segment_builds (workspace_id);

-- A workspace's due-instant sweep over its profiles for newly built time-dependent segments
-- ({ id, hash } each), resumable from `cursor` (the last profile id done). Coordinator-local.
CREATE TABLE membership_sweeps (
  workspace_id  uuid PRIMARY KEY,
  segments      jsonb NOT NULL,
  cursor        uuid,
  started_at    timestamptz NOT NULL
);

-- Webhook subscriptions (src/webhooks/). Coordinator-local on Citus, not a reference table: the
-- fan-out cursor changes with every batch and is locked FOR UPDATE SKIP LOCKED (SCALE.md rule 5),
-- and nothing sharded joins this table.
CREATE TABLE webhooks (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  url           text NOT NULL,
  description   text,
  events        text[] NOT NULL,          -- segment.entered, segment.exited
  segment_ids   uuid[],                   -- NULL: every segment
  -- The HMAC signing key, shown once at creation. Kept as is: signing needs the key itself, so it
  -- can not be a one-way hash like an API key.
  secret        text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  -- the last transition id turned into deliveries (the workspace's head when the webhook was created)
  cursor        bigint NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id, created_at);

-- Deliveries: at-least-once, retried with exponential backoff. Coordinator-local (a queue).
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY,        -- sent as the payload id: the receiver dedupes on it
  workspace_id     uuid NOT NULL,
  webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  transition_id    bigint,                  -- NULL for a test ping
  event            text NOT NULL,           -- segment.entered | segment.exited | ping
  body             text NOT NULL,           -- the JSON sent: the same bytes on every attempt
  status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,    -- while an attempt is in flight, the end of its lease
  last_attempt_at  timestamptz,
  last_status      integer,                 -- the receiver's HTTP status
  last_error       text,
  created_at       timestamptz NOT NULL,
  delivered_at     timestamptz,
  UNIQUE (webhook_id, transition_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
