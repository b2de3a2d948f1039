/**
 * Deleted segments: their members exit. Deleting a segment (src/segments) removes its row and records a
 * segment_deletions row in the same transaction; the members are left for here, since a segment can have
 * millions and the HTTP request must not write them. Each step exits one chunk of the oldest pending
 * deletion's stored members, in profile-id order from its cursor, as exit transitions of cause 'deleted'
 * (the feed and webhooks carry them like any other) that also remove the rows and move the cursor, all
 * in the caller's transaction under the workspace's membership lock: a crash repeats nothing, a restart
 * or a second process resumes at the cursor.
 *
 * No member can be added behind the cursor: a worker transaction that still saw the segment holds the
 * workspace lock until it commits, so every chunk runs after it, and any later one reads definitions
 * without the segment.
 */
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { MIN_UUID } from './build.ts';
import { writeTransitions } from './store.ts';

const Q = loadQueries('membership', ['pending-deletion', 'members-after', 'advance-deletion']);

/** One chunk of exits; `pending` is false when no deleted segment of the workspace has members left to exit. */
export async function exitDeletedStep(tx: Queryable, args: { workspaceId: string; now: Date; chunk: number }): Promise<{ pending: boolean; transitions: number }> {
  const { workspaceId: ws, now } = args;
  const [d] = await tx.query<{ segment_id: string; cursor: string | null }>(Q['pending-deletion'], [ws]);
  if (!d) return { pending: false, transitions: 0 };
  const ids = (await tx.query<{ profile_id: string }>(Q['members-after'], [ws, d.segment_id, d.cursor ?? MIN_UUID, args.chunk])).map((r) => r.profile_id);
  await writeTransitions(tx, {
    workspaceId: ws, at: now, transitions: ids.map((profileId) => ({ profileId, segmentId: d.segment_id, kind: 'exit', cause: 'deleted' })),
  });
  const done = ids.length < args.chunk;
  await tx.query(Q['advance-deletion'], [d.segment_id, ids.at(-1) ?? d.cursor, done ? now : null]);
  return { pending: true, transitions: ids.length };
}
