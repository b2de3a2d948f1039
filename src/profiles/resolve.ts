import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { RetryTransaction } from '../db/retry.ts';
import { type AudienceError, Errors } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { distinctIdentifiers, type Identifier, identifierKey } from './identifiers.ts';

const Q = loadQueries('profiles', ['find-identities', 'get-external-ids', 'insert-identities', 'set-external-ids']);

export interface ResolveItem {
  identifiers: readonly Identifier[];
  /** The profile the write is about, when the caller names it (PATCH /v1/profiles/{id}). */
  profileId?: string;
}

export type Resolution =
  | { ok: true; profileId: string; created: boolean; newIdentifiers: Identifier[] }
  | { ok: false; error: AudienceError };

/**
 * Which profiles a write may touch: any (upsert, the default), only new ones (an item whose identifiers
 * are known is refused), or only existing ones (an item that would create a profile is refused).
 */
export type ResolveMode = 'upsert' | 'create-only' | 'update-only';

export interface Resolved {
  items: Resolution[];
  /** Profiles this write creates and their external id; the caller inserts their rows (with attributes). */
  created: Map<string, { externalId: string | null }>;
}

/**
 * Identity resolution for a whole write (one profile upsert or a batch of events), inside its transaction:
 * one query finds the known identifiers; items are then walked in order, so identifiers introduced by one
 * item are known to the next. An item whose identifiers point at two profiles, or that would give a profile
 * a second external id, is an identity conflict (409). New identifiers are inserted with ON CONFLICT DO
 * NOTHING; when a concurrent write took one first, RetryTransaction runs the whole transaction again
 * (it then finds the identifier and attaches to that profile).
 */
export async function resolveProfiles(tx: Queryable, args: { workspaceId: string; now: Date; items: readonly ResolveItem[]; mode?: ResolveMode }): Promise<Resolved> {
  const { workspaceId } = args;
  const mode = args.mode ?? 'upsert';
  const known = await findOwners(tx, workspaceId, args.items);
  // The external id of an existing profile matters only when an item would give it one, which the walk
  // finds out: load those (usually none) and walk again.
  const externalIds = new Map<string, string | null>();
  let p = plan(args.items, known, externalIds, mode);
  while (p.unloaded.size > 0) {
    const rows = await tx.query<{ profile_id: string; external_id: string | null }>(Q['get-external-ids'], [workspaceId, [...p.unloaded]]);
    for (const id of p.unloaded) externalIds.set(id, null);
    for (const r of rows) externalIds.set(r.profile_id, r.external_id);
    p = plan(args.items, known, externalIds, mode);
  }

  await insertIdentities(tx, { workspaceId, now: args.now, inserts: p.inserts });
  if (p.attachExternal.size > 0) {
    const rows = await tx.query(Q['set-external-ids'], [workspaceId, [...p.attachExternal.keys()], [...p.attachExternal.values()]]);
    if (rows.length < p.attachExternal.size) throw new RetryTransaction('a profile was given an external id meanwhile');
  }
  return { items: p.items, created: p.created };
}

interface Plan extends Resolved {
  inserts: { id: Identifier; profileId: string }[];
  attachExternal: Map<string, string>;
  /** Existing profiles the walk needed the external id of, not loaded yet. */
  unloaded: Set<string>;
}

/** Walks the items in order (no I/O): which profile each is for, what to create and attach, what conflicts. */
function plan(items: readonly ResolveItem[], known: ReadonlyMap<string, string>, loadedExternalIds: ReadonlyMap<string, string | null>, mode: ResolveMode): Plan {
  const owner = new Map(known);
  const externalIds = new Map(loadedExternalIds);
  const out: Plan = { items: [], created: new Map(), inserts: [], attachExternal: new Map(), unloaded: new Set() };

  for (const item of items) {
    const ids = distinctIdentifiers(item.identifiers);
    const found = new Map<string, Identifier | undefined>(); // profile → the first identifier that points at it
    if (item.profileId) found.set(item.profileId, undefined);
    for (const id of ids) {
      const p = owner.get(identifierKey(id));
      if (p && !found.has(p)) found.set(p, id);
      if (p && id.kind === 'external_id') externalIds.set(p, id.value);
    }
    if (found.size > 1) {
      out.items.push({ ok: false, error: conflictError(ids, owner, item.profileId) });
      continue;
    }
    if (mode === 'create-only' && found.size > 0) {
      out.items.push({ ok: false, error: Errors.profileExists({ message: `a profile with ${describe(ids.filter((id) => owner.has(identifierKey(id))))} exists (create-only)`, path: ids[0]?.path }) });
      continue;
    }
    if (mode === 'update-only' && found.size === 0) {
      out.items.push({ ok: false, error: Errors.noMatchingProfile({ identifiers: describe(ids), path: ids[0]?.path }) });
      continue;
    }

    let profileId = [...found.keys()][0];
    const isNew = profileId === undefined;
    if (profileId === undefined) {
      profileId = newId();
      out.created.set(profileId, { externalId: null });
      externalIds.set(profileId, null);
    }
    const ext = ids.find((id) => id.kind === 'external_id' && !owner.has(identifierKey(id)));
    if (ext) {
      if (!externalIds.has(profileId)) out.unloaded.add(profileId);
      const current = externalIds.get(profileId);
      if (current) {
        out.items.push({ ok: false, error: secondExternalIdError(ext, profileId, current) });
        continue;
      }
      externalIds.set(profileId, ext.value);
      const fresh = out.created.get(profileId);
      if (fresh) fresh.externalId = ext.value;
      else out.attachExternal.set(profileId, ext.value);
    }
    const newIdentifiers = ids.filter((id) => !owner.has(identifierKey(id)));
    for (const id of newIdentifiers) {
      owner.set(identifierKey(id), profileId);
      out.inserts.push({ id, profileId });
    }
    out.items.push({ ok: true, profileId, created: isNew, newIdentifiers });
  }
  return out;
}

/** identifier key → profile id, for every identifier the items carry that is already known. */
async function findOwners(tx: Queryable, workspaceId: string, items: readonly ResolveItem[]): Promise<Map<string, string>> {
  const all = distinctIdentifiers(items.flatMap((i) => i.identifiers));
  const owner = new Map<string, string>();
  if (all.length === 0) return owner;
  const [row] = await tx.query<{ found: [string, string, string][] }>(Q['find-identities'], [
    workspaceId, all.map((i) => i.kind), all.map((i) => i.value),
  ]);
  for (const [kind, value, profileId] of row!.found) owner.set(identifierKey({ kind, value }), profileId);
  return owner;
}

async function insertIdentities(tx: Queryable, args: { workspaceId: string; now: Date; inserts: { id: Identifier; profileId: string }[] }): Promise<void> {
  if (args.inserts.length === 0) return;
  // One lock order for every writer: by (kind, value).
  const sorted = [...args.inserts].sort((a, b) => compare(a.id.kind, b.id.kind) || compare(a.id.value, b.id.value));
  const [row] = await tx.query<{ n: number }>(Q['insert-identities'], [
    args.workspaceId, sorted.map((s) => s.id.kind), sorted.map((s) => s.id.value), sorted.map((s) => s.profileId), args.now,
  ]);
  if (row!.n < sorted.length) throw new RetryTransaction('an identifier was taken by a concurrent write');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const describe = (ids: readonly Identifier[]): string => ids.map((id) => `${id.kind} ${JSON.stringify(id.value)}`).join(', ');

function conflictError(ids: readonly Identifier[], owner: Map<string, string>, profileId: string | undefined): AudienceError {
  const pointing = ids.filter((id) => owner.has(identifierKey(id))).map((id) => ({ kind: id.kind, value: id.value, profile_id: owner.get(identifierKey(id))!, path: id.path }));
  const culprit = pointing.find((p) => p.profile_id !== (profileId ?? pointing[0]!.profile_id))!;
  const list = pointing.map((p) => `${p.kind} ${JSON.stringify(p.value)} is profile ${p.profile_id}`);
  if (profileId) list.unshift(`the request is for profile ${profileId}`);
  return Errors.identityConflict({
    message: `identifiers point at different profiles: ${list.join('; ')}`,
    path: culprit.path,
    details: { profile_id: profileId, identifiers: pointing.map(({ path: _path, ...p }) => p) },
  });
}

function secondExternalIdError(ext: Identifier, profileId: string, current: string): AudienceError {
  return Errors.identityConflict({
    message: `external_id ${JSON.stringify(ext.value)} can not be added to profile ${profileId}, which has external_id ${JSON.stringify(current)}`,
    path: ext.path,
    details: { profile_id: profileId, identifiers: [{ kind: 'external_id', value: current, profile_id: profileId }, { kind: 'external_id', value: ext.value }] },
  });
}
