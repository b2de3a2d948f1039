-- Segment-compatible tracking: the record of profile merges (alias across two profiles).
-- Per-profile (distributed by profile_id, the surviving profile, co-located with profiles). The merged
-- profile no longer exists, so its id is plain data here.
CREATE TABLE profile_merges (
  workspace_id       uuid NOT NULL,
  profile_id         uuid NOT NULL,            -- the profile that remains
  merged_profile_id  uuid NOT NULL,            -- the profile whose data moved into it and was then deleted
  reason             text NOT NULL,            -- anonymous (an anonymous profile joined a known one) | alias (two known profiles)
  moved              jsonb NOT NULL,           -- row counts moved per table
  merged_at          timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, profile_id, merged_profile_id)
);
