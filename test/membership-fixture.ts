/**
 * A workspace with services, a ManualClock and a membership worker run by hand (runOnce/drain), for the
 * membership suites. Segments are inserted directly (the segments API is not needed here); data goes
 * through the real services.
 */
import type { Db } from '../src/db/db.ts';
import { verify } from '../src/membership/verify.ts';
import { MembershipWorker, type MembershipOptions } from '../src/membership/worker.ts';
import { createServices, type Services } from '../src/services.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { freshDb, type StoreKind } from './stores.ts';

export interface Transition {
  user: string;
  segment: string;
  kind: 'enter' | 'exit';
  cause: string;
  at: string;
}

export interface Fixture {
  db: Db;
  url?: string;
  services: Services;
  clock: ManualClock;
  workspaceId: string;
  timezone: string;
  worker: MembershipWorker;
  /** Inserts a segment (version 1) and returns its id. */
  segment(name: string, rule: unknown): Promise<string>;
  /** Saves a new rule and bumps the version, as the segments API does. */
  edit(id: string, rule: unknown): Promise<void>;
  track(user: string, event: string, timestamp: string, properties?: Record<string, unknown>): Promise<string>;
  identify(user: string, traits: Record<string, unknown>): Promise<string>;
  profileId(user: string): Promise<string>;
  /** Runs the worker until nothing is left, at the clock's now (other workspaces of the store too). */
  drain(): Promise<void>;
  /** External ids of the stored members, sorted. */
  members(segmentId: string): Promise<string[]>;
  /** Transitions after `after` (id), in id order, with external ids (or profile ids of erased profiles). */
  transitions(opts?: { after?: number; segment?: string }): Promise<Transition[]>;
  lastTransitionId(): Promise<number>;
  memberCount(segmentId: string): Promise<number>;
  dueAt(user: string): Promise<Date | undefined>;
  /** verify() at the clock's now: the segments with drift (empty when none). */
  drift(): Promise<unknown[]>;
  close(): Promise<void>;
}

/** A store shared by a suite's tests (a PGlite takes seconds to open); each test makes its own workspace. */
export type Store = Awaited<ReturnType<typeof freshDb>>;
export const openStore = (kind: StoreKind): Promise<Store> => freshDb(kind);

export async function membershipFixture(store: Store, opts: { now?: string; timezone?: string; options?: Partial<MembershipOptions> } = {}): Promise<Fixture> {
  const { db, url } = store;
  const clock = new ManualClock(opts.now ?? '2026-03-15T12:00:00Z');
  const services = createServices({ db, clock });
  const timezone = opts.timezone ?? 'UTC';
  const { workspace } = await services.workspaces.create({ name: 'Membership', timezone });
  const workspaceId = workspace.id;
  const worker = new MembershipWorker({ db, clock, options: opts.options, onError: (err) => console.error('membership worker:', err) });
  const ids = new Map<string, string>();
  const byProfile = new Map<string, string>();
  const remember = (user: string, id: string) => {
    ids.set(user, id);
    byProfile.set(id, user);
    return id;
  };
  const ingest = async (message: Record<string, unknown>) => {
    const r = await services.events.one({ workspaceId, timezone, message });
    return remember(String(message.userId), r.profile_id);
  };
  const f: Fixture = {
    db, url, services, clock, workspaceId, timezone, worker,
    async segment(name, rule) {
      const id = newId();
      await db.query(
        'INSERT INTO segments (id, workspace_id, name, rule, version, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, 1, $5, $5)',
        [id, workspaceId, name, JSON.stringify(rule), clock.now()],
      );
      return id;
    },
    async edit(id, rule) {
      await db.query('UPDATE segments SET rule = $2::jsonb, version = version + 1, updated_at = $3 WHERE id = $1', [id, JSON.stringify(rule), clock.now()]);
    },
    track: (user, event, timestamp, properties) => ingest({ type: 'track', userId: user, event, timestamp, ...(properties ? { properties } : {}) }),
    identify: (user, traits) => ingest({ type: 'identify', userId: user, traits }),
    async profileId(user) {
      const known = ids.get(user);
      if (known) return known;
      const [row] = await db.query<{ profile_id: string }>('SELECT profile_id FROM profiles WHERE workspace_id = $1 AND external_id = $2', [workspaceId, user]);
      if (!row) throw new Error(`no profile ${user}`);
      return remember(user, row.profile_id);
    },
    async drain() {
      const r = await worker.drain({ now: clock.now() });
      if (r.more) throw new Error('the membership worker did not finish');
    },
    async members(segmentId) {
      const rows = await db.query<{ profile_id: string; external_id: string | null }>(
        `SELECT m.profile_id, p.external_id FROM segment_members m LEFT JOIN profiles p ON p.workspace_id = m.workspace_id AND p.profile_id = m.profile_id
         WHERE m.workspace_id = $1 AND m.segment_id = $2`, [workspaceId, segmentId]);
      return rows.map((r) => r.external_id ?? byProfile.get(r.profile_id) ?? r.profile_id).sort();
    },
    async transitions(o = {}) {
      const rows = await db.query<{ id: number; profile_id: string; segment_id: string; kind: 'enter' | 'exit'; cause: string; at: Date }>(
        `SELECT id, profile_id, segment_id, kind, cause, at FROM segment_transitions
         WHERE workspace_id = $1 AND id > $2 AND ($3::uuid IS NULL OR segment_id = $3) ORDER BY id`,
        [workspaceId, o.after ?? 0, o.segment ?? null]);
      return rows.map((r) => ({ user: byProfile.get(r.profile_id) ?? r.profile_id, segment: r.segment_id, kind: r.kind, cause: r.cause, at: r.at.toISOString() }));
    },
    async lastTransitionId() {
      const [r] = await db.query<{ id: number | null }>('SELECT max(id) AS id FROM segment_transitions WHERE workspace_id = $1', [workspaceId]);
      return r?.id ?? 0;
    },
    async memberCount(segmentId) {
      const [r] = await db.query<{ member_count: number }>('SELECT member_count FROM segment_builds WHERE segment_id = $1', [segmentId]);
      return r?.member_count ?? 0;
    },
    async dueAt(user) {
      const [r] = await db.query<{ due_at: Date }>('SELECT due_at FROM membership_due WHERE workspace_id = $1 AND profile_id = $2', [workspaceId, await f.profileId(user)]);
      return r?.due_at;
    },
    async drift() {
      const report = await verify({ db, workspaceId, now: clock.now() });
      return report.segments.filter((s) => s.drift);
    },
    close: () => worker.stop(),
  };
  return f;
}

export const at = (iso: string, ms = 0): string => new Date(new Date(iso).getTime() + ms).toISOString();
export const DAY = 86_400_000;
