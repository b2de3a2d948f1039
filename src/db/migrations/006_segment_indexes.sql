-- Segments API (src/segments/). Predefined segments (Everyone, Active / Inactive Mobile Users) are
-- created once per workspace: the insert is idempotent on this index (ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX segments_predefined ON segments (workspace_id, name) WHERE predefined;

-- Event conditions over the whole workspace (preview counts, backfills) read the events of one name in
-- a time window and need only their profile ids: with profile_id in the index that is an index-only
-- range scan, not one random heap read per event (bench/segments.ts, 10M events: the events side of
-- Q4, 98k app_launch events, went from 6.4 s cold to 60 ms). It replaces events_name_ts, which it covers.
CREATE INDEX events_name_ts_profile ON events (workspace_id, name, ts) INCLUDE (profile_id);
DROP INDEX events_name_ts;
