/**
 * Membership end to end: a scripted scenario over HTTP with the worker running (both stores), and two
 * worker processes on one PostgreSQL while changes are produced (every transition exactly once, no drift).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { verify } from '../src/membership/verify.ts';
import { MembershipWorker } from '../src/membership/worker.ts';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { startServer, type TestServer } from './http.ts';
import { forEachStore, freshDb } from './stores.ts';

const T0 = '2026-03-15T12:00:00.000Z';
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined) or `ms` pass; returns it and how long it took. */
async function within<T>(ms: number, check: () => Promise<T | undefined>): Promise<{ value: T; tookMs: number }> {
  const start = performance.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, tookMs: performance.now() - start };
    if (performance.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(5);
  }
}

forEachStore('membership over HTTP', (kind) => {
  let s: TestServer;
  let loop: { stop(): Promise<void> } | undefined;
  before(async () => {
    s = await startServer(kind, { now: T0 });
  });
  after(async () => {
    await loop?.stop();
    await s.close();
  });

  test('track → member within a second; the window closes on its own; a restarted worker catches up', async () => {
    const created = await s.call('POST', '/v1/segments', {
      name: 'Bought in the last hour', rule: { event: 'purchase', time: { op: 'within_last', amount: 1, unit: 'hour' } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const seg: string = created.body.id;
    loop = s.services.membership.start({ idleMs: 20, onError: (err) => console.error(err) });
    // The build (members, then the sweep that seeds due instants) finishes first; transitions it finds carry 'backfill'.
    await within(5000, async () => ((await s.call('GET', `/v1/segments/${seg}`)).body.status === 'ready' ? true : undefined));
    const changes = async (after = '0') => (await s.call('GET', `/v1/segments/${seg}/changes?after=${after}`)).body as { data: { external_id: string; kind: string; cause: string; at: string }[] };

    const tracked = await s.call('POST', '/v1/track', { userId: 'u1', event: 'purchase', timestamp: T0 });
    assert.equal(tracked.status, 200);
    const entered = await within(1000, async () => {
      const [row] = await s.services.db.query('SELECT 1 FROM segment_members WHERE segment_id = $1', [seg]);
      return row;
    });
    assert.ok(entered.tookMs < 1000);

    s.clock.set(new Date(Date.parse(T0) + HOUR / 2));
    await s.call('POST', '/v1/track', { userId: 'u2', event: 'purchase' }); // at now: T0 + 30 min
    await within(1000, async () => ((await changes()).data.length === 2 ? true : undefined));

    s.clock.set(new Date(Date.parse(T0) + HOUR + 1)); // u1's purchase leaves the window
    await within(1000, async () => ((await changes()).data.length === 3 ? true : undefined));

    // Down: the worker stops; u2's window closes meanwhile and u3 buys. A new worker picks both up.
    await loop.stop();
    loop = undefined;
    s.clock.set(new Date(Date.parse(T0) + 3 * HOUR));
    await s.call('POST', '/v1/track', { userId: 'u3', event: 'purchase' });
    const restarted = new MembershipWorker({ db: s.services.db, clock: s.clock });
    loop = restarted.start({ idleMs: 20 });
    await within(5000, async () => ((await changes()).data.length === 5 ? true : undefined));
    const feed = (await changes()).data.map((c) => [c.external_id, c.kind, c.cause].join(' '));
    assert.deepEqual(feed.slice(0, 3), ['u1 enter event', 'u2 enter event', 'u1 exit time']);
    assert.deepEqual(feed.slice(3).sort(), ['u2 exit time', 'u3 enter event']);
    const report = await verify({ db: s.services.db, workspaceId: s.workspaceId, now: s.clock.now() });
    assert.deepEqual(report.segments.filter((c) => c.drift), []);
  });
});

describe('membership with two worker processes [postgres]', { skip: process.env.AUDIENCE_TEST_STORES === 'pglite' ? 'AUDIENCE_TEST_STORES=pglite' : false }, () => {
  let store: Awaited<ReturnType<typeof freshDb>>;
  const children: ChildProcess[] = [];
  before(async () => {
    try {
      store = await freshDb('postgres');
    } catch (err) {
      if (process.env.CI === 'true') throw err;
    }
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await store?.drop();
  });

  test('every transition exactly once, no drift', async (t) => {
    if (!store) return t.skip('no PostgreSQL server');
    const { db, url } = store;
    const services = createServices({ db, clock: systemClock });
    const script = fileURLToPath(new URL('./membership-child.ts', import.meta.url));
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      const lines = createInterface({ input: child.stdout! });
      const out: string[] = [];
      lines.on('line', (l) => out.push(l));
      await within(30_000, async () => (out.includes('ready') ? true : undefined));
      return { child, out };
    };

    const workspaces = await Promise.all([0, 1, 2].map(async (i) => {
      const { workspace } = await services.workspaces.create({ name: `two-process ${i}`, timezone: 'UTC' });
      const id = workspace.id;
      const segment = async (name: string, rule: unknown) => {
        const sid = newId();
        await db.query('INSERT INTO segments (id, workspace_id, name, rule, version, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, 1, now(), now())', [sid, id, name, JSON.stringify(rule)]);
        return sid;
      };
      const recent = await segment('pinged in the last minute', { event: 'ping', time: { op: 'within_last', amount: 1, unit: 'minute' } });
      const gold = await segment('gold', { attribute: 'plan', op: 'is', value: 'gold' });
      const both = await segment('gold and recent', { all: [{ segment: recent }, { segment: gold }] });
      return { id, recent, gold, both };
    }));
    const procs = [await start(), await start()];
    const settled = () => within(30_000, async () => {
      const [q] = await db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM profile_changes) + (SELECT count(*) FROM membership_due WHERE due_at <= now())
          + (SELECT count(*) FROM segment_builds WHERE phase IS NOT NULL) + (SELECT count(*) FROM membership_sweeps) AS n`);
      return q!.n === 0 ? true : undefined;
    });

    // Changes while both run: 40 profiles per workspace, each pinged once ~4-6 s before its ping leaves the
    // one-minute window, half of them gold, then a quarter turned silver again; and a segment created meanwhile.
    const USERS = 40;
    const base = Date.now();
    for (let round = 0; round < 4; round++) {
      await Promise.all(workspaces.map(async (w) => {
        const batch = [];
        for (let u = round; u < USERS; u += 4) {
          const ts = new Date(base - 60_000 + 4_000 + ((u * 53) % 2000)).toISOString();
          batch.push({ type: 'identify', userId: `u${u}`, traits: { plan: u % 2 === 0 ? 'gold' : 'silver' } });
          batch.push({ type: 'track', userId: `u${u}`, event: 'ping', timestamp: ts });
        }
        await services.events.ingest({ workspaceId: w.id, timezone: 'UTC', messages: batch, path: String });
      }));
      await sleep(200);
    }
    const late = await Promise.all(workspaces.map(async (w) => {
      const sid = newId();
      await db.query("INSERT INTO segments (id, workspace_id, name, rule, version, created_at, updated_at) VALUES ($1, $2, 'ever pinged', $3::jsonb, 1, now(), now())", [sid, w.id, JSON.stringify({ event: 'ping' })]);
      return sid;
    }));
    await settled(); // so the gold → silver turn below is seen as two steps
    for (const w of workspaces) {
      const batch = [];
      for (let u = 0; u < USERS; u += 4) batch.push({ type: 'identify', userId: `u${u}`, traits: { plan: 'silver' } });
      await services.events.ingest({ workspaceId: w.id, timezone: 'UTC', messages: batch, path: String });
    }
    // Let every ping leave its window, then wait for the queues to empty.
    await sleep(Math.max(0, base + 7_000 - Date.now()));
    await settled();
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => once(p.child, 'exit')));
    const stats = procs.map((p) => JSON.parse(p.out.at(-1)!) as { changes: number; transitions: number });

    for (const [k, w] of workspaces.entries()) {
      const rows = await db.query<{ id: number; external_id: string; segment_id: string; kind: string; cause: string }>(
        `SELECT t.id, p.external_id, t.segment_id, t.kind, t.cause FROM segment_transitions t
         JOIN profiles p ON p.workspace_id = t.workspace_id AND p.profile_id = t.profile_id WHERE t.workspace_id = $1 ORDER BY t.id`, [w.id]);
      const seq = new Map<string, string[]>();
      for (const r of rows) {
        const key = `${r.segment_id} ${r.external_id}`;
        seq.set(key, [...(seq.get(key) ?? []), r.kind]);
      }
      for (let u = 0; u < USERS; u++) {
        const user = `u${u}`;
        const get = (s: string) => seq.get(`${s} ${user}`) ?? [];
        assert.deepEqual(get(w.recent), ['enter', 'exit'], `${user} recent`);
        assert.deepEqual(get(late[k]!), ['enter'], `${user} ever pinged`);
        const goldSeq = u % 2 === 0 ? (u % 4 === 0 ? ['enter', 'exit'] : ['enter']) : [];
        assert.deepEqual(get(w.gold), goldSeq, `${user} gold`);
        // "gold and recent": entered at most once, and out at the end.
        const bothSeq = get(w.both);
        assert.ok(bothSeq.length === 0 || (bothSeq.length === 2 && bothSeq[0] === 'enter' && bothSeq[1] === 'exit'), `${user} both: ${bothSeq}`);
      }
      const report = await verify({ db, workspaceId: w.id, now: new Date() });
      assert.deepEqual(report.segments.filter((c) => c.drift), [], `workspace ${k} drift`);
    }
    assert.ok(stats.every((s) => s.changes + s.transitions > 0), `both processes worked: ${JSON.stringify(stats)}`);
  });
});
