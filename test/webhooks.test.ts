import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, afterEach, before, test } from 'node:test';
import pino from 'pino';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices, type Services } from '../src/services.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { DeliverySender, type SenderOptions } from '../src/webhooks/sender.ts';
import { WebhookWorker } from '../src/webhooks/worker.ts';
import { startServer, type TestServer } from './http.ts';
import { insertProfiles } from './profiles-fixture.ts';
import { forEachStore, freshDb } from './stores.ts';
import { insertSegment, insertTransitions, type TransitionSeed } from './transitions-fixture.ts';
import { startReceiver, verifySignature, type Receiver } from './webhook-receiver.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits (real time: a background loop is running) until `done()`, for at most `ms`. */
const waitFor = async (done: () => boolean, ms = 15_000) => {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await sleep(10);
};

forEachStore('webhooks', (kind) => {
  let s: TestServer;
  let profiles: string[];
  let buyers: string;
  let churned: string;
  let receiver: Receiver;
  before(async () => {
    s = await startServer(kind);
    profiles = await insertProfiles(s.services.db, s.workspaceId, [{ external_id: 'u1' }, { external_id: 'u2' }, {}]);
    buyers = await insertSegment(s.services.db, s.workspaceId, 'Buyers');
    churned = await insertSegment(s.services.db, s.workspaceId, 'Churned');
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await s.close();
  });
  // Each test starts with no webhook, an empty receiver and the workspace's log already delivered.
  afterEach(async () => {
    for (const w of (await s.call('GET', '/v1/webhooks')).body.data) await s.call('DELETE', `/v1/webhooks/${w.id}`);
    receiver.received.length = 0;
    receiver.respond = () => 200;
  });

  const worker = (opts: SenderOptions = {}) => {
    const { db, clock } = s.services;
    return new WebhookWorker({ db, clock, sender: new DeliverySender({ db, clock, random: () => 0, ...opts }) });
  };
  const drain = async (w: WebhookWorker) => {
    while (await w.runOnce());
  };
  const transitions = (seeds: Omit<TransitionSeed, 'at'>[]) =>
    insertTransitions(s.services.db, s.workspaceId, seeds.map((t) => ({ at: s.clock.now(), ...t })));
  const subscribe = async (body: Record<string, unknown> = {}) => {
    const res = await s.call('POST', '/v1/webhooks', { url: receiver.url, events: ['segment.entered', 'segment.exited'], ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; secret: string };
  };
  const deliveries = async (webhookId: string, query = '') => (await s.call('GET', `/v1/webhooks/${webhookId}/deliveries${query}`)).body.data;

  test('create returns the secret once; list and get never show it; bad input is refused with a path', async () => {
    const created = await s.call('POST', '/v1/webhooks', { url: receiver.url, events: ['segment.entered', 'segment.entered'], segment_ids: [buyers], description: 'CRM' });
    assert.equal(created.status, 201);
    assert.match(created.body.secret, /^whsec_[\w-]{43}$/);
    assert.deepEqual(created.body.events, ['segment.entered']);
    assert.deepEqual(created.body.segment_ids, [buyers]);
    assert.equal(created.body.active, true);
    const got = await s.call('GET', `/v1/webhooks/${created.body.id}`);
    assert.equal(got.status, 200);
    assert.equal('secret' in got.body, false);
    const listed = await s.call('GET', '/v1/webhooks');
    assert.equal(JSON.stringify(listed.body).includes(created.body.secret), false);

    const cases: [Record<string, unknown>, number, string][] = [
      [{ url: 'ftp://example.com/x', events: ['segment.entered'] }, 400, 'url'],
      [{ url: 'not a url', events: ['segment.entered'] }, 400, 'url'],
      [{ url: 'https://user:pw@example.com/hook', events: ['segment.entered'] }, 400, 'url'],
      [{ url: receiver.url, events: [] }, 400, 'events'],
      [{ url: receiver.url, events: ['profile.created'] }, 400, 'events[0]'],
      [{ url: receiver.url, events: ['segment.exited'], segment_ids: [buyers, '01900000-0000-7000-8000-00000000dead'] }, 422, 'segment_ids[1]'],
      [{ url: receiver.url, events: ['segment.exited'], secret: 'short' }, 400, 'secret'],
    ];
    for (const [body, status, path] of cases) {
      const res = await s.call('POST', '/v1/webhooks', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.path, path, JSON.stringify(res.body));
    }
  });

  test('update, pause and delete; another workspace sees none of it', async () => {
    const hook = await subscribe();
    const patched = await s.call('PATCH', `/v1/webhooks/${hook.id}`, { events: ['segment.exited'], segment_ids: [churned], active: false });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.events, patched.body.segment_ids, patched.body.active], [['segment.exited'], [churned], false]);
    const cleared = await s.call('PATCH', `/v1/webhooks/${hook.id}`, { segment_ids: null });
    assert.equal(cleared.body.segment_ids, null);
    assert.deepEqual(cleared.body.events, ['segment.exited']);

    const other = await s.services.workspaces.create({ name: 'Other' });
    const opts = { key: other.apiKey };
    assert.equal((await s.call('GET', `/v1/webhooks/${hook.id}`, undefined, opts)).status, 404);
    assert.equal((await s.call('GET', `/v1/webhooks/${hook.id}/deliveries`, undefined, opts)).status, 404);
    assert.equal((await s.call('POST', `/v1/webhooks/${hook.id}/test`, undefined, opts)).status, 404);
    assert.equal((await s.call('DELETE', `/v1/webhooks/${hook.id}`, undefined, opts)).status, 404);
    assert.deepEqual((await s.call('GET', '/v1/webhooks', undefined, opts)).body.data, []);
    // Their webhook can not filter on our segment.
    const theirs = await s.call('POST', '/v1/webhooks', { url: receiver.url, events: ['segment.entered'], segment_ids: [buyers] }, opts);
    assert.equal(theirs.status, 422);
    assert.equal(theirs.body.error.code, 'AUD_ERR_WEBHOOK_UNKNOWN_SEGMENT');

    assert.equal((await s.call('DELETE', `/v1/webhooks/${hook.id}`)).status, 200);
    assert.equal((await s.call('GET', `/v1/webhooks/${hook.id}`)).status, 404);
  });

  test('each new transition is POSTed once, signed, with the documented payload; the log shows it delivered', async () => {
    await transitions([{ profileId: profiles[2]!, segmentId: buyers, kind: 'enter' }]); // before the webhook: not sent
    const hook = await subscribe();
    const [enter, exit] = await transitions([
      { profileId: profiles[0]!, segmentId: buyers, kind: 'enter', cause: 'event' },
      { profileId: profiles[1]!, segmentId: churned, kind: 'exit', cause: 'time' },
    ]);
    const w = worker();
    await drain(w);
    assert.equal(receiver.received.length, 2);
    const [first, second] = [...receiver.received].sort((a, b) => Number(a.json.data.transition_id) - Number(b.json.data.transition_id));
    for (const r of [first!, second!]) {
      assert.ok(verifySignature(r, hook.secret), 'signature');
      assert.ok(!verifySignature(r, `${hook.secret}x`), 'a wrong secret does not verify');
      assert.equal(r.headers['audience-webhook-id'], r.json.id);
      assert.equal(r.headers['audience-webhook-timestamp'], String(Math.floor(s.clock.now().getTime() / 1000)));
      assert.equal(r.headers['content-type'], 'application/json');
    }
    assert.deepEqual(first!.json, {
      id: first!.json.id, type: 'segment.entered', created_at: s.clock.now().toISOString(),
      data: { segment: { id: buyers, name: 'Buyers' }, profile: { id: profiles[0], external_id: 'u1' }, transition_id: enter, at: s.clock.now().toISOString(), cause: 'event' },
    });
    assert.equal(second!.json.type, 'segment.exited');
    assert.deepEqual(second!.json.data.segment, { id: churned, name: 'Churned' });
    assert.equal(second!.json.data.transition_id, exit);

    const log = await deliveries(hook.id);
    assert.equal(log.length, 2);
    for (const d of log) {
      assert.equal(d.status, 'succeeded');
      assert.equal(d.attempts, 1);
      assert.equal(d.last_status, 200);
      assert.equal(d.next_attempt_at, null);
      assert.equal(d.delivered_at, s.clock.now().toISOString());
    }
    assert.deepEqual(log.map((d: { id: string }) => d.id).sort(), [first!.json.id, second!.json.id].sort());
  });

  test("a deleted segment's members exit over its webhook, named as the segment was", async () => {
    const [gold] = await insertProfiles(s.services.db, s.workspaceId, [{ external_id: 'g1', attributes: { plan: 'gold' } }]);
    const created = await s.call('POST', '/v1/segments', { name: 'Gold', rule: { attribute: 'plan', op: 'is', value: 'gold' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const seg: string = created.body.id;
    const hook = await subscribe({ segment_ids: [seg] });
    await s.services.membership.drain();
    assert.equal((await s.call('DELETE', `/v1/segments/${seg}`)).status, 200);
    await s.services.membership.drain();
    await drain(worker());
    const got = receiver.received.map((r) => r.json).sort((x, y) => Number(x.data.transition_id) - Number(y.data.transition_id));
    assert.deepEqual(got.map((j) => [j.type, j.data.segment, j.data.profile.id, j.data.cause]), [
      ['segment.entered', { id: seg, name: 'Gold' }, gold, 'backfill'],
      ['segment.exited', { id: seg, name: 'Gold' }, gold, 'deleted'],
    ]);
    assert.ok(receiver.received.every((r) => verifySignature(r, hook.secret)));
  });

  test('events and segment filters pick the transitions; a paused webhook catches up when resumed', async () => {
    const hook = await subscribe({ events: ['segment.exited'], segment_ids: [churned] });
    const w = worker();
    const [, wanted] = await transitions([
      { profileId: profiles[0]!, segmentId: churned, kind: 'enter' },
      { profileId: profiles[0]!, segmentId: churned, kind: 'exit' },
      { profileId: profiles[1]!, segmentId: buyers, kind: 'exit' },
    ]);
    await drain(w);
    assert.deepEqual(receiver.received.map((r) => r.json.data.transition_id), [wanted]);

    await s.call('PATCH', `/v1/webhooks/${hook.id}`, { active: false });
    const [paused] = await transitions([{ profileId: profiles[1]!, segmentId: churned, kind: 'exit' }]);
    await drain(w);
    assert.equal(receiver.received.length, 1);
    await s.call('PATCH', `/v1/webhooks/${hook.id}`, { active: true });
    await drain(w);
    assert.deepEqual(receiver.received.map((r) => r.json.data.transition_id), [wanted, paused]);
  });

  test('a failed attempt is retried after the backoff, with the same id and body; the log shows both attempts', async () => {
    const hook = await subscribe();
    receiver.respond = (_, n) => (n === 0 ? 500 : 200);
    const w = worker();
    await transitions([{ profileId: profiles[0]!, segmentId: buyers, kind: 'enter' }]);
    await drain(w);
    assert.equal(receiver.received.length, 1);
    let [d] = await deliveries(hook.id);
    assert.equal(d.status, 'pending');
    assert.equal(d.attempts, 1);
    assert.equal(d.last_status, 500);
    assert.equal(d.last_error, 'HTTP 500: receiver says no');
    assert.equal(d.next_attempt_at, new Date(s.clock.now().getTime() + 10_000).toISOString());

    s.clock.advance(9_000);
    await drain(w);
    assert.equal(receiver.received.length, 1, 'not before the backoff is over');
    s.clock.advance(1_000);
    await drain(w);
    assert.equal(receiver.received.length, 2);
    const [a, b] = receiver.received as [typeof receiver.received[0], typeof receiver.received[0]];
    assert.equal(a.headers['audience-webhook-id'], b.headers['audience-webhook-id']);
    assert.equal(a.body, b.body, 'the same bytes on every attempt');
    assert.notEqual(a.headers['audience-webhook-timestamp'], b.headers['audience-webhook-timestamp']);
    assert.ok(verifySignature(a, hook.secret) && verifySignature(b, hook.secret));

    [d] = await deliveries(hook.id);
    assert.deepEqual([d.status, d.attempts, d.last_status, d.last_error], ['succeeded', 2, 200, null]);
    assert.equal(d.id, a.json.id);
  });

  test('backoff doubles up to the last attempt, then the delivery fails; a manual retry sends it again', async () => {
    const hook = await subscribe();
    receiver.respond = () => 503;
    const w = worker({ retry: { maxAttempts: 4 } });
    await transitions([{ profileId: profiles[0]!, segmentId: buyers, kind: 'exit' }]);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await drain(w);
      assert.equal(receiver.received.length, attempt);
      const [d] = await deliveries(hook.id);
      assert.equal(d.attempts, attempt);
      if (d.status === 'failed') break;
      const wait = new Date(d.next_attempt_at).getTime() - s.clock.now().getTime();
      waits.push(wait);
      s.clock.advance(wait);
    }
    assert.deepEqual(waits, [10_000, 20_000, 40_000]);
    const [failed] = await deliveries(hook.id, '?status=failed');
    assert.deepEqual([failed.status, failed.attempts, failed.last_status], ['failed', 4, 503]);
    assert.deepEqual(await deliveries(hook.id, '?status=pending'), []);
    s.clock.advance(3_600_000);
    await drain(w);
    assert.equal(receiver.received.length, 4, 'a failed delivery is not retried by the worker');

    receiver.respond = () => 204;
    const retried = await s.call('POST', `/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`);
    assert.equal(retried.status, 200);
    assert.deepEqual([retried.body.status, retried.body.attempts, retried.body.last_status], ['succeeded', 5, 204]);
    assert.equal(receiver.received.at(-1)!.json.id, failed.id);
    const unknown = await s.call('POST', `/v1/webhooks/${hook.id}/deliveries/01900000-0000-7000-8000-00000000dead/retry`);
    assert.equal(unknown.status, 404);
  });

  test('a receiver that does not answer in time is a failed attempt', async () => {
    const hook = await subscribe();
    receiver.respond = () => 'hang';
    await transitions([{ profileId: profiles[0]!, segmentId: buyers, kind: 'enter' }]);
    await drain(worker({ timeoutMs: 200 }));
    const [d] = await deliveries(hook.id);
    assert.deepEqual([d.status, d.attempts, d.last_status, d.last_error], ['pending', 1, null, 'no response within 200 ms']);
  });

  test('a receiver that is not there is a failed attempt with the network error', async () => {
    const gone = await startReceiver();
    await gone.close();
    const hook = (await s.call('POST', '/v1/webhooks', { url: gone.url, events: ['segment.entered'] })).body;
    await transitions([{ profileId: profiles[0]!, segmentId: buyers, kind: 'enter' }]);
    await drain(worker());
    const [d] = await deliveries(hook.id);
    assert.equal(d.status, 'pending');
    assert.match(d.last_error, /ECONNREFUSED/);
  });

  test('test sends a signed ping now; a failed ping is not retried', async () => {
    const hook = await subscribe({ secret: 'a-secret-chosen-by-the-user-0123456789' });
    const res = await s.call('POST', `/v1/webhooks/${hook.id}/test`);
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.event, res.body.status, res.body.attempts, res.body.transition_id], ['ping', 'succeeded', 1, null]);
    const [ping] = receiver.received;
    assert.ok(verifySignature(ping!, 'a-secret-chosen-by-the-user-0123456789'));
    assert.deepEqual(ping!.json, { id: res.body.id, type: 'ping', created_at: s.clock.now().toISOString(), data: { webhook_id: hook.id } });
    assert.deepEqual(res.body.payload, ping!.json);

    receiver.respond = () => 404;
    const failed = await s.call('POST', `/v1/webhooks/${hook.id}/test`);
    assert.deepEqual([failed.body.status, failed.body.last_status], ['failed', 404]);
    s.clock.advance(3_600_000);
    await drain(worker());
    assert.equal(receiver.received.length, 2);
  });

  test('the delivery log pages newest first', async () => {
    const hook = await subscribe();
    await transitions(Array.from({ length: 5 }, (_, i) => ({ profileId: profiles[i % 3]!, segmentId: buyers, kind: 'enter' as const })));
    await drain(worker());
    const first = await s.call('GET', `/v1/webhooks/${hook.id}/deliveries?limit=3`);
    assert.equal(first.body.data.length, 3);
    const second = await s.call('GET', `/v1/webhooks/${hook.id}/deliveries?limit=3&cursor=${first.body.next_cursor}`);
    assert.equal(second.body.data.length, 2);
    assert.equal(second.body.next_cursor, null);
    const ids = [...first.body.data, ...second.body.data].map((d: { transition_id: string }) => Number(d.transition_id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.equal((await s.call('GET', `/v1/webhooks/${hook.id}/deliveries?cursor=nope`)).body.error.path, 'query.cursor');
  });

  test('start() runs the worker in the background until stopped', async () => {
    await subscribe();
    const loop = s.services.webhookWorker.start({ idleMs: 10 });
    try {
      await transitions([{ profileId: profiles[1]!, segmentId: churned, kind: 'enter' }]);
      await waitFor(() => receiver.received.length > 0);
      assert.equal(receiver.received.length, 1);
    } finally {
      await loop.stop();
    }
  });

  test('the secret never reaches the logs', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _, done) => { lines.push(String(chunk)); done(); } }));
    const app = await buildApp({ services: s.services, logger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const secret = 'whsec_do-not-log-me-0123456789abcdef';
      const call = (method: string, path: string, body?: unknown) => fetch(base + path, {
        method, headers: { authorization: `Bearer ${s.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const hook = await (await call('POST', '/v1/webhooks', { url: receiver.url, events: ['segment.entered'], secret })).json() as { id: string };
      await call('POST', '/v1/webhooks', { url: 'ftp://x', events: ['segment.entered'], secret });
      await call('GET', `/v1/webhooks/${hook.id}`);
      receiver.respond = () => 500;
      await call('POST', `/v1/webhooks/${hook.id}/test`);
      const loop = s.services.webhookWorker.start({ idleMs: 10, onError: (err) => logger.error({ err }, 'webhook worker step failed') });
      await transitions([{ profileId: profiles[0]!, segmentId: buyers, kind: 'enter' }]);
      await waitFor(() => receiver.received.length >= 2);
      await loop.stop();
      assert.equal(receiver.received.length, 2);
      assert.ok(lines.length > 0, 'the app logged');
      assert.equal(lines.join('\n').includes(secret), false);
    } finally {
      await app.close();
    }
  });
});

forEachStore('webhooks with two workers on one database', (kind) => {
  let dbs: Db[];
  let drop: () => Promise<void>;
  let receiver: Receiver;
  before(async () => {
    const fresh = await freshDb(kind);
    drop = fresh.drop;
    // PostgreSQL: a second pool, as a second process would have. PGlite is one process's store: the same one.
    dbs = [fresh.db, kind === 'postgres' ? await openDb({ kind: 'postgres', url: fresh.url!, poolSize: 5 }) : fresh.db];
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    if (dbs[1] !== dbs[0]) await dbs[1]!.close();
    await drop();
  });

  test('running concurrently, they deliver each transition exactly once to a healthy receiver', async () => {
    const clock = new ManualClock('2026-03-15T12:00:00Z');
    const [a, b] = dbs.map((db) => createServices({ db, clock, webhooks: { batchSize: 25 } })) as [Services, Services];
    const { workspace } = await a.workspaces.create({ name: 'Two workers' });
    const profiles = await insertProfiles(a.db, workspace.id, Array.from({ length: 20 }, () => ({})));
    const segments = [await insertSegment(a.db, workspace.id, 'S1'), await insertSegment(a.db, workspace.id, 'S2')];
    const all = await a.webhooks.create(workspace.id, { url: receiver.url, events: ['segment.entered', 'segment.exited'] });
    const some = await b.webhooks.create(workspace.id, { url: receiver.url, events: ['segment.exited'], segment_ids: [segments[1]!] });

    let stop = false;
    const run = async (w: WebhookWorker) => {
      while (!stop) if (!(await w.runOnce())) await sleep(2);
    };
    const runs = [run(a.webhookWorker), run(b.webhookWorker)];
    const expected = new Map<string, string[]>([[all.id, []], [some.id, []]]);
    for (let wave = 0; wave < 6; wave++) {
      const seeds: TransitionSeed[] = Array.from({ length: 60 }, (_, i) => ({
        profileId: profiles[i % 20]!, segmentId: segments[i % 2]!, kind: (i + wave) % 3 === 0 ? 'exit' : 'enter', at: clock.now(),
      }));
      const ids = await insertTransitions(a.db, workspace.id, seeds);
      ids.forEach((id, i) => {
        expected.get(all.id)!.push(id);
        if (seeds[i]!.kind === 'exit' && seeds[i]!.segmentId === segments[1]) expected.get(some.id)!.push(id);
      });
      await sleep(15);
    }
    const total = expected.get(all.id)!.length + expected.get(some.id)!.length;
    await waitFor(() => receiver.received.length >= total, 60_000);
    await sleep(100); // anything extra would arrive now
    stop = true;
    await Promise.all(runs);

    assert.equal(receiver.received.length, total);
    const secrets = new Map([[all.id, all.secret], [some.id, some.secret]]);
    for (const [webhookId, ids] of expected) {
      const got = (await a.db.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE webhook_id = $1', [webhookId])).map((r) => r.id);
      const mine = receiver.received.filter((r) => got.includes(r.json.id));
      assert.ok(mine.every((r) => verifySignature(r, secrets.get(webhookId)!)));
      const transitionIds = mine.map((r) => r.json.data.transition_id).sort((x, y) => Number(x) - Number(y));
      assert.deepEqual(transitionIds, ids, 'every transition once, none twice');
    }
    assert.equal(new Set(receiver.received.map((r) => r.json.id)).size, total, 'no delivery id twice');
    const [counts] = await a.db.query<{ n: number; once: number }>("SELECT count(*) AS n, count(*) FILTER (WHERE status = 'succeeded' AND attempts = 1) AS once FROM webhook_deliveries WHERE workspace_id = $1", [workspace.id]);
    assert.deepEqual(counts, { n: total, once: total });
  });
});
