/** Reading what tracking calls stored, through the Audience API (secret key). */
import type { TestServer } from './http.ts';

export interface ApiProfile {
  id: string;
  external_id: string | null;
  attributes: Record<string, unknown>;
  identifiers: { kind: string; value: string }[];
  tags: string[];
  lists: { id: string; name: string }[];
}
export interface ApiEvent {
  message_id: string;
  name: string;
  ts: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
}

/** The profiles having exactly this identifier value. */
export async function profilesWith(s: TestServer, value: string): Promise<ApiProfile[]> {
  const res = await s.call('GET', `/v1/profiles?q=${encodeURIComponent(value)}&limit=500`);
  const ids = (res.body.data as ApiProfile[]).filter((p) => p.identifiers.some((i) => i.value === value)).map((p) => p.id);
  return Promise.all(ids.map(async (id) => (await s.call('GET', `/v1/profiles/${id}`)).body as ApiProfile));
}

/** The one profile with this identifier (throws when there are none or several). */
export async function profileWith(s: TestServer, value: string): Promise<ApiProfile> {
  const found = await profilesWith(s, value);
  if (found.length !== 1) throw new Error(`${found.length} profiles have ${value}: ${JSON.stringify(found.map((p) => ({ id: p.id, ids: p.identifiers })))}`);
  return found[0]!;
}

/** Every event of a profile, oldest first. */
export async function eventsOf(s: TestServer, profileId: string): Promise<ApiEvent[]> {
  const out: ApiEvent[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: { data: ApiEvent[]; next_cursor: string | null } } = await s.call('GET', `/v1/profiles/${profileId}/events?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out.reverse();
}

/** A write key of the suite's workspace. */
export async function writeKey(s: TestServer): Promise<string> {
  const res = await s.call('POST', '/v1/keys', { kind: 'write', name: 'SDK' });
  return res.body.key;
}
