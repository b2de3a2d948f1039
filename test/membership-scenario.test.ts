/**
 * Membership end to end: a scripted scenario over HTTP with the workers running (both stores: an event
 * window, a tag, a reference, a server restart with a due instant passing while it is down, a deletion;
 * every enter and exit checked on the change feed and at a real webhook receiver), and two worker
 * processes on one PostgreSQL while changes are produced (every transition exactly once, no drift).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { verify } from '../src/membership/verify.ts';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { startServer, type TestServer } from './http.ts';
import { startReceiver, verifySignature, type Receiver } from './webhook-receiver.ts';
import { forEachStore, freshDb } from './stores.ts';

const T0 = '2026-03-15T12:00:00.000Z';
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a step of the scenario may take on a loaded machine (tests wait on conditions, never fixed sleeps). */
const WAIT = 30_000;

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
  let receiver: Receiver;
  let workers: { stop(): Promise<void> }[] = [];
  const onError = (err: unknown) => console.error(err);
  // What main.ts runs beside the API: the membership worker and the webhook delivery worker.
  const startWorkers = () => {
    workers = [s.services.membership.start({ idleMs: 20, onError }), s.services.webhookWorker.start({ idleMs: 20, onError })];
  };
  const stopWorkers = async () => {
    for (const w of workers.splice(0)) await w.stop();
  };
  before(async () => {
    s = await startServer(kind, { now: T0, restartable: true });
    receiver = await startReceiver();
  });
  after(async () => {
    await stopWorkers();
    await s?.close();
    await receiver?.close();
  });

  test('enters and exits at the right moment over the feed and a webhook, across a server restart and a segment deletion', async () => {
    const hook = await s.call('POST', '/v1/webhooks', { url: receiver.url, events: ['segment.entered', 'segment.exited'] });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const secret: string = hook.body.secret;
    const titles = new Map<string, string>();
    const segment = async (name: string, rule: unknown) => {
      const res = await s.call('POST', '/v1/segments', { name, rule });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      titles.set(res.body.id, name);
      return res.body.id as string;
    };
    const recent = await segment('Bought in the last hour', { event: 'purchase', time: { op: 'within_last', amount: 1, unit: 'hour' } });
    const vip = await segment('VIP', { tag: 'vip' });
    const vipRecent = await segment('VIP buyers of the last hour', { all: [{ segment: recent }, { segment: vip }] });
    const buyers = await segment('Ever bought', { event: 'purchase' });
    const names = new Map([[recent, 'recent'], [vip, 'vip'], [vipRecent, 'vipRecent'], [buyers, 'buyers']]);
    const tag = await s.call('POST', '/v1/tags', { name: 'vip' });
    assert.equal(tag.status, 201);
    startWorkers();
    // Builds first: what a build's sweep finds is reported as 'backfill', so events wait for 'ready'.
    for (const id of names.keys()) await within(WAIT, async () => ((await s.call('GET', `/v1/segments/${id}`)).body.status === 'ready' ? true : undefined));

    const track = async (user: string, timestamp?: string) => {
      const res = await s.call('POST', '/v1/track', { userId: user, event: 'purchase', ...(timestamp ? { timestamp } : {}) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.profile_id as string;
    };
    const tagVip = async (profileId: string) => assert.equal((await s.call('POST', `/v1/tags/${tag.body.id}/profiles`, { profile_ids: [profileId] })).status, 200);
    /** Every transition of a segment's change feed, read page by page, as "segment user kind cause at". */
    const feed = async (id: string) => {
      const out: { id: string; line: string }[] = [];
      for (let after = '0', more = true; more;) {
        const res = await s.call('GET', `/v1/segments/${id}/changes?after=${after}&limit=2`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        for (const c of res.body.data) out.push({ id: c.id, line: [names.get(id), c.external_id, c.kind, c.cause, c.at].join(' ') });
        after = res.body.next_cursor;
        more = res.body.has_more;
      }
      return out;
    };
    const everything = async () => (await Promise.all([...names.keys()].map(feed))).flat();
    /** Waits until the feeds hold exactly `n` transitions in all. */
    const settled = (n: number) => within(WAIT, async () => ((await everything()).length === n ? true : undefined));
    const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

    // T0: u1 buys and is tagged VIP.
    const u1 = await track('u1', T0);
    await settled(2);
    await tagVip(u1);
    await settled(4);
    // T0 + 30 min: u2 buys and is tagged VIP.
    s.clock.set(at(HOUR / 2));
    const u2 = await track('u2');
    await settled(6);
    await tagVip(u2);
    await settled(8);
    // u1's purchase leaves the one-hour window: it leaves recent, and vipRecent through the reference.
    s.clock.set(at(HOUR + 1));
    await settled(10);

    // A real restart: the server stops (its workers first), u2's window closes while it is down, and a
    // new server on the same data handles that due instant at start-up, before anything new comes in.
    await stopWorkers();
    await s.stop();
    s = await startServer(kind, { now: at(3 * HOUR), reopen: s });
    startWorkers();
    await settled(12);
    await track('u3');
    await settled(14);

    // Deleting "Ever bought": its members exit (cause 'deleted'); its feed keeps answering.
    assert.equal((await s.call('DELETE', `/v1/segments/${buyers}`)).status, 200);
    assert.equal((await s.call('GET', `/v1/segments/${buyers}`)).status, 404);
    await settled(17);

    const line = (seg: string, user: string, kind: string, cause: string, ms: number) => [names.get(seg), user, kind, cause, at(ms)].join(' ');
    const expected = new Map([
      [recent, [line(recent, 'u1', 'enter', 'event', 0), line(recent, 'u2', 'enter', 'event', HOUR / 2), line(recent, 'u1', 'exit', 'time', HOUR + 1),
        line(recent, 'u2', 'exit', 'time', 3 * HOUR), line(recent, 'u3', 'enter', 'event', 3 * HOUR)]],
      [vip, [line(vip, 'u1', 'enter', 'tags', 0), line(vip, 'u2', 'enter', 'tags', HOUR / 2)]],
      [vipRecent, [line(vipRecent, 'u1', 'enter', 'tags', 0), line(vipRecent, 'u2', 'enter', 'tags', HOUR / 2),
        line(vipRecent, 'u1', 'exit', 'time', HOUR + 1), line(vipRecent, 'u2', 'exit', 'time', 3 * HOUR)]],
      [buyers, [line(buyers, 'u1', 'enter', 'event', 0), line(buyers, 'u2', 'enter', 'event', HOUR / 2), line(buyers, 'u3', 'enter', 'event', 3 * HOUR),
        line(buyers, 'u1', 'exit', 'deleted', 3 * HOUR), line(buyers, 'u2', 'exit', 'deleted', 3 * HOUR), line(buyers, 'u3', 'exit', 'deleted', 3 * HOUR)]],
    ]);
    for (const [id, lines] of expected) assert.deepEqual((await feed(id)).map((c) => c.line), lines, `feed of ${names.get(id)}`);

    // The webhook saw every one of them: signed, one delivery id per transition (a repeat, say of an
    // attempt cut by the restart, carries the same id and bytes), with what the feed says.
    const all = await everything();
    const deliveries = () => new Map(receiver.received.map((r) => [r.json.id as string, r]));
    const ours = () => [...deliveries().values()].filter((r) => names.has(r.json.data.segment.id)).length;
    await within(WAIT, async () => (ours() >= all.length ? true : undefined));
    for (const r of receiver.received) assert.ok(verifySignature(r, secret), 'signed with the webhook secret');
    const byId = deliveries();
    for (const r of receiver.received) assert.equal(r.body, byId.get(r.json.id)!.body, 'a repeated delivery is the same bytes');
    // The webhook is for every segment: the predefined ones (Everyone...) move too; compare ours.
    const hooked = [...byId.values()].filter((r) => names.has(r.json.data.segment.id)).map((r) => {
      const d = r.json.data;
      assert.equal(d.segment.name, titles.get(d.segment.id), 'the segment as it was named (a deleted one too)');
      return { id: d.transition_id as string, line: [names.get(d.segment.id), d.profile.external_id, r.json.type === 'segment.entered' ? 'enter' : 'exit', d.cause, d.at].join(' ') };
    });
    const order = (xs: { id: string; line: string }[]) => [...xs].sort((a, b) => Number(a.id) - Number(b.id));
    assert.deepEqual(order(hooked), order(all));
    assert.equal(new Set(hooked.map((h) => h.id)).size, hooked.length, 'one delivery id per transition');

    const report = await verify({ db: s.services.db, workspaceId: s.workspaceId, now: s.clock.now() });
    assert.deepEqual(report.segments.filter((c) => c.drift), []);
    const checked = report.segments.map((c) => c.segmentId);
    assert.ok([recent, vip, vipRecent].every((id) => checked.includes(id)) && !checked.includes(buyers), 'the segments left are checked');
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
    let queued = '';
    const settled = () => within(30_000, async () => {
      const [q] = await db.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM profile_changes) AS changes, (SELECT count(*) FROM membership_due WHERE due_at <= now()) AS due,
          (SELECT count(*) FROM segments s LEFT JOIN segment_builds b ON b.segment_id = s.id
            WHERE b.segment_id IS NULL OR b.built_version < s.version OR b.phase IS NOT NULL) AS builds, (SELECT count(*) FROM membership_sweeps) AS sweeps,
          (SELECT count(*) FROM segment_deletions WHERE finished_at IS NULL) AS deletions`);
      queued = JSON.stringify(q);
      return Object.values(q!).every((n) => Number(n) === 0) ? true : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}; still queued: ${queued}`);
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
    await settled(); // so the gold → silver turn below is seen as two steps, and "ever pinged" is built before it is deleted
    for (const w of workspaces) {
      const batch = [];
      for (let u = 0; u < USERS; u += 4) batch.push({ type: 'identify', userId: `u${u}`, traits: { plan: 'silver' } });
      await services.events.ingest({ workspaceId: w.id, timezone: 'UTC', messages: batch, path: String });
    }
    // "ever pinged" is deleted while both run: its 40 members exit, 7 per chunk, whichever process holds the lock.
    for (const [k, w] of workspaces.entries()) await services.segments.delete({ workspaceId: w.id, timezone: 'UTC' }, late[k]!);
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
        seq.set(key, [...(seq.get(key) ?? []), r.segment_id === late[k] && r.kind === 'exit' ? `exit ${r.cause}` : r.kind]);
      }
      for (let u = 0; u < USERS; u++) {
        const user = `u${u}`;
        const get = (s: string) => seq.get(`${s} ${user}`) ?? [];
        assert.deepEqual(get(w.recent), ['enter', 'exit'], `${user} recent`);
        assert.deepEqual(get(late[k]!), ['enter', 'exit deleted'], `${user} ever pinged, deleted`);
        const goldSeq = u % 2 === 0 ? (u % 4 === 0 ? ['enter', 'exit'] : ['enter']) : [];
        assert.deepEqual(get(w.gold), goldSeq, `${user} gold`);
        // "gold and recent": entered at most once, and out at the end.
        const bothSeq = get(w.both);
        assert.ok(bothSeq.length === 0 || (bothSeq.length === 2 && bothSeq[0] === 'enter' && bothSeq[1] === 'exit'), `${user} both: ${bothSeq}`);
      }
      const report = await verify({ db, workspaceId: w.id, now: new Date() });
      assert.deepEqual(report.segments.filter((c) => c.drift), [], `workspace ${k} drift`);
      assert.equal((await db.query('SELECT 1 FROM segment_members WHERE segment_id = $1', [late[k]])).length, 0, 'no member of the deleted segment left');
    }
    assert.ok(stats.every((s) => s.changes + s.transitions > 0), `both processes worked: ${JSON.stringify(stats)}`);
  });
});
