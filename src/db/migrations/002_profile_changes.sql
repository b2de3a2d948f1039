-- The change records that real-time membership reads (ARCHITECTURE.md: "downstream learns of new
-- work from a change table, never by upstream calling it"). Every write that can move a profile in or
-- out of a segment inserts rows here in the same transaction. Coordinator-local on Citus (a queue).
CREATE TABLE profile_changes (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  uuid NOT NULL,
  profile_id    uuid NOT NULL,
  kind          text NOT NULL,            -- attributes | event | tags | lists | consent | dnc | identity | erase | created
  names         text[] NOT NULL DEFAULT '{}',  -- what changed: attribute names, event names, tag / list names, channels
  created_at    timestamptz NOT NULL
);
