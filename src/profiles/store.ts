import type { AttributePatch } from '../attributes/patch.ts';
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Change } from '../membership/changes.ts';
import type { IdentifierKind } from './identifiers.ts';

const Q = loadQueries('profiles', ['insert-profiles', 'update-profiles']);

/** Everything one write does to one profile, merged over the write's items. */
export interface ProfileWrite {
  profileId: string;
  /** Created by this write (see resolveProfiles), with its external id. */
  created?: { externalId: string | null };
  patch: AttributePatch;
  /** Latest timestamp of the events stored for it (ISO, UTC); moves last_seen_at forward. */
  lastSeenAt?: string;
  newIdentifierKinds: IdentifierKind[];
}

/**
 * Inserts the new profiles (with their first attributes and created_at) and merges the patches into the
 * others, two statements for any number of profiles. Returns the change records to write: created,
 * attributes (for rows that really changed; names are the patched ones) and identity.
 */
export async function saveProfiles(tx: Queryable, args: { workspaceId: string; now: Date; writes: readonly ProfileWrite[] }): Promise<Change[]> {
  const { workspaceId, now } = args;
  const changes: Change[] = [];
  const fresh = args.writes.filter((w) => w.created);
  if (fresh.length > 0) {
    const attributes = fresh.map((w) => firstAttributes(w, now));
    await tx.query(Q['insert-profiles'], [
      workspaceId, fresh.map((w) => w.profileId), fresh.map((w) => w.created!.externalId), attributes.map((a) => JSON.stringify(a)), now,
    ]);
    fresh.forEach((w, i) => changes.push({ profileId: w.profileId, kind: 'created', names: Object.keys(attributes[i]!) }));
  }

  // Sorted by profile id: concurrent writers lock rows in one order.
  const existing = args.writes
    .filter((w) => !w.created && (Object.keys(w.patch).length > 0 || w.lastSeenAt))
    .sort((a, b) => (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0));
  if (existing.length > 0) {
    const [row] = await tx.query<{ unchanged: number[] }>(Q['update-profiles'], [
      workspaceId, existing.map((w) => w.profileId), existing.map((w) => JSON.stringify(w.patch)), existing.map((w) => w.lastSeenAt ?? null), now,
    ]);
    const unchanged = new Set(row!.unchanged);
    for (const [i, w] of existing.entries()) {
      if (unchanged.has(i)) continue;
      const names = Object.keys(w.patch);
      if (w.lastSeenAt && !names.includes('last_seen_at')) names.push('last_seen_at');
      changes.push({ profileId: w.profileId, kind: 'attributes', names });
    }
  }
  for (const w of args.writes) {
    if (!w.created && w.newIdentifierKinds.length > 0) changes.push({ profileId: w.profileId, kind: 'identity', names: [...new Set(w.newIdentifierKinds)] });
  }
  return changes;
}

function firstAttributes(w: ProfileWrite, now: Date): Record<string, unknown> {
  const out: Record<string, unknown> = { created_at: now.toISOString() };
  for (const [k, v] of Object.entries(w.patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  if (w.lastSeenAt && !(typeof out.last_seen_at === 'string' && out.last_seen_at >= w.lastSeenAt)) out.last_seen_at = w.lastSeenAt;
  return out;
}

/** Merges per-item patches into one write per profile, in item order (a later value wins). */
export class ProfileWrites {
  private readonly byId = new Map<string, ProfileWrite>();

  add(args: { profileId: string; created?: { externalId: string | null }; patch?: AttributePatch; seenAt?: string; newIdentifierKinds?: readonly IdentifierKind[] }): void {
    let w = this.byId.get(args.profileId);
    if (!w) this.byId.set(args.profileId, (w = { profileId: args.profileId, patch: {}, newIdentifierKinds: [] }));
    if (args.created) w.created = args.created;
    if (args.patch) Object.assign(w.patch, args.patch);
    if (args.seenAt && (!w.lastSeenAt || args.seenAt > w.lastSeenAt)) w.lastSeenAt = args.seenAt;
    if (args.newIdentifierKinds) w.newIdentifierKinds.push(...args.newIdentifierKinds);
  }

  list(): ProfileWrite[] {
    return [...this.byId.values()];
  }
}
