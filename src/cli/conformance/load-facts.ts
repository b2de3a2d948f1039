/**
 * Facts for the in-memory evaluator, read back from the stored rows of one workspace (what the
 * membership worker does per profile, here for all of a case's profiles at once).
 */
import type { Queryable } from '../../db/db.ts';
import type { EventFact, Facts } from '../../rules/eval/facts.ts';

interface Mutable {
  attributes: Record<string, unknown>;
  tags: Set<string>;
  lists: Set<string>;
  consent: Record<string, 'subscribed' | 'unsubscribed'>;
  dnc: { all: boolean; channels: Set<string> };
  events: EventFact[];
}

/** Facts by profile_id. */
export async function loadFacts(db: Queryable, workspaceId: string): Promise<Map<string, Facts>> {
  const out = new Map<string, Mutable>();
  const profiles = await db.query<{ profile_id: string; attributes: Record<string, unknown> }>(
    'SELECT profile_id, attributes FROM profiles WHERE workspace_id = $1', [workspaceId]);
  for (const p of profiles) {
    out.set(p.profile_id, { attributes: p.attributes, tags: new Set(), lists: new Set(), consent: {}, dnc: { all: false, channels: new Set() }, events: [] });
  }
  const each = async <R extends { profile_id: string }>(sql: string, add: (f: Mutable, row: R) => void) => {
    for (const row of await db.query<R>(sql, [workspaceId])) add(out.get(row.profile_id)!, row);
  };
  await each<{ profile_id: string; name: string }>(
    'SELECT pt.profile_id, t.name FROM profile_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.workspace_id = $1', (f, r) => f.tags.add(r.name));
  await each<{ profile_id: string; name: string }>(
    'SELECT lm.profile_id, l.name FROM list_members lm JOIN lists l ON l.id = lm.list_id WHERE lm.workspace_id = $1', (f, r) => f.lists.add(r.name));
  await each<{ profile_id: string; channel: string; status: 'subscribed' | 'unsubscribed' }>(
    'SELECT profile_id, channel, status FROM consents WHERE workspace_id = $1', (f, r) => (f.consent[r.channel] = r.status));
  await each<{ profile_id: string; name: string; ts: Date; properties: Record<string, unknown> }>(
    'SELECT profile_id, name, ts, properties FROM events WHERE workspace_id = $1', (f, r) => f.events.push({ name: r.name, ts: r.ts.getTime(), properties: r.properties }));
  // Do-Not-Contact entries on the profile's email (lower-cased) or phone; no channel means every channel.
  await each<{ profile_id: string; channel: string | null }>(
    `SELECT p.profile_id, d.channel FROM profiles p JOIN dnc_entries d ON d.workspace_id = p.workspace_id
       AND ((d.contact_kind = 'email' AND d.contact = lower(p.attributes ->> 'email')) OR (d.contact_kind = 'phone' AND d.contact = p.attributes ->> 'phone'))
     WHERE p.workspace_id = $1`,
    (f, r) => (r.channel === null ? (f.dnc.all = true) : f.dnc.channels.add(r.channel)));
  return out;
}
