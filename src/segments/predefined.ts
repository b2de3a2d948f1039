/**
 * The predefined segments every workspace has. Read-only (edit and delete are refused; duplicating one
 * is the way to change it). Created with the workspace, in its transaction, and for workspaces that
 * predate them the first time segments are listed; the insert is idempotent (segments_predefined).
 */
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { newId } from '../shared/ids.ts';

const Q = loadQueries('segments', ['insert-predefined', 'count-predefined']);

const ACTIVE_MOBILE = { event: 'app_launch', count: { op: 'gte', value: 1 }, time: { op: 'within_last', amount: 30, unit: 'day' } };

export const PREDEFINED_SEGMENTS: readonly { name: string; description: string; rule: unknown }[] = [
  { name: 'Everyone', description: 'Every profile', rule: { all: [] } },
  { name: 'Active Mobile Users', description: 'Opened the app (app_launch) at least once in the last 30 days', rule: ACTIVE_MOBILE },
  { name: 'Inactive Mobile Users', description: 'Did not open the app (app_launch) in the last 30 days', rule: { not: ACTIVE_MOBILE } },
];

/** Creates the predefined segments the workspace lacks; safe to call again and concurrently. */
export async function createPredefinedSegments(q: Queryable, args: { workspaceId: string; now: Date }): Promise<void> {
  const [c] = await q.query<{ n: number }>(Q['count-predefined'], [args.workspaceId]);
  if (c!.n >= PREDEFINED_SEGMENTS.length) return;
  await q.query(Q['insert-predefined'], [
    args.workspaceId,
    PREDEFINED_SEGMENTS.map(() => newId()),
    PREDEFINED_SEGMENTS.map((s) => s.name),
    PREDEFINED_SEGMENTS.map((s) => s.description),
    PREDEFINED_SEGMENTS.map((s) => JSON.stringify(s.rule)),
    args.now,
  ]);
}
