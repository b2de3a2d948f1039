import { withDerived } from '../attributes/derived.ts';
import type { AttributePatch } from '../attributes/patch.ts';
import type { AttributeRegistry } from '../attributes/registry.ts';
import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { transactionWithRetry } from '../db/retry.ts';
import { profileEvents, type StoredEvent } from '../events/store.ts';
import { recordChanges } from '../membership/changes.ts';
import type { Clock } from '../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { Errors } from '../shared/errors.ts';
import { isUuid } from '../shared/ids.ts';
import { membersQuery, type RuleNode } from '../rules/index.ts';
import { contactAttributes, type IdentifierFields, type IdentifierKind, identifiersFrom, takeContacts } from './identifiers.ts';
import { resolveProfiles, type ResolveItem } from './resolve.ts';
import { ProfileWrites, saveProfiles } from './store.ts';

const Q = loadQueries('profiles', [
  'lock-profile', 'get-profile', 'get-profile-core', 'get-identifiers', 'list-profiles', 'search-profiles',
  'delete-profile', 'delete-identities', 'delete-events', 'delete-tags', 'delete-list-memberships', 'delete-consents',
  'profiles-by-ids', 'profile-csv-rows',
]);

/** A profile as a row of the CSV export. */
export interface ProfileCsvRow {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  city: string | null;
  country: string | null;
  created_at: Date;
}
export const PROFILE_CSV_COLUMNS = ['id', 'external_id', 'email', 'phone', 'first_name', 'last_name', 'city', 'country', 'created_at'] as const;

interface ProfileRow {
  id: string;
  external_id: string | null;
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface ProfileView extends ProfileRow {
  identifiers: { kind: IdentifierKind; value: string }[];
}

export interface ProfileDetail extends ProfileView {
  tags: string[];
  lists: { id: string; name: string }[];
  consent: Record<string, { status: string; source: string; updated_at: string }>;
  events: StoredEvent[];
}

type Scope = { workspaceId: string; timezone: string };

/** Profiles: upsert by any identifier, read, search, patch and erase. Every write records its changes. */
export class ProfileService {
  constructor(private readonly deps: { db: Db; clock: Clock; attributes: AttributeRegistry }) {}

  /** Finds the profile by its identifiers (creating it when none is known) and merges the attributes. */
  async upsert(args: Scope & { identifiers: IdentifierFields; paths?: Partial<Record<keyof IdentifierFields, string>>; attributes?: Record<string, unknown> }): Promise<{ profile: ProfileView; created: boolean }> {
    const fields = identifiersFrom(args.identifiers, args.paths ?? {});
    const contacts = takeContacts(args.attributes ?? {}, 'attributes');
    const identifiers = [...fields, ...contacts.identifiers];
    if (identifiers.length === 0) throw Errors.noIdentifier();
    const coerced = await this.deps.attributes.coerce({ workspaceId: args.workspaceId, timezone: args.timezone, values: contacts.values, path: 'attributes' });
    return this.write(args, { identifiers }, { ...contactAttributes(fields), ...coerced });
  }

  /** Merges attributes into one profile (null clears one). A new email or phone must not belong to another profile. */
  async patch(args: Scope & { id: string; attributes: Record<string, unknown> }): Promise<ProfileView> {
    const contacts = takeContacts(args.attributes, 'attributes');
    const patch = await this.deps.attributes.coerce({ workspaceId: args.workspaceId, timezone: args.timezone, values: contacts.values, path: 'attributes' });
    const { profile } = await this.write(args, { identifiers: contacts.identifiers, profileId: args.id }, patch);
    return profile;
  }

  async get(args: Scope & { id: string }): Promise<ProfileDetail> {
    const { db } = this.deps;
    const [[row], identifiers, events] = await Promise.all([
      db.query<Omit<ProfileDetail, 'identifiers' | 'events'>>(Q['get-profile'], [args.workspaceId, args.id]),
      db.query<{ kind: IdentifierKind; value: string }>(Q['get-identifiers'], [args.workspaceId, [args.id]]),
      profileEvents(db, { workspaceId: args.workspaceId, profileId: args.id, limit: 20 }),
    ]);
    if (!row) throw Errors.notFound({ resource: 'profile', id: args.id });
    const attributes = withDerived(row.attributes, this.deps.clock.now(), args.timezone);
    // Instants inside jsonb come back in PostgreSQL's text form; the API writes every instant as ISO UTC.
    const consent = Object.fromEntries(Object.entries(row.consent).map(([channel, c]) => [channel, { ...c, updated_at: new Date(c.updated_at).toISOString() }]));
    return { ...row, attributes, consent, identifiers: identifiers.map(({ kind, value }) => ({ kind, value })), events: events.data };
  }

  /** Profiles in creation order, optionally those whose identifier or name starts with `q`. */
  async list(args: Scope & { q?: string; cursor?: string; limit: number }): Promise<{ data: ProfileView[]; next_cursor: string | null }> {
    const after = args.cursor ? decodeCursor(args.cursor, ['after'], (p) => isUuid(p.after)).after : null;
    const q = args.q?.trim();
    const rows = q
      ? await this.deps.db.query<ProfileRow>(Q['search-profiles'], [args.workspaceId, after, args.limit + 1, ...searchPatterns(q)])
      : await this.deps.db.query<ProfileRow>(Q['list-profiles'], [args.workspaceId, after, args.limit + 1]);
    const page = rows.slice(0, args.limit);
    const data = await this.withIdentifiers(this.deps.db, args, page);
    const last = page[page.length - 1];
    return { data, next_cursor: rows.length > args.limit && last ? encodeCursor({ after: last.id }) : null };
  }

  /**
   * The profiles a filter rule matches now (the bulk query), a page at a time by profile id, with the
   * total count of matches.
   */
  async listMatching(args: Scope & { node: RuleNode; cursor?: string; limit: number }): Promise<{ data: ProfileView[]; next_cursor: string | null; total: number }> {
    const after = args.cursor ? decodeCursor(args.cursor, ['after'], (p) => isUuid(p.after)).after : undefined;
    const base = { workspaceId: args.workspaceId, node: args.node, now: this.deps.clock.now(), timezone: args.timezone };
    const count = membersQuery({ ...base, mode: 'count' });
    // The count (the slow part over many profiles) runs beside the page, on another connection of the pool.
    const [[row], page] = await Promise.all([
      this.deps.db.query<{ count: number | string }>(count.sql, count.params),
      (async () => {
        const ids = await this.matchingIds(base, after, args.limit + 1);
        const pageIds = ids.slice(0, args.limit);
        const rows = pageIds.length === 0 ? [] : await this.deps.db.query<ProfileRow>(Q['profiles-by-ids'], [args.workspaceId, pageIds]);
        const last = pageIds[pageIds.length - 1];
        return { data: await this.withIdentifiers(this.deps.db, args, rows), next_cursor: ids.length > args.limit && last ? encodeCursor({ after: last }) : null };
      })(),
    ]);
    return { ...page, total: Number(row?.count ?? 0) };
  }

  /** Every profile a filter rule matches (null: every profile), as CSV rows, read in pages by profile id. */
  async *csvRows(args: Scope & { node: RuleNode | null; pageSize?: number }): AsyncGenerator<ProfileCsvRow> {
    const size = args.pageSize ?? 1000;
    const base = { workspaceId: args.workspaceId, node: args.node, now: this.deps.clock.now(), timezone: args.timezone };
    let after: string | undefined;
    for (;;) {
      const ids = base.node
        ? await this.matchingIds({ ...base, node: base.node }, after, size)
        : (await this.deps.db.query<ProfileRow>(Q['list-profiles'], [args.workspaceId, after ?? null, size])).map((r) => r.id);
      if (ids.length === 0) return;
      yield* await this.deps.db.query<ProfileCsvRow>(Q['profile-csv-rows'], [args.workspaceId, ids]);
      if (ids.length < size) return;
      after = ids[ids.length - 1];
    }
  }

  private async matchingIds(base: { workspaceId: string; node: RuleNode; now: Date; timezone: string }, after: string | undefined, limit: number): Promise<string[]> {
    const q = membersQuery({ ...base, mode: 'ids', limit, ...(after !== undefined ? { after } : {}) });
    return (await this.deps.db.query<{ profile_id: string }>(q.sql, q.params)).map((r) => r.profile_id);
  }

  /** A page of the profile's timeline, newest first, optionally one event name. */
  async events(args: { workspaceId: string; id: string; name?: string; cursor?: string; limit: number }): Promise<{ data: StoredEvent[]; next_cursor: string | null }> {
    const [row] = await this.deps.db.query(Q['get-profile-core'], [args.workspaceId, args.id]);
    if (!row) throw Errors.notFound({ resource: 'profile', id: args.id });
    return profileEvents(this.deps.db, { workspaceId: args.workspaceId, profileId: args.id, name: args.name, cursor: args.cursor, limit: args.limit });
  }

  /**
   * Erase (GDPR): the profile, its identifiers, events, tags, list memberships and consent, in one
   * transaction, with an 'erase' change so the membership worker drops it from its segments.
   */
  async erase(args: { workspaceId: string; id: string }): Promise<{ id: string; deleted: Record<string, number> }> {
    const params = [args.workspaceId, args.id];
    return this.deps.db.transaction(async (tx) => {
      const [row] = await tx.query(Q['delete-profile'], params);
      if (!row) throw Errors.notFound({ resource: 'profile', id: args.id });
      const count = async (q: string) => ((await tx.query<{ n: number }>(q, params))[0]?.n ?? 0);
      const deleted = {
        identifiers: await count(Q['delete-identities']),
        events: await count(Q['delete-events']),
        tags: await count(Q['delete-tags']),
        lists: await count(Q['delete-list-memberships']),
        consents: await count(Q['delete-consents']),
      };
      await recordChanges(tx, { workspaceId: args.workspaceId, at: this.deps.clock.now(), changes: [{ profileId: args.id, kind: 'erase' }] });
      return { id: args.id, deleted };
    });
  }

  /** One profile write: resolve (or create), merge the patch, record the changes; retried when it lost a race. */
  private async write(scope: Scope, item: ResolveItem, patch: AttributePatch): Promise<{ profile: ProfileView; created: boolean }> {
    const now = this.deps.clock.now();
    const { workspaceId } = scope;
    return transactionWithRetry(this.deps.db, async (tx) => {
      if (item.profileId) {
        const [found] = await tx.query(Q['lock-profile'], [workspaceId, item.profileId]);
        if (!found) throw Errors.notFound({ resource: 'profile', id: item.profileId });
      }
      const resolved = await resolveProfiles(tx, { workspaceId, now, items: [item] });
      const r = resolved.items[0]!;
      if (!r.ok) throw r.error;
      const writes = new ProfileWrites();
      writes.add({ profileId: r.profileId, created: resolved.created.get(r.profileId), patch, newIdentifierKinds: r.newIdentifiers.map((i) => i.kind) });
      const changes = await saveProfiles(tx, { workspaceId, now, writes: writes.list() });
      await recordChanges(tx, { workspaceId, at: now, changes });
      const [row] = await tx.query<ProfileRow>(Q['get-profile-core'], [workspaceId, r.profileId]);
      const [profile] = await this.withIdentifiers(tx, scope, [row!]);
      return { profile: profile!, created: r.created };
    });
  }

  private async withIdentifiers(q: Queryable, scope: Scope, rows: readonly ProfileRow[]): Promise<ProfileView[]> {
    if (rows.length === 0) return [];
    const ids = await q.query<{ profile_id: string; kind: IdentifierKind; value: string }>(Q['get-identifiers'], [scope.workspaceId, rows.map((r) => r.id)]);
    const byProfile = new Map<string, ProfileView['identifiers']>();
    for (const i of ids) {
      let list = byProfile.get(i.profile_id);
      if (!list) byProfile.set(i.profile_id, (list = []));
      list.push({ kind: i.kind, value: i.value });
    }
    const now = this.deps.clock.now();
    return rows.map((r) => ({ ...r, attributes: withDerived(r.attributes, now, scope.timezone), identifiers: byProfile.get(r.id) ?? [] }));
  }
}

/** LIKE prefix patterns for a search: as typed, lower-cased, and in E.164 form when it looks like a phone. */
export function searchPatterns(q: string): [string, string, string | null] {
  const prefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const phone = /^[+\d\s\-.()/]+$/.test(q) ? phonePrefix(q) : '';
  return [prefix(q), prefix(q.toLowerCase()), /^\+\d{3,}$/.test(phone) ? prefix(phone) : null];
}

/** Separators dropped, a leading 00 made +, a + added: the start of a phone number as it is stored. */
function phonePrefix(raw: string): string {
  const v = raw.trim().replace(/[\s\-.()/]/g, '');
  return v.startsWith('00') ? `+${v.slice(2)}` : v.startsWith('+') ? v : `+${v}`;
}
