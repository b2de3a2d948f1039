import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';

forEachStore('profile filters over HTTP', (kind) => {
  let s: TestServer;
  const ids: Record<string, string> = {};
  before(async () => {
    s = await startServer(kind);
    const people = [
      { key: 'ana', email: 'ana@example.com', attributes: { first_name: 'Ana', city: 'Oslo', country: 'NO', gender: 'female' } },
      { key: 'bo', email: 'bo@example.com', phone: '+447911123456', attributes: { first_name: 'Bo', city: 'Bergen', country: 'NO', gender: 'male' } },
      { key: 'cy', email: 'cy@example.com', attributes: { first_name: 'Cy', city: 'Paris', country: 'FR', gender: 'male' } },
      { key: 'di', email: 'di@example.com', attributes: { first_name: 'Di', last_name: 'Doe, "Jr"', city: 'Oslo', country: 'NO', gender: 'female' } },
      { key: 'ed', email: 'ed@example.com', attributes: { first_name: 'Ed', city: 'Lyon', country: 'FR' } },
    ];
    for (const { key, ...body } of people) {
      const res = await s.call('PUT', `/v1/profiles/${key}`, body);
      assert.equal(res.status, 201);
      ids[key] = res.body.id;
    }
    const tag = await s.call('POST', '/v1/tags', { name: 'VIP' });
    assert.equal(tag.status, 201);
    assert.equal((await s.call('POST', `/v1/tags/${tag.body.id}/profiles`, { profile_ids: [ids.ana, ids.bo, ids.cy] })).status, 200);
    const list = await s.call('POST', '/v1/lists', { name: 'Newsletter' });
    assert.equal(list.status, 201);
    assert.equal((await s.call('POST', `/v1/lists/${list.body.id}/members`, { profile_ids: [ids.ana, ids.cy, ids.di] })).status, 200);
    for (const key of ['ana', 'bo', 'di']) {
      assert.equal((await s.call('PUT', `/v1/profiles/${ids[key]}/consent/email`, { status: 'subscribed' })).status, 200);
    }
    assert.equal((await s.call('PUT', `/v1/profiles/${ids.di}/consent/email`, { status: 'unsubscribed' })).status, 200);
  });
  after(() => s.close());

  const get = (query: string, key?: string) => s.call('GET', `/v1/profiles?${query}`, undefined, key ? { key } : {});
  const keys = (body: { data: { id: string }[] }) => body.data.map((p) => Object.keys(ids).find((k) => ids[k] === p.id)).sort();

  test('quick filters: tag, list, country, city (repeated = any), gender, consent; each one must hold; total with the page', async () => {
    const vip = await get('tag=VIP');
    assert.equal(vip.status, 200);
    assert.deepEqual(keys(vip.body), ['ana', 'bo', 'cy']);
    assert.equal(vip.body.total, 3);
    assert.deepEqual(keys((await get('tag=VIP&list=Newsletter')).body), ['ana', 'cy']);
    assert.deepEqual(keys((await get('country=NO&gender=female')).body), ['ana', 'di']);
    const cities = await get('city=Oslo&city=Paris');
    assert.deepEqual(keys(cities.body), ['ana', 'cy', 'di']);
    assert.equal(cities.body.total, 3);
    assert.deepEqual(keys((await get('consent=email:subscribed')).body), ['ana', 'bo']);
    assert.deepEqual(keys((await get('consent=email:none')).body), ['cy', 'ed']);
    const none = await get('tag=Nobody');
    assert.deepEqual(none.body, { data: [], next_cursor: null, total: 0 });
  });

  test('an advanced rule is ANDed with the quick filters; a segment filter by id', async () => {
    const rule = JSON.stringify({ any: [{ attribute: 'city', op: 'is', value: 'Bergen' }, { attribute: 'city', op: 'is', value: 'Paris' }] });
    const res = await get(`tag=VIP&rule=${encodeURIComponent(rule)}`);
    assert.equal(res.status, 200);
    assert.deepEqual(keys(res.body), ['bo', 'cy']);
    assert.equal(res.body.total, 2);
    const seg = await s.call('POST', '/v1/segments', { name: 'French', rule: { attribute: 'country', op: 'is', value: 'FR' } });
    assert.equal(seg.status, 201);
    const inSeg = await get(`segment=${seg.body.id}&tag=VIP`);
    assert.deepEqual(keys(inSeg.body), ['cy']);
  });

  test('pages by cursor without duplicates or gaps; total on every page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`country=NO&country=FR&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.total, 5);
      assert.ok(res.body.data.length <= 2);
      seen.push(...res.body.data.map((p: { id: string }) => p.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 5);
    assert.deepEqual(seen, [...seen].sort());
  });

  test('format=csv streams every match with the export columns', async () => {
    const res = await get('country=NO&format=csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    const lines = (res.body as string).trim().split('\n');
    assert.equal(lines[0], 'id,external_id,email,phone,first_name,last_name,city,country,created_at');
    assert.equal(lines.length, 4);
    assert.ok(lines.includes(`${ids.bo},bo,bo@example.com,+447911123456,Bo,,Bergen,NO,2026-03-15T12:00:00.000Z`));
    assert.ok(lines.some((l) => l.includes('"Doe, ""Jr"""')));
    const all = await get('format=csv');
    assert.equal((all.body as string).trim().split('\n').length, 6);
  });

  test('without filters the list and the search behave as before', async () => {
    const res = await get('limit=50');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 5);
    assert.equal(res.body.total, undefined);
    const search = await get('q=ana');
    assert.deepEqual(keys(search.body), ['ana']);
  });

  test('bad filters are errors with their path', async () => {
    const consent = await get('consent=email');
    assert.equal(consent.status, 400);
    assert.equal(consent.body.error.path, 'query.consent');
    const status = await get('consent=email:maybe');
    assert.equal(status.status, 422);
    assert.equal(status.body.error.path, 'query.consent');
    const badOp = await get(`rule=${encodeURIComponent(JSON.stringify({ all: [{ attribute: 'city', op: 'bogus', value: 'x' }] }))}`);
    assert.equal(badOp.status, 422);
    assert.equal(badOp.body.error.code, 'AUD_ERR_RULE_INVALID');
    assert.equal(badOp.body.error.path, 'rule.all[0].op');
    const notJson = await get('rule=%7Bnope');
    assert.equal(notJson.status, 422);
    assert.equal(notJson.body.error.path, 'rule');
    const segment = await get('segment=00000000-0000-7000-8000-000000000000');
    assert.equal(segment.status, 422);
    assert.equal(segment.body.error.path, 'query.segment');
  });

  test("a profile's page shows the DNC entries of its email or phone", async () => {
    assert.equal((await s.call('POST', '/v1/dnc', { contact: '0044 7911 123456', channel: 'sms' })).status, 201);
    assert.equal((await s.call('POST', '/v1/dnc', { contact: 'BO@example.com' })).status, 201);
    const bo = await s.call('GET', `/v1/profiles/${ids.bo}`);
    assert.equal(bo.status, 200);
    const entries = bo.body.dnc.map((e: { contact: string; channel: string | null; source: string }) => [e.contact, e.channel, e.source]).sort();
    assert.deepEqual(entries, [['+447911123456', 'sms', 'manual'], ['bo@example.com', null, 'manual']]);
    assert.ok(bo.body.dnc.every((e: { added_at: string }) => e.added_at === '2026-03-15T12:00:00.000Z'));
    const ana = await s.call('GET', `/v1/profiles/${ids.ana}`);
    assert.deepEqual(ana.body.dnc, []);
  });

  test("another workspace's key gets nothing", async () => {
    const other = await s.services.workspaces.create({ name: 'Other', timezone: 'UTC' });
    const res = await get('tag=VIP', other.apiKey);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { data: [], next_cursor: null, total: 0 });
    const csv = await get('country=NO&format=csv', other.apiKey);
    assert.equal((csv.body as string).trim().split('\n').length, 1);
    const page = await s.call('GET', `/v1/profiles/${ids.bo}`, undefined, { key: other.apiKey });
    assert.equal(page.status, 404);
  });
});
