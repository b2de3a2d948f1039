import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';

const Q = loadQueries('events', ['insert-events', 'upsert-event-names', 'list-event-names', 'profile-events', 'profile-events-by-name']);

export interface EventRow {
  profileId: string;
  messageId: string;
  name: string;
  /** ISO instant. */
  ts: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
}

export interface StoredEvent {
  message_id: string;
  name: string;
  ts: Date;
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
  received_at: Date;
}

export const eventKey = (profileId: string, messageId: string): string => `${profileId}\u0000${messageId}`;

/** Inserts events in one statement; returns the positions (in `events`) of the duplicates, which were not stored. */
export async function insertEvents(tx: Queryable, args: { workspaceId: string; now: Date; events: readonly EventRow[] }): Promise<Set<number>> {
  const { events } = args;
  if (events.length === 0) return new Set();
  const [row] = await tx.query<{ duplicates: number[] }>(Q['insert-events'], [
    args.workspaceId,
    events.map((e) => e.profileId),
    events.map((e) => e.messageId),
    events.map((e) => e.name),
    events.map((e) => e.ts),
    events.map((e) => JSON.stringify(e.properties)),
    events.map((e) => (e.context ? JSON.stringify(e.context) : null)),
    args.now,
  ]);
  return new Set(row!.duplicates);
}

/** Updates the event-name registry from stored events: aggregated here, one row per distinct name. */
export async function recordEventNames(tx: Queryable, args: { workspaceId: string; events: readonly EventRow[] }): Promise<void> {
  const byName = new Map<string, { count: number; first: string; last: string; props: Set<string> }>();
  for (const e of args.events) {
    const agg = byName.get(e.name);
    if (!agg) {
      byName.set(e.name, { count: 1, first: e.ts, last: e.ts, props: new Set(Object.keys(e.properties)) });
      continue;
    }
    agg.count += 1;
    if (e.ts < agg.first) agg.first = e.ts;
    if (e.ts > agg.last) agg.last = e.ts;
    for (const k of Object.keys(e.properties)) agg.props.add(k);
  }
  if (byName.size === 0) return;
  const names = [...byName.keys()].sort();
  const aggs = names.map((n) => byName.get(n)!);
  await tx.query(Q['upsert-event-names'], [
    args.workspaceId, names, aggs.map((a) => a.count), aggs.map((a) => a.first), aggs.map((a) => a.last),
    aggs.map((a) => JSON.stringify([...a.props].sort().slice(0, 1000))),
  ]);
}

export interface EventName {
  name: string;
  count: number;
  first_seen_at: Date;
  last_seen_at: Date;
  property_names: string[];
}

export const listEventNames = (db: Queryable, workspaceId: string): Promise<EventName[]> =>
  db.query<EventName>(Q['list-event-names'], [workspaceId]);

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A page of a profile's timeline, newest first, and the cursor of the next page (null at the end). */
export async function profileEvents(db: Queryable, args: { workspaceId: string; profileId: string; name?: string; cursor?: string; limit: number }): Promise<{ data: StoredEvent[]; next_cursor: string | null }> {
  const after = args.cursor
    ? decodeCursor(args.cursor, ['ts', 'id'], (p) => ISO_RE.test(p.ts) && !Number.isNaN(Date.parse(p.ts)))
    : undefined;
  const params = [args.workspaceId, args.profileId, after?.ts ?? null, after?.id ?? null, args.limit + 1];
  const rows = args.name === undefined
    ? await db.query<StoredEvent>(Q['profile-events'], params)
    : await db.query<StoredEvent>(Q['profile-events-by-name'], [...params, args.name]);
  const data = rows.slice(0, args.limit);
  const last = data[data.length - 1];
  const next_cursor = rows.length > args.limit && last ? encodeCursor({ ts: last.ts.toISOString(), id: last.message_id }) : null;
  return { data, next_cursor };
}
