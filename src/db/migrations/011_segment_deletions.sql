-- Deleting a segment exits its members (src/membership/deletions.ts) and the segment's history index.

-- A deleted segment's members must leave with an exit transition each (the feed and webhooks tell
-- receivers), so their rows can no longer vanish with the segment by cascade: the membership worker
-- removes them in chunks, writing the exits, after the segment row is gone.
ALTER TABLE segment_members DROP CONSTRAINT segment_members_segment_id_fkey;

-- One row per deleted segment, written with the delete. While `finished_at` is null the worker exits
-- the segment's stored members in profile-id order from `cursor` (the last profile done), a chunk per
-- transaction under the workspace's membership lock, so a restart or a second process resumes there.
-- The row stays afterwards as a tombstone: the segment's name for its late webhook payloads, and the
-- change feed of a deleted segment keeps answering (docs/membership.md). Coordinator-local on Citus
-- (a queue; nothing sharded joins it).
CREATE TABLE segment_deletions (
  segment_id    uuid PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name          text NOT NULL,
  deleted_at    timestamptz NOT NULL,
  cursor        uuid,
  finished_at   timestamptz
);
CREATE INDEX segment_deletions_pending ON segment_deletions (workspace_id, deleted_at) WHERE finished_at IS NULL;

-- GET /v1/segments/{id}/history sums a segment's transitions before `to` by bucket of `at`, reading
-- only `kind` and `at`. With segment_transitions_feed (…, id) it read every transition of the segment
-- from the heap: 100,000 transitions of one segment (2M in the table, PostgreSQL 15) took 480–740 ms and
-- 28,000 buffers; with this index it is an index-only range scan: 10–60 ms, 85–580 buffers, no heap
-- fetch. workspace_id leads as in every per-workspace index; profile_id (the Citus distribution
-- column) is not in it: it is not unique (SCALE.md rule 1), and each shard holds its own copy.
CREATE INDEX segment_transitions_history ON segment_transitions (workspace_id, segment_id, at) INCLUDE (kind);
