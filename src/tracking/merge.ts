import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { type Change, recordChanges } from '../membership/changes.ts';

const Q = loadQueries('tracking', [
  'lock-profiles', 'take-identities', 'give-identities', 'move-events', 'delete-events', 'move-tags', 'move-lists',
  'move-consents', 'move-privacy-log', 'merge-attributes', 'delete-profile', 'insert-merge',
]);

/** anonymous: an anonymous profile joined the known one; alias: two known profiles, merged as the workspace allows. */
export type MergeReason = 'anonymous' | 'alias';

export interface MergeResult {
  into: string;
  from: string;
  moved: { events: number; identifiers: number; tags: number; lists: number; consents: number; privacy_log: number };
}

/**
 * Moves everything of profile `from` to profile `into`, inside the caller's transaction, then deletes
 * `from`: identifiers, events, tags, lists, consent (the newer record of a channel wins), the privacy log,
 * and the attributes `into` lacks. Rows move by insert + delete, never by updating profile_id (SCALE.md
 * rule 3). Records the merge and the changes of both profiles, so the membership worker moves the
 * memberships: `into` is re-evaluated for what it gained, `from` leaves its segments as an erased profile.
 */
export async function mergeProfiles(tx: Queryable, args: { workspaceId: string; from: string; into: string; reason: MergeReason; now: Date }): Promise<MergeResult | undefined> {
  const { workspaceId: ws, from, into, now } = args;
  const locked = await tx.query<{ profile_id: string; attributes: Record<string, unknown> }>(Q['lock-profiles'], [ws, [from, into]]);
  const source = locked.find((p) => p.profile_id === from);
  if (!source || !locked.some((p) => p.profile_id === into)) return undefined; // merged or erased meanwhile

  const ids = await tx.query<{ kind: string; value: string; created_at: Date }>(Q['take-identities'], [ws, from]);
  if (ids.length > 0) await tx.query(Q['give-identities'], [ws, into, ids.map((i) => i.kind), ids.map((i) => i.value), ids.map((i) => i.created_at)]);
  const [events] = await tx.query<{ n: number; names: string[] }>(Q['move-events'], [ws, from, into]);
  await tx.query(Q['delete-events'], [ws, from]);
  const count = async (q: string) => (await tx.query<{ n: number }>(q, [ws, from, into]))[0]!.n;
  const moved = {
    events: events!.n, identifiers: ids.length,
    tags: await count(Q['move-tags']), lists: await count(Q['move-lists']),
    consents: await count(Q['move-consents']), privacy_log: await count(Q['move-privacy-log']),
  };
  const createdAt = typeof source.attributes.created_at === 'string' ? new Date(source.attributes.created_at) : now;
  await tx.query(Q['merge-attributes'], [ws, into, JSON.stringify(source.attributes), createdAt, now]);
  await tx.query(Q['delete-profile'], [ws, from]);
  await tx.query(Q['insert-merge'], [ws, into, from, args.reason, JSON.stringify(moved), now]);

  // 'identity' re-evaluates every segment for the survivor (tags, lists and consent included); the
  // merged profile leaves its segments as an erased one does.
  const changes: Change[] = [
    { profileId: into, kind: 'identity', names: [...new Set(ids.map((i) => i.kind))] },
    { profileId: from, kind: 'erase' },
  ];
  await recordChanges(tx, { workspaceId: ws, at: now, changes });
  return { into, from, moved };
}
