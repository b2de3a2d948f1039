/**
 * Facts for the in-memory evaluator, loaded in bulk for a batch of profiles: one query per kind of
 * data the batch's segments read (ARCHITECTURE.md, "what to load"), and for events only the names
 * those segments use, from the earliest instant any of their windows can look at.
 */
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { EventFact, Facts } from '../rules/eval/facts.ts';
import { foldCase } from '../rules/text.ts';
import { eventRange, timeEnv } from '../rules/time/boundaries.ts';
import type { SegmentDef } from './definitions.ts';

const Q = loadQueries('membership', ['facts-profiles', 'facts-tags', 'facts-lists', 'facts-consents', 'facts-dnc', 'facts-events', 'facts-event-times']);

export interface Needs {
  tags: boolean;
  lists: boolean;
  consent: boolean;
  dnc: boolean;
  /** Event name → the earliest ts any condition on it can look at (null: the whole history). */
  events: Map<string, number | null>;
  /**
   * The event names some condition reads properties of (`where`, `sum`); for the others only (name, ts)
   * are read, which the (workspace, profile, name, ts) index answers without visiting the table.
   * Absent: properties of every name.
   */
  eventProperties?: ReadonlySet<string>;
}

/**
 * What evaluating (and scheduling) these segments at `now` needs. An event before a window's lower
 * bound can neither count now nor later (windows only slide forward), so it is not loaded; events after
 * now are always loaded, since they start to count when now reaches them.
 */
export function needsOf(segments: Iterable<SegmentDef>, ctx: { now: Date; timezone: string }): Needs {
  const env = timeEnv({ now: ctx.now, timezone: ctx.timezone });
  const eventProperties = new Set<string>();
  const needs: Needs = { tags: false, lists: false, consent: false, dnc: false, events: new Map(), eventProperties };
  for (const s of segments) {
    needs.tags ||= s.deps.tags.length > 0;
    needs.lists ||= s.deps.lists.length > 0;
    needs.consent ||= s.deps.consentChannels.length > 0;
    needs.dnc ||= s.deps.dncChannels.length > 0;
    for (const e of s.events) {
      const range = eventRange(e.time, env);
      if (!range) continue; // no instant is in the window: no event counts, now or later
      const lo = range.lo ? range.lo.ms : null;
      const prev = needs.events.get(e.event);
      needs.events.set(e.event, prev === undefined ? lo : prev === null || lo === null ? null : Math.min(prev, lo));
      if (e.where.length > 0 || e.measure.kind === 'sum') eventProperties.add(e.event);
    }
  }
  return needs;
}

interface Mutable {
  attributes: Record<string, unknown>;
  tags: Set<string>;
  lists: Set<string>;
  consent: Record<string, 'subscribed' | 'unsubscribed'>;
  dnc: { all: boolean; channels: Set<string> };
  events: EventFact[];
}

const NO_STRINGS: ReadonlySet<string> = new Set();
const NO_PROPERTIES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Facts by profile id; a profile that does not exist (erased) is absent from the map. The queries are
 * independent reads, issued together: on a pool they run side by side on several connections.
 */
export async function loadFacts(q: Queryable, args: { workspaceId: string; profileIds: readonly string[]; needs: Needs }): Promise<Map<string, Facts>> {
  const { workspaceId, profileIds: ids, needs } = args;
  const out = new Map<string, Mutable>();
  if (ids.length === 0) return out;
  const rows = <R>(sql: string) => q.query<R & { profile_id: string }>(sql, [workspaceId, ids]);
  const none = Promise.resolve([]);
  const [profiles, tags, lists, consents, events] = await Promise.all([
    rows<{ attributes: Record<string, unknown> }>(Q['facts-profiles']),
    needs.tags ? rows<{ name: string }>(Q['facts-tags']) : none,
    needs.lists ? rows<{ name: string }>(Q['facts-lists']) : none,
    needs.consent ? rows<{ channel: string; status: 'subscribed' | 'unsubscribed' }>(Q['facts-consents']) : none,
    loadEvents(q, workspaceId, ids, needs),
  ]);
  for (const r of profiles) {
    out.set(r.profile_id, {
      attributes: r.attributes,
      tags: needs.tags ? new Set() : (NO_STRINGS as Set<string>),
      lists: needs.lists ? new Set() : (NO_STRINGS as Set<string>),
      consent: {},
      dnc: { all: false, channels: needs.dnc ? new Set() : (NO_STRINGS as Set<string>) },
      events: [],
    });
  }
  for (const r of tags as { profile_id: string; name: string }[]) out.get(r.profile_id)?.tags.add(r.name);
  for (const r of lists as { profile_id: string; name: string }[]) out.get(r.profile_id)?.lists.add(r.name);
  for (const r of consents as { profile_id: string; channel: string; status: 'subscribed' | 'unsubscribed' }[]) {
    const f = out.get(r.profile_id);
    if (f) f.consent[r.channel] = r.status;
  }
  for (const r of events) out.get(r.profile_id)?.events.push({ name: r.name, ts: r.ts.getTime(), properties: r.properties ?? NO_PROPERTIES });
  if (needs.dnc) await loadDnc(q, workspaceId, out);
  return out;
}

/** Do-Not-Contact hits on each profile's email (lower-cased) or phone, as the SQL compiler matches them. */
async function loadDnc(q: Queryable, workspaceId: string, facts: Map<string, Mutable>): Promise<void> {
  const byContact = new Map<string, Mutable[]>();
  const add = (key: string, f: Mutable) => {
    const list = byContact.get(key);
    if (list) list.push(f);
    else byContact.set(key, [f]);
  };
  for (const f of facts.values()) {
    const { email, phone } = f.attributes;
    if (typeof email === 'string') add(`email\u0000${foldCase(email)}`, f);
    if (typeof phone === 'string') add(`phone\u0000${phone}`, f);
  }
  if (byContact.size === 0) return;
  const contacts = [...new Set([...byContact.keys()].map((k) => k.slice(6)))];
  const rows = await q.query<{ contact: string; contact_kind: string; channel: string | null }>(Q['facts-dnc'], [workspaceId, contacts]);
  for (const r of rows) {
    for (const f of byContact.get(`${r.contact_kind}\u0000${r.contact}`) ?? []) {
      if (r.channel === null) f.dnc.all = true;
      else f.dnc.channels.add(r.channel);
    }
  }
}

/** At most two queries: names whose conditions read properties, and names for which (name, ts) is enough. */
async function loadEvents(q: Queryable, workspaceId: string, ids: readonly string[], needs: Needs): Promise<EventRow[]> {
  const withProperties = (name: string) => needs.eventProperties?.has(name) ?? true;
  const names = [...needs.events];
  const groups = [names.filter(([n]) => withProperties(n)), names.filter(([n]) => !withProperties(n))];
  const results = await Promise.all(groups.map((g, k) => {
    if (g.length === 0) return [];
    const bounds = g.map(([, lo]) => (lo === null ? '-infinity' : new Date(Math.floor(lo)).toISOString()));
    return q.query<EventRow>(k === 0 ? Q['facts-events'] : Q['facts-event-times'], [workspaceId, ids, g.map(([name]) => name), bounds]);
  }));
  return results.flat();
}

interface EventRow {
  profile_id: string;
  name: string;
  ts: Date;
  properties?: Record<string, unknown>;
}
