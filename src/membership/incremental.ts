/**
 * The real-time path: claim a workspace's change records and due profiles, re-evaluate for each
 * profile just the segments that can have moved (those reading what changed; every time-dependent
 * segment for a due profile), and write the differences and the next due instants, all in the
 * caller's transaction, so a crash before commit loses nothing.
 */
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Cause, Definitions, SegmentDef } from './definitions.ts';
import { loadFacts, needsOf } from './facts.ts';
import { reconcile, type ProfileWork } from './reconcile.ts';
import { deleteDue, mergeDue, storedMemberships, writeTransitions } from './store.ts';

const Q = loadQueries('membership', ['claim']);

export interface QueueResult {
  changes: number;
  due: number;
  transitions: number;
}

interface ChangeRow {
  /** null for a due profile. */
  id: number;
  profile_id: string;
  kind: string;
  names: string[];
}

/**
 * `reader` runs the reads that follow the claims (facts, stored memberships): the transaction itself, or
 * on PostgreSQL the pool, so they run side by side. Reading outside the transaction is safe: the claimed
 * changes' data committed before their records could be claimed, and membership rows are only written
 * under the workspace lock this transaction holds.
 */
export async function processQueues(tx: Queryable, args: { reader: Queryable; defs: Definitions; now: Date; changeLimit: number; dueLimit: number }): Promise<QueueResult> {
  const { defs, now } = args;
  const ws = defs.workspaceId;
  const claimed = await tx.query<ChangeRow>(Q['claim'], [ws, args.changeLimit, now, args.dueLimit]);
  const changes = claimed.filter((c) => c.kind !== 'due').sort((a, b) => a.id - b.id);
  const due = claimed.filter((c) => c.kind === 'due');
  if (changes.length === 0 && due.length === 0) return { changes: 0, due: 0, transitions: 0 };

  // Per profile, the segments to evaluate and the cause each one's transition carries: the first change
  // (in commit order) that can affect it, a specific one (an event, a tag...) rather than the broad
  // 'created' or 'identity' that come with it; or the clock.
  const plan = new Map<string, Map<SegmentDef, Cause>>();
  const planFor = (id: string) => {
    let p = plan.get(id);
    if (!p) plan.set(id, (p = new Map()));
    return p;
  };
  for (const c of changes) {
    const p = planFor(c.profile_id);
    const kind = c.kind as Cause;
    for (const s of defs.affected(c.kind, c.names)) {
      const cause = p.get(s);
      if (cause === undefined || (BROAD.has(cause) && !BROAD.has(kind))) p.set(s, kind);
    }
  }
  for (const d of due) {
    const p = planFor(d.profile_id);
    for (const s of defs.timeDependent) if (!p.has(s)) p.set(s, 'time');
  }

  // A change nothing reads (a last_seen_at update with no segment on it) needs no evaluation.
  const ids = [...plan.keys()].filter((id) => plan.get(id)!.size > 0);
  const segments = new Set<SegmentDef>();
  for (const p of plan.values()) for (const s of p.keys()) segments.add(s);
  const ctx = { now, timezone: defs.timezone };
  const [facts, stored] = await Promise.all([
    loadFacts(args.reader, { workspaceId: ws, profileIds: ids, needs: needsOf(segments, ctx) }),
    // Every stored membership, also of segments not evaluated: a profile that is gone leaves them all.
    storedMemberships(args.reader, ws, ids),
  ]);
  const work: ProfileWork[] = ids.map((id) => ({ profileId: id, facts: facts.get(id), segments: plan.get(id)!, stored: stored.get(id) ?? EMPTY }));
  const outcome = reconcile(work, ctx);

  await writeTransitions(tx, { workspaceId: ws, at: now, transitions: outcome.transitions });
  // Claimed due rows are gone, so for those profiles this stores exactly the new instant; for the others
  // it keeps the earlier one (an early due only costs one extra evaluation).
  await mergeDue(tx, ws, outcome.due);
  await deleteDue(tx, ws, outcome.gone);
  return { changes: changes.length, due: due.length, transitions: outcome.transitions.length };
}

const EMPTY: ReadonlySet<string> = new Set();
const BROAD: ReadonlySet<Cause> = new Set<Cause>(['created', 'identity']);
