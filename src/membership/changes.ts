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
  await tx.query(Q['insert-changes'], [
    args.workspaceId,
    args.changes.map((c) => c.profileId),
    args.changes.map((c) => c.kind),
    args.changes.map((c) => JSON.stringify(c.names ?? [])),
    args.at,
  ]);
}
