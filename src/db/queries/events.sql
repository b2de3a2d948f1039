-- name: insert-events
-- A batch of events (arrays of equal length). A (profile, message_id) already stored is skipped. Returns one
-- row: the 0-based positions of the events that were not inserted (duplicates), found from what the insert
-- did not return.
WITH u AS (
  SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::jsonb[])
    WITH ORDINALITY AS u(p, m, n, t, pr, c, i)
), inserted AS (
  INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at)
  SELECT $1, p, m, n, t, pr, c, $8 FROM u
  ON CONFLICT DO NOTHING
  RETURNING profile_id, message_id
)
SELECT coalesce(array_agg((u.i - 1)::int), '{}') AS duplicates
FROM u WHERE NOT EXISTS (SELECT 1 FROM inserted s WHERE s.profile_id = u.p AND s.message_id = u.m);

-- name: upsert-event-names
-- The event-name registry, one row per distinct name of a batch (aggregated by the caller, sorted by name
-- so that concurrent batches lock in one order). Property names are merged, at most 1,000 per event.
INSERT INTO event_names AS e (workspace_id, name, count, first_seen_at, last_seen_at, property_names)
SELECT $1, n, c, f, l, p FROM unnest($2::text[], $3::int8[], $4::timestamptz[], $5::timestamptz[], $6::jsonb[]) AS u(n, c, f, l, p)
ON CONFLICT (workspace_id, name) DO UPDATE SET
  count = e.count + excluded.count,
  first_seen_at = least(e.first_seen_at, excluded.first_seen_at),
  last_seen_at = greatest(e.last_seen_at, excluded.last_seen_at),
  property_names = CASE WHEN e.property_names @> excluded.property_names THEN e.property_names
    ELSE (SELECT coalesce(jsonb_agg(x ORDER BY x), '[]'::jsonb) FROM (
      SELECT DISTINCT jsonb_array_elements_text(e.property_names || excluded.property_names) AS x ORDER BY x LIMIT 1000) d) END;

-- name: list-event-names
-- The event-name registry of a workspace, by name.
SELECT name, count, first_seen_at, last_seen_at, property_names FROM event_names WHERE workspace_id = $1 ORDER BY name;

-- name: profile-events
-- A profile's timeline, newest first, after the cursor ($3 ts, $4 message_id; null for the first page).
SELECT message_id, name, ts, properties, context, received_at FROM events
WHERE workspace_id = $1 AND profile_id = $2 AND ($3::timestamptz IS NULL OR (ts, message_id) < ($3::timestamptz, $4::text))
ORDER BY ts DESC, message_id DESC LIMIT $5;

-- name: profile-events-by-name
-- Like profile-events, for one event name ($6).
SELECT message_id, name, ts, properties, context, received_at FROM events
WHERE workspace_id = $1 AND profile_id = $2 AND name = $6 AND ($3::timestamptz IS NULL OR (ts, message_id) < ($3::timestamptz, $4::text))
ORDER BY ts DESC, message_id DESC LIMIT $5;
