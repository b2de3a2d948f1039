import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';

const Q = loadQueries('changes', ['insert-changes']);

export type ChangeKind = 'created' | 'attributes' | 'event' | 'tags' | 'lists' | 'consent' | 'dnc' | 'identity' | 'erase';

export interface Change {
  profileId: string;
  kind: ChangeKind;
  /** What changed: attribute names, event names, tag names, list names or channels. */
  names?: readonly string[];
}

/**
 * Records that profiles changed, inside the caller's transaction, so the membership worker
 * re-evaluates just the segments those names can affect. Call it from every write path.
 */
export async function recordChanges(tx: Queryable, args: { workspaceId: string; changes: readonly Change[]; at: Date }): Promise<void> {
  if (args.changes.length === 0) return;
  const rows = args.changes.map((c) => ({ p: c.profileId, k: c.kind, n: c.names ?? [] }));
  await tx.query(Q['insert-changes'], [args.workspaceId, JSON.stringify(rows), args.at]);
}
