import type { AttributePatch } from '../attributes/patch.ts';
import type { ConsentService } from '../consent/service.ts';
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { type Change, recordChanges } from '../membership/changes.ts';
import { resolveProfiles } from '../profiles/resolve.ts';
import { ProfileWrites, saveProfiles } from '../profiles/store.ts';
import { newId } from '../shared/ids.ts';
import type { RunPlan } from './plan.ts';
import type { PreparedRow, Rejection } from './prepare.ts';

const Q = loadQueries('imports', ['insert-rejections', 'insert-tags', 'get-tags', 'tag-pairs']);
const L = loadQueries('lists', ['add-members']);

export interface BatchCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/**
 * Writes one batch of rows inside the caller's transaction, with the profile paths every other write uses:
 * identities resolved for the whole batch at once (resolveProfiles, which also enforces create-only /
 * update-only), new profiles and attribute patches in two statements (saveProfiles), then tags, the list
 * and consent in one statement each, the change records real-time membership reads, and the rejected rows.
 *
 * Counting, per row: `created` made the profile; `updated` changed its attributes, identifiers, consent or
 * tags from its columns; `unchanged` changed none of those. The import's own list and tags (the default
 * tag) go to every row without counting as a change, so importing the same file again counts no update.
 * A profile this batch creates gets no separate tags / lists / consent change records: its 'created'
 * record already has every segment evaluated for it.
 */
export async function writeBatch(tx: Queryable, deps: { consent: ConsentService }, args: {
  workspaceId: string; importId: string; now: Date; plan: RunPlan; rows: readonly PreparedRow[]; rejected: readonly Rejection[];
}): Promise<BatchCounts> {
  const { workspaceId, now, plan, rows } = args;
  const rejected = [...args.rejected];
  const resolved = await resolveProfiles(tx, { workspaceId, now, mode: plan.mode, items: rows });

  const writes = new ProfileWrites();
  const applied: { row: PreparedRow; profileId: string; outcome: Outcome }[] = [];
  const inBatch = new Map<string, AttributePatch>(); // profile → what earlier rows of the batch set
  rows.forEach((row, k) => {
    const r = resolved.items[k]!;
    if (!r.ok) {
      rejected.push({ row: row.row, column: r.error.path ?? null, reason: r.error.message, cells: row.cells });
      return;
    }
    writes.add({ profileId: r.profileId, created: resolved.created.get(r.profileId), patch: row.patch, newIdentifierKinds: r.newIdentifiers.map((i) => i.kind) });
    const before = inBatch.get(r.profileId);
    let outcome: Outcome;
    if (r.created) outcome = 'created';
    else if (!before) outcome = 'first'; // decided below, by what the database changed
    else outcome = r.newIdentifiers.length > 0 || Object.entries(row.patch).some(([k2, v]) => !same(before[k2], v)) ? 'updated' : 'unchanged';
    inBatch.set(r.profileId, { ...before, ...row.patch });
    applied.push({ row, profileId: r.profileId, outcome });
  });

  const changes: Change[] = await saveProfiles(tx, { workspaceId, now, writes: writes.list() });
  const changed = new Set(changes.filter((c) => c.kind === 'attributes' || c.kind === 'identity').map((c) => c.profileId));
  const created = new Set(resolved.created.keys());
  const existing = (profileId: string) => !created.has(profileId);

  // Tags: the import's own for every row, plus those of tag and tags columns (created when new).
  const rowTags = await tagIdsByName(tx, { workspaceId, now, names: applied.flatMap((a) => a.row.tagNames) });
  const pairs = new Map<string, { profileId: string; tagId: string; fromColumn: boolean }>();
  for (const a of applied) {
    for (const t of plan.tags) pairs.set(`${a.profileId}|${t.id}`, { profileId: a.profileId, tagId: t.id, fromColumn: false });
    for (const id of [...a.row.tagIds, ...a.row.tagNames.map((n) => rowTags.get(n)!)]) pairs.set(`${a.profileId}|${id}`, { profileId: a.profileId, tagId: id, fromColumn: true });
  }
  const tagNames = new Map([...plan.tags.map((t) => [t.id, t.name] as const), ...[...rowTags].map(([name, id]) => [id, name] as const)]);
  const sorted = [...pairs.values()].sort((a, b) => cmp(a.profileId, b.profileId) || cmp(a.tagId, b.tagId));
  const tagged = sorted.length === 0 ? [] : await tx.query<{ profile_id: string; tag_id: string }>(Q['tag-pairs'], [workspaceId, sorted.map((p) => p.profileId), sorted.map((p) => p.tagId), now]);
  const tagsAdded = new Map<string, string[]>();
  for (const t of tagged) {
    if (pairs.get(`${t.profile_id}|${t.tag_id}`)!.fromColumn) changed.add(t.profile_id);
    if (!existing(t.profile_id)) continue;
    let names = tagsAdded.get(t.profile_id);
    if (!names) tagsAdded.set(t.profile_id, (names = []));
    names.push(tagNames.get(t.tag_id)!);
  }
  for (const [profileId, names] of tagsAdded) changes.push({ profileId, kind: 'tags', names });

  const profileIds = [...new Set(applied.map((a) => a.profileId))].sort(cmp);
  if (plan.list && profileIds.length > 0) {
    const joined = await tx.query<{ profile_id: string }>(L['add-members'], [workspaceId, plan.list.id, profileIds, now]);
    for (const j of joined) if (existing(j.profile_id)) changes.push({ profileId: j.profile_id, kind: 'lists', names: [plan.list.name] });
  }

  // Consent: the last answer of the batch per profile and channel.
  const answers = new Map<string, { profileId: string; channel: string; status: 'subscribed' | 'unsubscribed' }>();
  for (const a of applied) for (const c of a.row.consents) answers.set(`${a.profileId}|${c.channel}`, { profileId: a.profileId, ...c });
  const consented = await deps.consent.importMany(tx, { workspaceId, at: now, actor: plan.actor, note: `import ${args.importId}`, items: [...answers.values()] });
  const consentChanges = new Map<string, string[]>();
  for (const c of consented) {
    changed.add(c.profile_id);
    if (!existing(c.profile_id)) continue;
    let channels = consentChanges.get(c.profile_id);
    if (!channels) consentChanges.set(c.profile_id, (channels = []));
    channels.push(c.channel);
  }
  for (const [profileId, names] of consentChanges) changes.push({ profileId, kind: 'consent', names });

  await recordChanges(tx, { workspaceId, at: now, changes });
  if (rejected.length > 0) {
    rejected.sort((a, b) => a.row - b.row);
    await tx.query(Q['insert-rejections'], [
      args.importId, rejected.map((r) => r.row), rejected.map((r) => r.column), rejected.map((r) => r.reason), rejected.map((r) => JSON.stringify(r.cells)),
    ]);
  }

  const counts: BatchCounts = { read: rows.length + args.rejected.length, created: 0, updated: 0, unchanged: 0, rejected: rejected.length };
  for (const a of applied) {
    const outcome = a.outcome === 'first' ? (changed.has(a.profileId) ? 'updated' : 'unchanged') : a.outcome;
    counts[outcome]++;
  }
  return counts;
}

type Outcome = 'created' | 'first' | 'updated' | 'unchanged';

/** Ids of the tags these names name, creating the ones that do not exist. */
export async function tagIdsByName(tx: Queryable, args: { workspaceId: string; now: Date; names: readonly string[] }): Promise<Map<string, string>> {
  const names = [...new Set(args.names)].sort(cmp);
  if (names.length === 0) return new Map();
  const find = async () => new Map((await tx.query<{ id: string; name: string }>(Q['get-tags'], [args.workspaceId, names])).map((t) => [t.name, t.id]));
  let found = await find();
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    await tx.query(Q['insert-tags'], [args.workspaceId, missing.map(() => newId()), missing, args.now]);
    found = await find();
  }
  return found;
}

const same = (a: unknown, b: unknown): boolean => (Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
