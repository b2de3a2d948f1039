-- Runs after every migration pass. On plain PostgreSQL and PGlite it does nothing; on Citus it
-- distributes the per-profile tables by profile_id (co-located), the identity index by value, and
-- replicates the definition tables, skipping tables already done. See shared/SCALE.md.
DO $$
DECLARE
  t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  FOREACH t IN ARRAY ARRAY['workspaces', 'api_keys', 'attributes', 'tags', 'lists', 'segments', 'segment_usages', 'dnc_entries', 'channels'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass) THEN
      EXECUTE format('SELECT create_reference_table(%L)', t);
    END IF;
  END LOOP;
  FOREACH t IN ARRAY ARRAY['profiles', 'events', 'profile_tags', 'list_members', 'consents', 'privacy_log', 'segment_members', 'segment_transitions', 'profile_merges'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass) THEN
      EXECUTE format('SELECT create_distributed_table(%L, %L, colocate_with => %L)', t, 'profile_id',
        CASE WHEN t = 'profiles' THEN 'default' ELSE 'profiles' END);
    END IF;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'identities'::regclass) THEN
    PERFORM create_distributed_table('identities', 'value', colocate_with => 'none');
  END IF;
END
$$;
-- Coordinator-local (not distributed): schema_migrations, event_names, profile_changes, jobs, job_items,
-- membership_due, segment_builds, membership_sweeps, segment_deletions, users, sessions, imports, webhooks (its cursor moves
-- with every batch and is locked SKIP LOCKED) and webhook_deliveries.
