-- Lists, tags, consent and the Do-Not-Contact list: the channel registry, the privacy log, bulk jobs.
-- Portable to Citus (shared/SCALE.md); citus.sql distributes privacy_log and replicates channels.

-- Custom channels of a workspace. The built-in ones (email, sms, push, whatsapp, in_app) are
-- defined in code (src/channels/registry.ts), like the standard attributes, so every workspace has them.
CREATE TABLE channels (
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name          text NOT NULL,
  label         text,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, name)
);

-- Every consent change of a profile, append-only: who or what changed it, when, how, old -> new.
-- Per-profile (distributed by profile_id, co-located with profiles).
CREATE TABLE privacy_log (
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  id            uuid NOT NULL,            -- v7: sorts by time
  kind          text NOT NULL,            -- 'consent' (erasure and the rest later)
  channel       text,
  old_value     text NOT NULL,            -- consent: none | subscribed | unsubscribed
  new_value     text NOT NULL,
  source        text NOT NULL,            -- how: api | import | unsubscribe_link | inbound_stop | console
  actor_kind    text NOT NULL,            -- who: api_key | user | system
  actor_id      text,
  note          text,
  at            timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id, id)
);

-- Background jobs (bulk tag / list changes over many profiles). Coordinator-local on Citus: a queue,
-- claimed with FOR UPDATE SKIP LOCKED. `processed` is the resume point: a batch and the progress it
-- makes commit together, so a restarted worker continues where the last committed batch ended.
CREATE TABLE jobs (
  id            uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL,
  kind          text NOT NULL,
  status        text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  params        jsonb NOT NULL,            -- what to do, e.g. { "targetId": tag id }; the items are in job_items
  total         integer NOT NULL,
  processed     integer NOT NULL DEFAULT 0,
  changed       integer NOT NULL DEFAULT 0,
  unchanged     integer NOT NULL DEFAULT 0,
  invalid       integer NOT NULL DEFAULT 0,
  error         text,
  attempts      integer NOT NULL DEFAULT 0,
  locked_by     text,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX jobs_pending ON jobs (created_at, id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_workspace ON jobs (workspace_id, created_at);

-- A job's items (profile ids), numbered from 1; a batch reads seq in (processed, processed + size].
-- Filled when the job is created, from the request's ids or by one INSERT ... SELECT of a rule's matches
-- (a snapshot: "everyone the rule matches now"); removed when the job ends. Coordinator-local.
CREATE TABLE job_items (
  job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  profile_id  uuid NOT NULL,
  PRIMARY KEY (job_id, seq)
);

-- Members and tagged profiles are paged by profile_id: the index carries it, so a page is a range scan.
DROP INDEX list_members_list;
CREATE INDEX list_members_list ON list_members (workspace_id, list_id, profile_id);
DROP INDEX profile_tags_tag;
CREATE INDEX profile_tags_tag ON profile_tags (workspace_id, tag_id, profile_id);

-- The DNC list is filtered and sorted by any column; these cover the common ones (contact is led by the unique index).
CREATE INDEX dnc_entries_added ON dnc_entries (workspace_id, added_at, id);
