import { parseInstant } from '../attributes/coerce.ts';
import { checkAttributeNames, coercePatch, type AttributePatch } from '../attributes/patch.ts';
import type { AttributeRegistry } from '../attributes/registry.ts';
import type { Db, Queryable } from '../db/db.ts';
import { transactionWithRetry } from '../db/retry.ts';
import { type Change, recordChanges } from '../membership/changes.ts';
import { contactAttributes, type Identifier, identifiersFrom, takeContacts } from '../profiles/identifiers.ts';
import { resolveProfiles } from '../profiles/resolve.ts';
import { ProfileWrites, saveProfiles } from '../profiles/store.ts';
import type { Clock } from '../shared/clock.ts';
import { AudienceError, Errors } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { unstorableError, unstorablePath } from '../shared/storable.ts';
import { BatchMessage } from './schema.ts';
import { type EventName, type EventRow, eventKey, insertEvents, listEventNames, recordEventNames } from './store.ts';

export type ItemResult =
  | { index: number; status: 'stored' | 'duplicate'; message_id?: string; profile_id: string }
  | { index: number; status: 'error'; error: AudienceError };

/** A valid message, ready to store. */
interface Prepared {
  index: number;
  identifiers: Identifier[];
  /** identify: the traits (email and phone normalised), coerced into `patch` once their types are known. */
  traits?: Record<string, unknown>;
  traitsPath: string;
  patch: AttributePatch;
  event?: Omit<EventRow, 'profileId'>;
}

/**
 * The tracking pipeline shared by /v1/track, /v1/identify and /v1/batch. Every message is validated on
 * its own (a bad one is reported by index and path, the others go on); then the whole batch is written in
 * one transaction with a fixed number of statements: identities resolved in one query, new profiles and
 * identities in one insert each, events in one INSERT ... ON CONFLICT DO NOTHING (what did not come back
 * was a duplicate), attribute patches and last_seen_at in one UPDATE, change records and the event-name
 * registry in one statement each.
 */
export class EventService {
  constructor(private readonly deps: { db: Db; clock: Clock; attributes: AttributeRegistry }) {}

  async ingest(args: { workspaceId: string; timezone: string; messages: readonly unknown[]; path: (index: number) => string }): Promise<ItemResult[]> {
    const now = this.deps.clock.now();
    const results: ItemResult[] = [];
    const prepared: Prepared[] = [];
    const samples = new Map<string, unknown>();
    args.messages.forEach((message, index) => {
      try {
        const p = prepare({ message, index, path: args.path(index), now, timezone: args.timezone });
        for (const [name, value] of Object.entries(p.traits ?? {})) if (value !== null && value !== undefined && !samples.has(name)) samples.set(name, value);
        prepared.push(p);
      } catch (err) {
        results[index] = failed(index, err);
      }
    });
    const types = await this.deps.attributes.typesFor(args.workspaceId, samples);
    const valid = prepared.filter((p) => {
      try {
        if (p.traits) Object.assign(p.patch, coercePatch({ values: p.traits, types, timezone: args.timezone, path: p.traitsPath }));
        return true;
      } catch (err) {
        results[p.index] = failed(p.index, err);
        return false;
      }
    });
    if (valid.length > 0) {
      const stored = await transactionWithRetry(this.deps.db, (tx) => this.store(tx, { workspaceId: args.workspaceId, now, items: valid }));
      for (const r of stored) results[r.index] = r;
    }
    return results;
  }

  /** One message (/v1/track, /v1/identify): its result, or its error thrown. */
  async one(args: { workspaceId: string; timezone: string; message: unknown }): Promise<{ status: 'stored' | 'duplicate'; message_id?: string; profile_id: string }> {
    const [result] = await this.ingest({ ...args, messages: [args.message], path: () => '' });
    if (result!.status === 'error') throw result!.error;
    const { index: _, ...accepted } = result!;
    return accepted;
  }

  listNames(workspaceId: string): Promise<EventName[]> {
    return listEventNames(this.deps.db, workspaceId);
  }

  private async store(tx: Queryable, args: { workspaceId: string; now: Date; items: readonly Prepared[] }): Promise<ItemResult[]> {
    const { workspaceId, now, items } = args;
    const resolved = await resolveProfiles(tx, { workspaceId, now, items });

    // One row per distinct (profile, messageId); a repeat inside the batch is a duplicate (-1: no row).
    const events: EventRow[] = [];
    const seen = new Set<string>();
    const rowOf = items.map((item, k) => {
      const r = resolved.items[k]!;
      if (!r.ok || !item.event) return -1;
      const key = eventKey(r.profileId, item.event.messageId);
      if (seen.has(key)) return -1;
      seen.add(key);
      return events.push({ ...item.event, profileId: r.profileId }) - 1;
    });
    const duplicates = await insertEvents(tx, { workspaceId, now, events });

    const writes = new ProfileWrites();
    const eventNames = new Map<string, Set<string>>();
    const results = items.map((item, k): ItemResult => {
      const r = resolved.items[k]!;
      if (!r.ok) return failed(item.index, r.error);
      const stored = rowOf[k]! >= 0 && !duplicates.has(rowOf[k]!);
      writes.add({
        profileId: r.profileId, created: resolved.created.get(r.profileId), patch: item.patch,
        seenAt: stored ? item.event!.ts : undefined, newIdentifierKinds: r.newIdentifiers.map((i) => i.kind),
      });
      if (!item.event) return { index: item.index, status: 'stored', profile_id: r.profileId };
      if (stored) {
        let names = eventNames.get(r.profileId);
        if (!names) eventNames.set(r.profileId, (names = new Set()));
        names.add(item.event.name);
      }
      return { index: item.index, status: stored ? 'stored' : 'duplicate', message_id: item.event.messageId, profile_id: r.profileId };
    });

    const changes: Change[] = await saveProfiles(tx, { workspaceId, now, writes: writes.list() });
    for (const [profileId, names] of eventNames) changes.push({ profileId, kind: 'event', names: [...names] });
    await recordChanges(tx, { workspaceId, at: now, changes });
    // Last: the registry rows are shared by every batch, so their locks are held for the shortest time.
    await recordEventNames(tx, { workspaceId, events: events.filter((_, i) => !duplicates.has(i)) });
    return results;
  }
}

/** Validates one message and normalises what can be checked without the store. Throws an AudienceError. */
function prepare(args: { message: unknown; index: number; path: string; now: Date; timezone: string }): Prepared {
  const { path } = args;
  const at = (field: string) => (path ? `${path}.${field}` : field);
  const parsed = BatchMessage.safeParse(args.message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = joinPath(path, issue.path);
    throw Errors.validation({ message: `${where || 'message'}: ${issue.message}`, path: where || undefined });
  }
  const bad = unstorablePath(parsed.data);
  if (bad) throw unstorableError(joinPath(path, bad));
  const m = parsed.data;
  const identifiers = identifiersFrom(
    { externalId: m.userId, email: m.email, phone: m.phone, anonymousId: m.anonymousId },
    { externalId: at('userId'), email: at('email'), phone: at('phone'), anonymousId: at('anonymousId') },
  );
  const traitsPath = at('traits');
  let traits: Record<string, unknown> | undefined;
  if ((m.type ?? 'track') === 'identify') {
    const contacts = takeContacts(m.traits ?? {}, traitsPath);
    identifiers.push(...contacts.identifiers);
    checkAttributeNames(Object.keys(contacts.values), traitsPath);
    traits = contacts.values;
  }
  if (identifiers.length === 0) throw Errors.noIdentifier({ path: path || undefined });
  const prepared: Prepared = { index: args.index, identifiers, traits, traitsPath, patch: contactAttributes(identifiers) };
  if ((m.type ?? 'track') === 'track') {
    prepared.event = {
      messageId: m.messageId ?? newId(),
      name: m.event!,
      ts: eventTime(m.timestamp, args.now, args.timezone, at('timestamp')),
      properties: m.properties ?? {},
      context: m.context ?? null,
    };
  }
  return prepared;
}

/** The event's instant as ISO UTC (the form last_seen_at is stored in); now when absent. */
function eventTime(timestamp: string | undefined, now: Date, timezone: string, path: string): string {
  if (timestamp === undefined) return now.toISOString();
  const t = timestamp.trim();
  const iso = withOffset(t) ?? isoOf(parseInstant(t, timezone)?.toMillis());
  if (iso === undefined) throw Errors.validation({ message: `${path}: ${JSON.stringify(timestamp)} is not an ISO 8601 date-time`, path });
  // Years outside 1900-9999 are mistakes (and year 0 or six-digit years do not fit a timestamptz column).
  if (iso.length !== 24 || iso < '1900') throw Errors.validation({ message: `${path}: ${JSON.stringify(timestamp)} is outside the years 1900 to 9999`, path });
  return iso;
}

const isoOf = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

// What SDKs send: an instant in UTC or with an offset. Date.parse reads it exactly and far faster than a
// calendar library, once the fields are checked (it would roll Feb 30 over to March); the usual
// 'YYYY-MM-DDTHH:mm:ss.sssZ' is already the stored form. Anything else goes through parseInstant (the
// workspace time zone applies when there is no offset).
const WITH_OFFSET_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function withOffset(s: string): string | undefined {
  const m = WITH_OFFSET_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || sec > 59) return undefined;
  if (m[8] === 'Z' && m[7]?.length === 4 && m[6] !== undefined) return s;
  return new Date(Date.parse(s)).toISOString();
}

function failed(index: number, err: unknown): ItemResult {
  if (!(err instanceof AudienceError)) throw err;
  return { index, status: 'error', error: err };
}

/** 'batch[3]' + ['traits', 'plan'] → 'batch[3].traits.plan' (the path format of every error). */
function joinPath(prefix: string, parts: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}
