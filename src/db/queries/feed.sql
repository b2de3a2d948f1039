-- name: get-segment
-- One segment of the workspace, or one deleted (the feed's 404 check: a deleted segment's log, its
-- members' exits included, stays readable; docs/membership.md).
SELECT id, name FROM segments WHERE workspace_id = $1 AND id = $2
UNION ALL
SELECT segment_id, name FROM segment_deletions WHERE workspace_id = $1 AND segment_id = $2;

-- name: page-transitions
-- A segment's transitions after a cursor, in id order (the order they committed in), with the profile's external id.
SELECT t.id::text AS id, t.profile_id, p.external_id, t.kind, t.at, t.cause
FROM segment_transitions t
LEFT JOIN profiles p ON p.workspace_id = t.workspace_id AND p.profile_id = t.profile_id
WHERE t.workspace_id = $1 AND t.segment_id = $2 AND t.id > $3::bigint
ORDER BY t.id
LIMIT $4;

-- name: segment-history
-- The segment's size at the end of each bucket and its enters and exits inside it, from one pass over
-- its transitions before $4. Buckets ($5: 'day' | 'hour', $6 the matching interval) follow the
-- workspace's time zone; the first starts at or before $3, the last ends at $4.
WITH zone AS (SELECT timezone AS tz FROM workspaces WHERE id = $1),
starts AS (
  SELECT DISTINCT g AT TIME ZONE zone.tz AS start
  FROM zone, generate_series(date_trunc($5::text, $3::timestamptz AT TIME ZONE zone.tz), $4::timestamptz AT TIME ZONE zone.tz, $6::interval) AS g
),
buckets AS (
  SELECT start, coalesce(lead(start) OVER (ORDER BY start), $4::timestamptz) AS stop FROM starts WHERE start < $4::timestamptz
),
moves AS (
  SELECT CASE WHEN t.at < f.first THEN NULL ELSE date_trunc($5::text, t.at AT TIME ZONE zone.tz) AT TIME ZONE zone.tz END AS start,
    count(*) FILTER (WHERE t.kind = 'enter') AS entered,
    count(*) FILTER (WHERE t.kind = 'exit') AS exited
  FROM segment_transitions t, zone, (SELECT min(start) AS first FROM buckets) f
  WHERE t.workspace_id = $1 AND t.segment_id = $2 AND t.at < $4::timestamptz
  GROUP BY 1
)
SELECT b.start, b.stop, coalesce(m.entered, 0) AS entered, coalesce(m.exited, 0) AS exited,
  (SELECT coalesce(sum(entered - exited), 0) FROM moves WHERE start IS NULL)
    + sum(coalesce(m.entered, 0) - coalesce(m.exited, 0)) OVER (ORDER BY b.start) AS size
FROM buckets b
LEFT JOIN moves m ON m.start = b.start
ORDER BY b.start;
