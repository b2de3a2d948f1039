/**
 * Membership writes, a batch at a time, in the caller's transaction (under the workspace's lock):
 * segment_members, the transition log, member counts and due instants. A transition is only ever
 * written together with the membership row it changes.
 */
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Transition } from './reconcile.ts';

const Q = loadQueries('membership', ['stored-memberships', 'apply-transitions', 'merge-due', 'delete-due']);

/** Segment ids each profile is stored as a member of (profiles without any are absent). */
export async function storedMemberships(q: Queryable, workspaceId: string, profileIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (profileIds.length === 0) return out;
  for (const r of await q.query<{ profile_id: string; segment_id: string }>(Q['stored-memberships'], [workspaceId, profileIds])) {
    const set = out.get(r.profile_id);
    if (set) set.add(r.segment_id);
    else out.set(r.profile_id, new Set([r.segment_id]));
  }
  return out;
}

/** Applies transitions: membership rows, member counts and the log (ids in the order given), in one statement. */
export async function writeTransitions(q: Queryable, args: { workspaceId: string; at: Date; transitions: readonly Transition[] }): Promise<void> {
  const { transitions: t } = args;
  if (t.length === 0) return;
  await q.query(Q['apply-transitions'], [
    args.workspaceId, t.map((x) => x.profileId), t.map((x) => x.segmentId), t.map((x) => x.kind), t.map((x) => x.cause), args.at,
  ]);
}

/** Stores due instants, keeping the earlier of the stored one and the new one. */
export async function mergeDue(q: Queryable, workspaceId: string, due: ReadonlyMap<string, Date>): Promise<void> {
  if (due.size === 0) return;
  await q.query(Q['merge-due'], [workspaceId, [...due.keys()], [...due.values()]]);
}

export async function deleteDue(q: Queryable, workspaceId: string, profileIds: readonly string[]): Promise<void> {
  if (profileIds.length > 0) await q.query(Q['delete-due'], [workspaceId, profileIds]);
}
