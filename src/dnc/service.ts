import type { ChannelRegistry } from '../channels/registry.ts';
import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { recordChanges } from '../membership/changes.ts';
import type { Clock } from '../shared/clock.ts';
import { normalizeContact } from '../shared/contacts.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { Errors } from '../shared/errors.ts';
import { isUuid, newId } from '../shared/ids.ts';
import type { RowFile } from '../imports/readers/open.ts';
import { importDnc, type DncImportOptions, type DncImportReport } from './import.ts';
import { checkEntry, entryKey, type DncEntry, type DncInput, type NormalEntry } from './entry.ts';
import { countQuery, pageQuery, sortKey, type DncFilter, type DncSort } from './list-query.ts';

const Q = loadQueries('dnc', ['insert-entries', 'get-entry', 'delete-by-ids', 'delete-by-contacts', 'entries-for-contacts', 'profiles-with-contacts']);

export interface AddItemResult {
  index: number;
  status: 'added' | 'duplicate' | 'invalid';
  contact?: string;
  id?: string;
  reason?: string;
  path?: string;
}

export interface RemoveResult {
  removed: number;
  not_found: number;
  invalid: number;
  results: { index: number; status: 'removed' | 'not_found' | 'invalid'; value: string; removed?: number; reason?: string }[];
}

/**
 * The Do-Not-Contact list: contacts (normalised email or E.164 phone) that must not be contacted on
 * a channel, or on any channel. Entries are only ever removed by an explicit remove call; adds and
 * imports skip what is already listed and never remove anything.
 */
export class DncService {
  constructor(private readonly deps: { db: Db; clock: Clock; channels: ChannelRegistry }) {}

  /** Adds one entry: its id and whether it is new; an invalid contact or channel is a 422 on its field. */
  async addOne(workspaceId: string, input: DncInput): Promise<{ entry: DncEntry; added: boolean }> {
    const channels = new Set(await this.deps.channels.names(this.deps.db, workspaceId));
    const checked = checkEntry(input, channels);
    if ('error' in checked) {
      if (checked.error.field === 'channel') throw Errors.unknownChannel({ channel: String(input.channel), path: 'channel' });
      throw Errors.invalidContact({ value: input.contact, path: 'contact' });
    }
    return this.deps.db.transaction(async (tx) => {
      const [id] = await this.insertChecked(tx, { workspaceId, entries: [checked.ok], at: this.deps.clock.now() });
      if (id) return { entry: (await this.getIn(tx, workspaceId, id))!, added: true };
      const [existing] = (await tx.query<DncEntry>(Q['entries-for-contacts'], [workspaceId, [checked.ok.contact]]))
        .filter((e) => entryKey(e) === entryKey(checked.ok));
      return { entry: existing!, added: false };
    });
  }

  /** Adds many entries in one transaction; each is reported added, duplicate (listed already, or earlier in the request) or invalid. */
  async addMany(workspaceId: string, inputs: readonly DncInput[]): Promise<{ added: number; duplicate: number; invalid: number; results: AddItemResult[] }> {
    const channels = new Set(await this.deps.channels.names(this.deps.db, workspaceId));
    const results: AddItemResult[] = [];
    const fresh: { index: number; entry: NormalEntry }[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, index) => {
      const checked = checkEntry(input, channels);
      if ('error' in checked) {
        results[index] = { index, status: 'invalid', reason: checked.error.reason, path: `entries[${index}].${checked.error.field}` };
      } else if (seen.has(entryKey(checked.ok))) {
        results[index] = { index, status: 'duplicate', contact: checked.ok.contact };
      } else {
        seen.add(entryKey(checked.ok));
        fresh.push({ index, entry: checked.ok });
      }
    });
    await this.deps.db.transaction(async (tx) => {
      const ids = await this.insertChecked(tx, { workspaceId, entries: fresh.map((f) => f.entry), at: this.deps.clock.now() });
      fresh.forEach(({ index, entry }, i) => {
        results[index] = ids[i] ? { index, status: 'added', contact: entry.contact, id: ids[i]! } : { index, status: 'duplicate', contact: entry.contact };
      });
    });
    const count = (s: AddItemResult['status']) => results.filter((r) => r.status === s).length;
    return { added: count('added'), duplicate: count('duplicate'), invalid: count('invalid'), results };
  }

  /**
   * Inserts normalised entries in `tx` and records a 'dnc' change for the profiles they concern.
   * Returns, per entry, its new id, or null when it was on the list already. Imports use it batch by batch.
   */
  async insertChecked(tx: Queryable, args: { workspaceId: string; entries: readonly NormalEntry[]; at: Date }): Promise<(string | null)[]> {
    const { workspaceId, entries, at } = args;
    if (entries.length === 0) return [];
    const ids = entries.map(() => newId());
    const rows = await tx.query<{ id: string }>(Q['insert-entries'], [
      workspaceId, at, ids, entries.map((e) => e.contact), entries.map((e) => e.contact_kind),
      entries.map((e) => e.channel), entries.map((e) => e.sender), entries.map((e) => e.source),
    ]);
    const added = new Set(rows.map((r) => r.id));
    await this.recordDncChanges(tx, { workspaceId, touched: entries.filter((_, i) => added.has(ids[i]!)), at });
    return ids.map((id) => (added.has(id) ? id : null));
  }

  /** Removes entries by id or by contact (every entry of the contact), all in one transaction. */
  async remove(workspaceId: string, args: { ids?: readonly string[]; contacts?: readonly string[] }): Promise<RemoveResult> {
    const results: RemoveResult['results'] = [];
    const at = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      const removed: { id: string; contact: string; channel: string | null }[] = [];
      const ids = args.ids ?? [];
      const validIds = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
      const byId = new Map((await tx.query<{ id: string; contact: string; channel: string | null }>(Q['delete-by-ids'], [workspaceId, validIds])).map((r) => [r.id, r]));
      removed.push(...byId.values());
      ids.forEach((value, index) => {
        if (!isUuid(value)) results.push({ index, status: 'invalid', value, reason: 'not an entry id' });
        else results.push({ index, status: byId.has(value.toLowerCase()) ? 'removed' : 'not_found', value });
      });
      const contacts = (args.contacts ?? []).map((value) => ({ value, normal: normalizeContact(value)?.value }));
      const normals = [...new Set(contacts.flatMap((c) => (c.normal ? [c.normal] : [])))];
      const byContact = await tx.query<{ id: string; contact: string; channel: string | null }>(Q['delete-by-contacts'], [workspaceId, normals]);
      removed.push(...byContact);
      contacts.forEach(({ value, normal }, i) => {
        const index = ids.length + i;
        if (!normal) return void results.push({ index, status: 'invalid', value, reason: 'neither an email address nor a phone number' });
        const n = byContact.filter((r) => r.contact === normal).length;
        results.push({ index, status: n > 0 ? 'removed' : 'not_found', value, removed: n });
      });
      await this.recordDncChanges(tx, { workspaceId, touched: removed, at });
    });
    const count = (s: RemoveResult['results'][number]['status']) => results.filter((r) => r.status === s).length;
    return { removed: count('removed'), not_found: count('not_found'), invalid: count('invalid'), results };
  }

  async get(workspaceId: string, id: string): Promise<DncEntry> {
    const entry = await this.getIn(this.deps.db, workspaceId, id);
    if (!entry) throw Errors.notFound({ resource: 'DNC entry', id });
    return entry;
  }

  /** A page of the list, filtered and sorted; `offset` pages report the total, cursor pages do not need it. */
  async list(args: { workspaceId: string; filter: DncFilter; sort: DncSort; cursor?: string; offset?: number; limit: number }): Promise<{ data: DncEntry[]; next_cursor: string | null; total?: number }> {
    const { workspaceId, filter, sort, limit } = args;
    const after = args.cursor ? readCursor(args.cursor, sort) : undefined;
    const q = pageQuery({ workspaceId, filter, sort, after, offset: args.offset, limit: limit + 1 });
    const rows = await this.deps.db.query<DncEntry>(q.sql, q.params);
    const data = rows.slice(0, limit);
    const next_cursor = rows.length > limit ? encodeCursor({ sort: sortName(sort), ...sortKey(data.at(-1)!, sort.column) }) : null;
    if (args.offset === undefined) return { data, next_cursor };
    const c = countQuery({ workspaceId, filter });
    const [total] = await this.deps.db.query<{ n: number }>(c.sql, c.params);
    return { data, next_cursor, total: total!.n };
  }

  /** Every entry passing the filter, in order, a page at a time (CSV export). */
  async *all(args: { workspaceId: string; filter: DncFilter; sort: DncSort }): AsyncGenerator<DncEntry> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...args, cursor, limit: 1000 });
      yield* page.data;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /** Imports a file of contacts (or analyzes it, with `dryRun`); see import.ts. */
  importFile(args: { workspaceId: string; file: RowFile; options: DncImportOptions }): Promise<DncImportReport> {
    return importDnc({ ...this.deps, dnc: this }, args);
  }

  /** Whether a contact is on the list (for a channel: an entry for it or for every channel). */
  async check(workspaceId: string, args: { contact: string; channel?: string }): Promise<{ contact: string; contact_kind: string; listed: boolean; entries: DncEntry[] }> {
    const c = normalizeContact(args.contact);
    if (!c) throw Errors.invalidContact({ value: args.contact, path: 'query.contact' });
    if (args.channel !== undefined) await this.deps.channels.assertKnown(this.deps.db, { workspaceId, channel: args.channel, path: 'query.channel' });
    const entries = (await this.deps.db.query<DncEntry>(Q['entries-for-contacts'], [workspaceId, [c.value]]))
      .filter((e) => args.channel === undefined || e.channel === null || e.channel === args.channel);
    return { contact: c.value, contact_kind: c.kind, listed: entries.length > 0, entries };
  }

  /** The entries of a profile's addresses (its page shows them); addresses that do not normalise are ignored. */
  async entriesFor(workspaceId: string, addresses: readonly string[]): Promise<DncEntry[]> {
    const contacts = addresses.flatMap((a) => normalizeContact(a)?.value ?? []);
    if (contacts.length === 0) return [];
    return this.deps.db.query<DncEntry>(Q['entries-for-contacts'], [workspaceId, contacts]);
  }

  /**
   * A 'dnc' change record for every profile whose email or phone is one of the touched contacts, named
   * with the channels concerned (all of the workspace's channels for an entry that covers every channel).
   */
  private async recordDncChanges(tx: Queryable, args: { workspaceId: string; touched: readonly { contact: string; channel: string | null }[]; at: Date }): Promise<void> {
    if (args.touched.length === 0) return;
    const channelsOf = new Map<string, Set<string | null>>();
    for (const t of args.touched) channelsOf.set(t.contact, (channelsOf.get(t.contact) ?? new Set()).add(t.channel));
    const contacts = [...channelsOf.keys()];
    const profiles = await tx.query<{ profile_id: string; email: string | null; phone: string | null }>(Q['profiles-with-contacts'], [
      args.workspaceId, contacts.filter((c) => c.includes('@')), contacts.filter((c) => !c.includes('@')),
    ]);
    if (profiles.length === 0) return;
    const all = await this.deps.channels.names(tx, args.workspaceId);
    const changes = profiles.map((p) => {
      const names = new Set<string>();
      for (const address of [p.email, p.phone]) {
        for (const ch of channelsOf.get(address ?? '') ?? []) for (const n of ch === null ? all : [ch]) names.add(n);
      }
      return { profileId: p.profile_id, kind: 'dnc' as const, names: [...names].sort() };
    });
    await recordChanges(tx, { workspaceId: args.workspaceId, changes, at: args.at });
  }

  private async getIn(q: Queryable, workspaceId: string, id: string): Promise<DncEntry | undefined> {
    if (!isUuid(id)) return undefined;
    const [entry] = await q.query<DncEntry>(Q['get-entry'], [workspaceId, id]);
    return entry;
  }
}

const sortName = (sort: DncSort): string => (sort.desc ? '-' : '') + sort.column;

/** A cursor holds its sort, the last row's sort value and id; it is only valid under the sort that made it. */
function readCursor(cursor: string, sort: DncSort): [string, string] {
  const c = decodeCursor(cursor, ['sort', 'value', 'id'], (c) =>
    c.sort === sortName(sort) && isUuid(c.id) && (sort.column !== 'added_at' || !Number.isNaN(Date.parse(c.value))));
  return [c.value, c.id];
}
