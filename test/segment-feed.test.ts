import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { insertProfiles } from './profiles-fixture.ts';
import { forEachStore } from './stores.ts';
import { insertSegment, insertTransitions, type TransitionSeed } from './transitions-fixture.ts';

forEachStore('segment change feed and history over HTTP', (kind) => {
  let s: TestServer;
  let profiles: string[];
  before(async () => {
    s = await startServer(kind);
    profiles = await insertProfiles(s.services.db, s.workspaceId, [{ external_id: 'u1' }, { external_id: 'u2' }, {}]);
  });
  after(() => s.close());

  const page = (segmentId: string, query: string) => s.call('GET', `/v1/segments/${segmentId}/changes?${query}`);

  test('pages resume from next_cursor without gaps or duplicates, in commit order, and keep following the log', async () => {
    const seg = await insertSegment(s.services.db, s.workspaceId, 'Buyers');
    const other = await insertSegment(s.services.db, s.workspaceId, 'Other');
    const seeds: TransitionSeed[] = Array.from({ length: 23 }, (_, i) => ({
      profileId: profiles[i % 3]!, segmentId: i % 4 === 3 ? other : seg, kind: i % 2 === 0 ? 'enter' : 'exit',
      at: new Date(Date.UTC(2026, 2, 1, 0, i)), cause: i === 0 ? 'backfill' : 'event',
    }));
    const ids = await insertTransitions(s.services.db, s.workspaceId, seeds);
    const expected = ids.filter((_, i) => seeds[i]!.segmentId === seg);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let more = true; more;) {
      const res = await page(seg, `limit=5${cursor ? `&after=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length <= 5);
      seen.push(...res.body.data.map((d: { id: string }) => d.id));
      cursor = res.body.next_cursor;
      more = res.body.has_more;
    }
    assert.deepEqual(seen, expected);
    assert.equal(cursor, expected.at(-1));

    const first = (await page(seg, 'limit=1')).body.data[0];
    assert.deepEqual(first, { id: expected[0], profile_id: profiles[0], external_id: 'u1', kind: 'enter', at: '2026-03-01T00:00:00.000Z', cause: 'backfill' });

    // Polling at the end: an empty page keeps the cursor, and new transitions come next, once.
    const idle = await page(seg, `after=${cursor}`);
    assert.deepEqual(idle.body, { data: [], next_cursor: cursor, has_more: false });
    const later = await insertTransitions(s.services.db, s.workspaceId, [
      { profileId: profiles[2]!, segmentId: seg, kind: 'enter', at: '2026-03-02T00:00:00Z', cause: 'time' },
      { profileId: profiles[2]!, segmentId: other, kind: 'enter', at: '2026-03-02T00:00:00Z' },
    ]);
    const next = await page(seg, `after=${cursor}`);
    assert.deepEqual(next.body.data.map((d: { id: string }) => d.id), [later[0]]);
    assert.equal(next.body.data[0].external_id, null);
    assert.equal(next.body.next_cursor, later[0]);
  });

  test('a cursor that is not one is a 400 on query.after', async () => {
    const seg = await insertSegment(s.services.db, s.workspaceId, 'Cursors');
    const res = await page(seg, 'after=abc');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'AUD_ERR_VALIDATION');
    assert.equal(res.body.error.path, 'query.after');
  });

  test("another workspace's segment is a 404, and so is an unknown one", async () => {
    const seg = await insertSegment(s.services.db, s.workspaceId, 'Private');
    await insertTransitions(s.services.db, s.workspaceId, [{ profileId: profiles[0]!, segmentId: seg, kind: 'enter', at: '2026-03-01T00:00:00Z' }]);
    const other = await s.services.workspaces.create({ name: 'Other' });
    for (const path of [`/v1/segments/${seg}/changes`, `/v1/segments/${seg}/history`]) {
      const res = await s.call('GET', path, undefined, { key: other.apiKey });
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, 'AUD_ERR_NOT_FOUND');
    }
    assert.equal((await page('01900000-0000-7000-8000-00000000dead', '')).status, 404);
  });

  test("a deleted segment's feed keeps answering, its members' exits (cause deleted) included; the segment is a 404", async () => {
    await insertProfiles(s.services.db, s.workspaceId, [{ external_id: 'o1', attributes: { city: 'Oslo' } }, { external_id: 'o2', attributes: { city: 'Oslo' } }]);
    const created = await s.call('POST', '/v1/segments', { name: 'Oslo', rule: { attribute: 'city', op: 'is', value: 'Oslo' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const seg: string = created.body.id;
    await s.services.membership.drain();
    const feed = async (after = '0') => (await page(seg, `after=${after}`)).body as { data: { external_id: string; kind: string; cause: string }[]; next_cursor: string };
    const built = await feed();
    assert.deepEqual(built.data.map((d) => `${d.external_id} ${d.kind} ${d.cause}`), ['o1 enter backfill', 'o2 enter backfill']);

    assert.equal((await s.call('DELETE', `/v1/segments/${seg}`)).status, 200);
    assert.equal((await s.call('GET', `/v1/segments/${seg}`)).status, 404);
    assert.deepEqual((await feed(built.next_cursor)).data, [], 'the request itself writes no transition');
    await s.services.membership.drain();
    const exits = await feed(built.next_cursor);
    assert.deepEqual(exits.data.map((d) => `${d.external_id} ${d.kind} ${d.cause}`), ['o1 exit deleted', 'o2 exit deleted']);
    assert.deepEqual((await feed(exits.next_cursor)).data, []);
    const history = await s.call('GET', `/v1/segments/${seg}/history`);
    assert.equal(history.status, 200);
    assert.equal(history.body.data.at(-1).size, 0);
    const other = await s.services.workspaces.create({ name: 'Not the owner' });
    assert.equal((await s.call('GET', `/v1/segments/${seg}/changes`, undefined, { key: other.apiKey })).status, 404);
  });

  test('history: the size at the end of each day is the running sum of enters minus exits', async () => {
    const seg = await insertSegment(s.services.db, s.workspaceId, 'Sized');
    const [a, b, c] = profiles as [string, string, string];
    await insertTransitions(s.services.db, s.workspaceId, [
      { profileId: a, segmentId: seg, kind: 'enter', at: '2026-02-20T10:00:00Z', cause: 'backfill' }, // before `from`: the baseline
      { profileId: b, segmentId: seg, kind: 'enter', at: '2026-03-10T09:00:00Z' },
      { profileId: c, segmentId: seg, kind: 'enter', at: '2026-03-10T23:59:59Z' },
      { profileId: a, segmentId: seg, kind: 'exit', at: '2026-03-12T00:00:00Z' },
      { profileId: b, segmentId: seg, kind: 'exit', at: '2026-03-12T05:00:00Z' },
      { profileId: b, segmentId: seg, kind: 'enter', at: '2026-03-14T12:00:00Z' }, // after `to`: not counted
    ]);
    const res = await s.call('GET', `/v1/segments/${seg}/history?bucket=day&from=2026-03-09T12:00:00Z&to=2026-03-13T00:00:00Z`);
    assert.equal(res.status, 200);
    assert.equal(res.body.bucket, 'day');
    assert.deepEqual(res.body.data.map((p: { start: string; size: number; entered: number; exited: number }) => [p.start.slice(0, 10), p.size, p.entered, p.exited]), [
      ['2026-03-09', 1, 0, 0],
      ['2026-03-10', 3, 2, 0],
      ['2026-03-11', 3, 0, 0],
      ['2026-03-12', 1, 0, 2],
    ]);
    assert.equal(res.body.data.at(-1).stop, '2026-03-13T00:00:00.000Z');

    const hours = await s.call('GET', `/v1/segments/${seg}/history?bucket=hour&from=2026-03-12T00:00:00Z&to=2026-03-12T06:30:00Z`);
    assert.deepEqual(hours.body.data.map((p: { size: number }) => p.size), [2, 2, 2, 2, 2, 1, 1]);
    assert.equal(hours.body.data.at(-1).stop, '2026-03-12T06:30:00.000Z');

    // Defaults: 30 days up to now (the test clock: 2026-03-15T12:00Z), today's bucket so far included.
    const recent = await s.call('GET', `/v1/segments/${seg}/history`);
    assert.equal(recent.body.data.length, 31);
    assert.equal(recent.body.data.at(-1).size, 2);
  });

  test('history days follow the workspace time zone, across a DST change', async () => {
    const ny = await s.services.workspaces.create({ name: 'New York', timezone: 'America/New_York' });
    const [p] = await insertProfiles(s.services.db, ny.workspace.id, [{}]);
    const seg = await insertSegment(s.services.db, ny.workspace.id, 'NY');
    // 2026-03-08 is 23 hours long in New York (clocks go forward at 02:00).
    await insertTransitions(s.services.db, ny.workspace.id, [
      { profileId: p!, segmentId: seg, kind: 'enter', at: '2026-03-08T04:30:00Z' }, // 23:30 on the 7th, local
      { profileId: p!, segmentId: seg, kind: 'exit', at: '2026-03-09T03:30:00Z' }, // 23:30 on the 8th (EDT), local
    ]);
    const res = await s.call('GET', `/v1/segments/${seg}/history?from=2026-03-07T12:00:00Z&to=2026-03-10T04:00:00Z`, undefined, { key: ny.apiKey });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.map((x: { start: string; size: number }) => [x.start, x.size]), [
      ['2026-03-07T05:00:00.000Z', 1],
      ['2026-03-08T05:00:00.000Z', 0],
      ['2026-03-09T04:00:00.000Z', 0],
    ]);
  });

  test('history refuses a range of too many buckets or a backwards one', async () => {
    const seg = await insertSegment(s.services.db, s.workspaceId, 'Ranges');
    const wide = await s.call('GET', `/v1/segments/${seg}/history?bucket=hour&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
    assert.equal(wide.status, 400);
    assert.equal(wide.body.error.path, 'query.from');
    const backwards = await s.call('GET', `/v1/segments/${seg}/history?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z`);
    assert.equal(backwards.status, 400);
    const notADate = await s.call('GET', `/v1/segments/${seg}/history?from=yesterday`);
    assert.equal(notADate.status, 400);
    assert.equal(notADate.body.error.path, 'query.from');
  });
});
