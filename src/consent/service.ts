import type { ChannelRegistry } from '../channels/registry.ts';
import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { recordChanges } from '../membership/changes.ts';
import type { Clock } from '../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { Errors } from '../shared/errors.ts';
import { isUuid, newId } from '../shared/ids.ts';

const Q = loadQueries('consent', ['lock-profile', 'profile-exists', 'list-consents', 'upsert-consent', 'insert-log', 'list-log', 'import-consents']);

export const CONSENT_STATUSES = ['subscribed', 'unsubscribed', 'none'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
/** How a consent changed. */
export const CONSENT_SOURCES = ['api', 'import', 'unsubscribe_link', 'inbound_stop', 'console'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** Who changed it: an API key, a console user, or Audience itself. */
export interface Actor {
  kind: 'api_key' | 'user' | 'system';
  id?: string;
}

export interface ConsentState {
  channel: string;
  status: ConsentStatus;
  source: ConsentSource | null;
  updated_at: Date | null;
}

export interface ConsentChange {
  channel: string;
  status: ConsentStatus;
  source?: ConsentSource;
  note?: string;
  /** Where this change sits in the request ('consents[2]'), so an error points at it. */
  at?: string;
}

export interface PrivacyLogLine {
  id: string;
  kind: string;
  channel: string | null;
  old_value: string;
  new_value: string;
  source: string;
  actor: Actor;
  note: string | null;
  at: Date;
}

/**
 * Consent per profile and channel. No row means `none` (never asked). Once asked, the answer is
 * `subscribed` or `unsubscribed`: `none` can not be set, so consent is never cleared, by a call or as
 * a side effect. Every change appends a privacy-log line and a change record in the same transaction.
 */
export class ConsentService {
  constructor(private readonly deps: { db: Db; clock: Clock; channels: ChannelRegistry }) {}

  /** The profile's status on every channel of the workspace. */
  async get(workspaceId: string, profileId: string): Promise<ConsentState[]> {
    const db = this.deps.db;
    await this.assertProfile(db, workspaceId, profileId);
    const [names, rows] = await Promise.all([
      this.deps.channels.names(db, workspaceId),
      db.query<ConsentState>(Q['list-consents'], [workspaceId, profileId]),
    ]);
    const asked = new Map(rows.map((r) => [r.channel, r]));
    // A channel answered before it was removed from the registry still shows.
    const all = [...new Set([...names, ...asked.keys()])];
    return all.map((channel) => asked.get(channel) ?? { channel, status: 'none', source: null, updated_at: null });
  }

  async getOne(workspaceId: string, profileId: string, channel: string): Promise<ConsentState> {
    await this.deps.channels.assertKnown(this.deps.db, { workspaceId, channel, path: 'channel' });
    const all = await this.get(workspaceId, profileId);
    return all.find((c) => c.channel === channel)!;
  }

  /** Sets the status on one or more channels, all or nothing. Returns the new states and what changed. */
  async set(args: { workspaceId: string; profileId: string; changes: readonly ConsentChange[]; actor: Actor }): Promise<{ consents: ConsentState[]; changed: number; unchanged: number }> {
    const { workspaceId, profileId, actor } = args;
    const at = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const seen = new Set<string>();
      for (const c of args.changes) {
        const path = (field: string) => (c.at ? `${c.at}.${field}` : field);
        if (seen.has(c.channel)) throw Errors.validation({ message: `channel ${JSON.stringify(c.channel)} is given twice`, path: path('channel') });
        seen.add(c.channel);
        await this.deps.channels.assertKnown(tx, { workspaceId, channel: c.channel, path: path('channel') });
        if (c.status === 'none') throw Errors.consentNoneNotSettable({ channel: c.channel, path: path('status') });
      }
      if ((await tx.query(Q['lock-profile'], [workspaceId, profileId])).length === 0) throw Errors.notFound({ resource: 'profile', id: profileId });
      const current = new Map((await tx.query<ConsentState>(Q['list-consents'], [workspaceId, profileId])).map((r) => [r.channel, r]));
      const out: ConsentState[] = [];
      const changedChannels: string[] = [];
      for (const c of args.changes) {
        const before = current.get(c.channel);
        if (before?.status === c.status) {
          out.push(before);
          continue;
        }
        const source = c.source ?? 'api';
        await tx.query(Q['upsert-consent'], [workspaceId, profileId, c.channel, c.status, source, at]);
        await tx.query(Q['insert-log'], [
          workspaceId, profileId, newId(), 'consent', c.channel, before?.status ?? 'none', c.status, source, actor.kind, actor.id ?? null, c.note ?? null, at,
        ]);
        changedChannels.push(c.channel);
        out.push({ channel: c.channel, status: c.status, source, updated_at: at });
      }
      if (changedChannels.length > 0) {
        await recordChanges(tx, { workspaceId, at, changes: [{ profileId, kind: 'consent', names: changedChannels }] });
      }
      return { consents: out, changed: changedChannels.length, unchanged: args.changes.length - changedChannels.length };
    });
  }

  /**
   * Consent from a file import, inside the import's transaction (channels already checked): what differs
   * is set, with a privacy-log line each, except that an import never re-subscribes a profile that
   * unsubscribed (a spreadsheet must not undo an unsubscribe link or a STOP). Returns what changed; the
   * caller records the change records with the rest of its batch.
   */
  async importMany(tx: Queryable, args: { workspaceId: string; at: Date; actor: Actor; note: string; items: readonly { profileId: string; channel: string; status: 'subscribed' | 'unsubscribed' }[] }): Promise<{ profile_id: string; channel: string }[]> {
    if (args.items.length === 0) return [];
    const items = [...args.items].sort((a, b) => (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0));
    return tx.query<{ profile_id: string; channel: string }>(Q['import-consents'], [
      args.workspaceId, items.map((i) => i.profileId), items.map((i) => i.channel), items.map((i) => i.status), items.map(() => newId()),
      args.at, args.actor.kind, args.actor.id ?? null, args.note,
    ]);
  }

  /** The profile's privacy log, newest first, a page at a time. */
  async log(args: { workspaceId: string; profileId: string; cursor?: string; limit: number }): Promise<{ data: PrivacyLogLine[]; next_cursor: string | null }> {
    const db = this.deps.db;
    await this.assertProfile(db, args.workspaceId, args.profileId);
    const after = args.cursor ? decodeCursor(args.cursor, ['id'], (c) => isUuid(c.id)).id : null;
    const rows = await db.query<Omit<PrivacyLogLine, 'actor'> & { actor_kind: Actor['kind']; actor_id: string | null }>(
      Q['list-log'], [args.workspaceId, args.profileId, after, args.limit + 1],
    );
    const page = rows.slice(0, args.limit);
    return {
      data: page.map(({ actor_kind, actor_id, ...r }) => ({ ...r, actor: { kind: actor_kind, ...(actor_id ? { id: actor_id } : {}) } })),
      next_cursor: rows.length > args.limit ? encodeCursor({ id: page.at(-1)!.id }) : null,
    };
  }

  private async assertProfile(q: Queryable, workspaceId: string, profileId: string): Promise<void> {
    if ((await q.query(Q['profile-exists'], [workspaceId, profileId])).length === 0) throw Errors.notFound({ resource: 'profile', id: profileId });
  }
}
