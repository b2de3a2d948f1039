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

const Q = loadQueries('membership', ['facts-profiles', 'facts-tags', 'facts-lists', 'facts-consents', 'facts-dnc', 'facts-events']);

export interface Needs {
  tags: boolean;
  lists: boolean;
  consent: boolean;
  dnc: boolean;
  /** Event name → the earliest ts any condition on it can look at (null: the whole history). */
  events: Map<string, number | null>;
}

/**
 * What evaluating (and scheduling) these segments at `now` needs. An event before a window's lower
 * bound can neither count now nor later (windows only slide forward), so it is not loaded; events after
 * now are always loaded, since they start to count when now reaches them.
 */
export function needsOf(segments: Iterable<SegmentDef>, ctx: { now: Date; timezone: string }): Needs {
  const env = timeEnv({ now: ctx.now, timezone: ctx.timezone });
  const needs: Needs = { tags: false, lists: false, consent: false, dnc: false, events: new Map() };
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
      if (prev === undefined) needs.events.set(e.event, lo);
      else if (prev !== null) needs.events.set(e.event, lo === null ? null : Math.min(prev, lo));
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

/** Facts by profile id; a profile that does not exist (erased) is absent from the map. */
export async function loadFacts(q: Queryable, args: { workspaceId: string; profileIds: readonly string[]; needs: Needs }): Promise<Map<string, Facts>> {
  const { workspaceId, profileIds, needs } = args;
  const out = new Map<string, Mutable>();
  if (profileIds.length === 0) return out;
  const ws = [workspaceId, profileIds];
  const rows = await q.query<{ profile_id: string; attributes: Record<string, unknown> }>(Q['facts-profiles'], ws);
  for (const r of rows) {
    out.set(r.profile_id, {
      attributes: r.attributes,
      tags: needs.tags ? new Set() : (NO_STRINGS as Set<string>),
      lists: needs.lists ? new Set() : (NO_STRINGS as Set<string>),
      consent: {},
      dnc: { all: false, channels: needs.dnc ? new Set() : (NO_STRINGS as Set<string>) },
      events: [],
    });
  }
  if (out.size === 0) return out;
  const ids = [...out.keys()];
  const each = async <R extends { profile_id: string }>(sql: string, params: unknown[], add: (f: Mutable, r: R) => void) => {
    for (const r of await q.query<R>(sql, params)) {
      const f = out.get(r.profile_id);
      if (f) add(f, r);
    }
  };
  if (needs.tags) await each<{ profile_id: string; name: string }>(Q['facts-tags'], [workspaceId, ids], (f, r) => f.tags.add(r.name));
  if (needs.lists) await each<{ profile_id: string; name: string }>(Q['facts-lists'], [workspaceId, ids], (f, r) => f.lists.add(r.name));
  if (needs.consent) {
    await each<{ profile_id: string; channel: string; status: 'subscribed' | 'unsubscribed' }>(
      Q['facts-consents'], [workspaceId, ids], (f, r) => (f.consent[r.channel] = r.status));
  }
  if (needs.dnc) await loadDnc(q, workspaceId, out);
  await loadEvents(q, workspaceId, ids, needs.events, (id, e) => out.get(id)?.events.push(e));
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

async function loadEvents(
  q: Queryable, workspaceId: string, ids: readonly string[], names: ReadonlyMap<string, number | null>,
  add: (profileId: string, e: EventFact) => void,
): Promise<void> {
  if (names.size === 0) return;
  const bounds = [...names.values()].map((lo) => (lo === null ? '-infinity' : new Date(Math.floor(lo)).toISOString()));
  const rows = await q.query<EventRow>(Q['facts-events'], [workspaceId, ids, [...names.keys()], bounds]);
  for (const r of rows) add(r.profile_id, { name: r.name, ts: r.ts.getTime(), properties: r.properties });
}

interface EventRow {
  profile_id: string;
  name: string;
  ts: Date;
  properties: Record<string, unknown>;
}
