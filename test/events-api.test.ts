import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';

forEachStore('events over HTTP', (kind) => {
  let s: TestServer;
  before(async () => (s = await startServer(kind)));
  after(() => s.close());

  const eventRows = (profileId: string) =>
    s.services.db.query<{ name: string; message_id: string }>('SELECT name, message_id FROM events WHERE workspace_id = $1 AND profile_id = $2 ORDER BY ts, message_id', [s.workspaceId, profileId]);
  const changes = (profileId: string) =>
    s.services.db.query<{ kind: string; names: string[] }>('SELECT kind, names FROM profile_changes WHERE profile_id = $1 ORDER BY id', [profileId]);

  test('track stores an event, creates the profile, sets created_at and last_seen_at, records the changes', async () => {
    const res = await s.call('POST', '/v1/track', { userId: 'u-track', event: 'Order Completed', properties: { total: 42.5 }, timestamp: '2026-03-14T09:30:00+01:00', context: { ip: '10.0.0.1' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'stored');
    assert.ok(res.body.message_id);
    const profile = await s.call('GET', `/v1/profiles/${res.body.profile_id}`);
    assert.equal(profile.body.external_id, 'u-track');
    assert.equal(profile.body.attributes.created_at, '2026-03-15T12:00:00.000Z');
    assert.equal(profile.body.attributes.last_seen_at, '2026-03-14T08:30:00.000Z');
    assert.deepEqual(profile.body.events.map((e: { name: string; properties: unknown; context: unknown }) => [e.name, e.properties, e.context]), [['Order Completed', { total: 42.5 }, { ip: '10.0.0.1' }]]);
    assert.deepEqual(await changes(res.body.profile_id), [
      { kind: 'created', names: ['created_at', 'last_seen_at'] },
      { kind: 'event', names: ['Order Completed'] },
    ]);
    // An older event does not move last_seen_at back; no timestamp means now (the clock).
    await s.call('POST', '/v1/track', { userId: 'u-track', event: 'old', timestamp: '2020-01-01T00:00:00Z' });
    assert.equal((await s.call('GET', `/v1/profiles/${res.body.profile_id}`)).body.attributes.last_seen_at, '2026-03-14T08:30:00.000Z');
    await s.call('POST', '/v1/track', { userId: 'u-track', event: 'now' });
    assert.equal((await s.call('GET', `/v1/profiles/${res.body.profile_id}`)).body.attributes.last_seen_at, '2026-03-15T12:00:00.000Z');
  });

  test('a repeated messageId is stored once and reported as duplicate', async () => {
    const msg = { userId: 'u-dup', event: 'signup', messageId: 'msg-1' };
    const first = await s.call('POST', '/v1/track', msg);
    const second = await s.call('POST', '/v1/track', { ...msg, properties: { changed: true } });
    assert.equal(first.body.status, 'stored');
    assert.equal(second.body.status, 'duplicate');
    const batch = await s.call('POST', '/v1/batch', { batch: [msg, { ...msg, messageId: 'msg-2' }, { ...msg, messageId: 'msg-2' }] });
    assert.deepEqual(batch.body.results.map((r: { status: string }) => r.status), ['duplicate', 'stored', 'duplicate']);
    assert.deepEqual((await eventRows(first.body.profile_id)).map((e) => e.message_id).sort(), ['msg-1', 'msg-2']);
    const names = await s.call('GET', '/v1/event-names');
    assert.equal(names.body.data.find((n: { name: string }) => n.name === 'signup').count, 2);
  });

  test('a batch stores the valid messages and reports the others by index and path', async () => {
    const res = await s.call('POST', '/v1/batch', { batch: [
      { userId: 'u-b1', event: 'ok_1' },
      { userId: 'u-b1' },
      { email: 'nope', event: 'x' },
      { event: 'x', properties: { a: 1 } },
      { type: 'identify', userId: 'u-b1', traits: { age: 40 } },
      'not an object',
      { userId: 'u-b1', event: 'x', timestamp: '2026-02-30T10:00:00Z' },
      { type: 'bogus', userId: 'u-b1' },
      { anonymousId: 'anon-b2', event: 'ok_2', properties: { n: 1 } },
    ] });
    assert.equal(res.status, 200);
    const r = res.body.results;
    assert.deepEqual(r.map((x: { index: number; status: string }) => [x.index, x.status]), [
      [0, 'stored'], [1, 'error'], [2, 'error'], [3, 'error'], [4, 'error'], [5, 'error'], [6, 'error'], [7, 'error'], [8, 'stored'],
    ]);
    assert.deepEqual(r.slice(1, 8).map((x: { error: { code: string; path: string } }) => [x.error.code, x.error.path]), [
      ['AUD_ERR_VALIDATION', 'batch[1].event'],
      ['AUD_ERR_PROFILE_INVALID_IDENTIFIER', 'batch[2].email'],
      ['AUD_ERR_PROFILE_NO_IDENTIFIER', 'batch[3]'],
      ['AUD_ERR_ATTRIBUTE_READ_ONLY', 'batch[4].traits.age'],
      ['AUD_ERR_VALIDATION', 'batch[5]'],
      ['AUD_ERR_VALIDATION', 'batch[6].timestamp'],
      ['AUD_ERR_VALIDATION', 'batch[7].type'],
    ]);
    assert.deepEqual((await eventRows(r[0].profile_id)).map((e) => e.name), ['ok_1']);
    assert.deepEqual((await eventRows(r[8].profile_id)).map((e) => e.name), ['ok_2']);
  });

  test('a batch over 1,000 messages or without a batch array is a 400 with the path', async () => {
    const big = await s.call('POST', '/v1/batch', { batch: Array.from({ length: 1001 }, () => ({ userId: 'u', event: 'e' })) });
    assert.equal(big.status, 400);
    assert.equal(big.body.error.path, 'batch');
    const none = await s.call('POST', '/v1/batch', { events: [] });
    assert.equal(none.status, 400);
    assert.equal(none.body.error.path, 'batch');
    const single = await s.call('POST', '/v1/track', { userId: 'u', event: '' });
    assert.equal(single.status, 400);
    assert.equal(single.body.error.path, 'event');
    for (const timestamp of ['yesterday', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00', '2026-13-01T00:00:00Z']) {
      const ts = await s.call('POST', '/v1/track', { userId: 'u', event: 'e', timestamp });
      assert.equal(ts.status, 400, timestamp);
      assert.equal(ts.body.error.path, 'timestamp');
    }
  });

  test('text PostgreSQL can not store is a 4xx with its path, never a 500', async () => {
    const batch = await s.call('POST', '/v1/batch', { batch: [
      { userId: 'u-nul', event: 'ok' },
      { userId: 'u-nul', event: 'e', properties: { note: 'a\u0000b' } },
      { userId: 'u-nul', event: 'e', traits: { x: 1 }, context: { deep: JSON.parse('['.repeat(70) + ']'.repeat(70)) } },
    ] });
    assert.deepEqual(batch.body.results.map((r: { status: string; error?: { path: string } }) => [r.status, r.error?.path]), [
      ['stored', undefined], ['error', 'batch[1].properties.note'], ['error', `batch[2].context.deep${'[0]'.repeat(62)}`],
    ]);
    const cases: [string, string, unknown, string][] = [
      ['POST', '/v1/track', { userId: 'u-nul', event: 'a\u0000' }, 'event'],
      ['POST', '/v1/identify', { userId: 'u-nul', traits: { city: '\ud800' } }, 'traits.city'],
      ['PUT', '/v1/profiles/a%00b', {}, 'params.externalId'],
      ['GET', '/v1/profiles?q=%00', undefined, 'query.q'],
      ['POST', '/v1/profiles', { externalId: 'u-nul', attributes: { ['k\u0000']: 1 } }, 'attributes.k\u0000'],
    ];
    for (const [method, path, body, errorPath] of cases) {
      const res = await s.call(method, path, body);
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.equal(res.body.error.path, errorPath, `${method} ${path}`);
    }
  });

  test('identify sets attributes from traits; unknown traits become custom attributes; identifiers link in order', async () => {
    const res = await s.call('POST', '/v1/batch', { batch: [
      { anonymousId: 'anon-id-1', event: 'app_opened' },
      { type: 'identify', anonymousId: 'anon-id-1', userId: 'u-id-1', traits: { email: 'Id.One@Example.com', first_name: 'Ida', shoe_size: 38 } },
      { userId: 'u-id-1', event: 'purchase' },
    ] });
    const ids = new Set(res.body.results.map((x: { profile_id: string }) => x.profile_id));
    assert.equal(ids.size, 1);
    const [id] = [...ids] as string[];
    const p = await s.call('GET', `/v1/profiles/${id}`);
    assert.equal(p.body.external_id, 'u-id-1');
    assert.equal(p.body.attributes.email, 'id.one@example.com');
    assert.equal(p.body.attributes.first_name, 'Ida');
    assert.equal(p.body.attributes.shoe_size, 38);
    assert.deepEqual(p.body.identifiers.map((i: { kind: string }) => i.kind), ['anonymous_id', 'email', 'external_id']);
    const attrs = await s.call('GET', '/v1/attributes');
    assert.equal(attrs.body.data.find((a: { name: string }) => a.name === 'shoe_size').type, 'number');

    const one = await s.call('POST', '/v1/identify', { email: 'id.one@example.com', traits: { shoe_size: '39', first_name: null } });
    assert.equal(one.status, 200);
    assert.equal(one.body.profile_id, id);
    const after = await s.call('GET', `/v1/profiles/${id}`);
    assert.equal(after.body.attributes.shoe_size, 39);
    assert.equal('first_name' in after.body.attributes, false);
    const bad = await s.call('POST', '/v1/identify', { userId: 'u-id-1', traits: { shoe_size: 'big' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.path, 'traits.shoe_size');
  });

  test('identifiers of two profiles in one message are an error for that message only', async () => {
    await s.call('POST', '/v1/batch', { batch: [{ userId: 'u-c1', event: 'e' }, { userId: 'u-c2', email: 'c2@example.com', event: 'e' }] });
    const res = await s.call('POST', '/v1/batch', { batch: [
      { userId: 'u-c1', email: 'c2@example.com', event: 'e' },
      { userId: 'u-c1', event: 'fine' },
    ] });
    assert.equal(res.body.results[0].status, 'error');
    assert.equal(res.body.results[0].error.code, 'AUD_ERR_PROFILE_IDENTITY_CONFLICT');
    assert.equal(res.body.results[0].error.path, 'batch[0].email');
    assert.equal(res.body.results[1].status, 'stored');
    const single = await s.call('POST', '/v1/track', { userId: 'u-c1', email: 'c2@example.com', event: 'e' });
    assert.equal(single.status, 409);
    // A profile has one external id, also when the link to it was made earlier in the same batch.
    const chained = await s.call('POST', '/v1/batch', { batch: [
      { email: 'c2@example.com', anonymousId: 'anon-c2', event: 'e' },
      { anonymousId: 'anon-c2', userId: 'u-c3', event: 'e' },
    ] });
    assert.equal(chained.body.results[0].status, 'stored');
    assert.equal(chained.body.results[1].status, 'error');
    assert.equal(chained.body.results[1].error.code, 'AUD_ERR_PROFILE_IDENTITY_CONFLICT');
    assert.equal(chained.body.results[1].error.path, 'batch[1].userId');
  });

  test('the event-name registry: count, first and last seen, property names', async () => {
    const ws = await s.services.workspaces.create({ name: 'Names' });
    const opts = { key: ws.apiKey };
    await s.call('POST', '/v1/batch', { batch: [
      { userId: 'n1', event: 'viewed', timestamp: '2026-03-02T00:00:00Z', properties: { path: '/a' } },
      { userId: 'n2', event: 'viewed', timestamp: '2026-03-01T00:00:00Z', properties: { ref: 'x' } },
      { userId: 'n1', event: 'bought', timestamp: '2026-03-03T00:00:00Z' },
    ] }, opts);
    await s.call('POST', '/v1/track', { userId: 'n3', event: 'viewed', timestamp: '2026-03-05T00:00:00Z', properties: { path: '/b', utm: 'y' } }, opts);
    const res = await s.call('GET', '/v1/event-names', undefined, opts);
    assert.deepEqual(res.body.data, [
      { name: 'bought', count: 1, first_seen_at: '2026-03-03T00:00:00.000Z', last_seen_at: '2026-03-03T00:00:00.000Z', property_names: [] },
      { name: 'viewed', count: 3, first_seen_at: '2026-03-01T00:00:00.000Z', last_seen_at: '2026-03-05T00:00:00.000Z', property_names: ['path', 'ref', 'utm'] },
    ]);
  });

  test('a profile timeline: newest first, by name, cursor pages without duplicates or gaps', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => ({
      userId: 'u-tl', event: i % 3 === 0 ? 'purchase' : 'view', messageId: `tl-${i}`,
      timestamp: new Date(Date.UTC(2026, 2, 1) + Math.floor(i / 2) * 60_000).toISOString(), // pairs share a timestamp
    }));
    const res = await s.call('POST', '/v1/batch', { batch });
    const id = res.body.results[0].profile_id;
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { message_id: string; ts: string }[]; next_cursor: string | null } } =
        await s.call('GET', `/v1/profiles/${id}/events?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      all.push(...page.body.data.map((e) => e.message_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    const expected = [...batch].sort((a, b) => b.timestamp.localeCompare(a.timestamp) || b.messageId.localeCompare(a.messageId)).map((e) => e.messageId);
    assert.deepEqual(all, expected);
    const purchases = await s.call('GET', `/v1/profiles/${id}/events?name=purchase&limit=100`);
    assert.equal(purchases.body.data.length, 10);
    assert.ok(purchases.body.data.every((e: { name: string }) => e.name === 'purchase'));
    assert.equal((await s.call('GET', `/v1/profiles/${id}/events?cursor=xyz`)).status, 400);
  });

  test('a write key can send events but not read them', async () => {
    const key = (await s.call('POST', '/v1/keys', { kind: 'write', name: 'web' })).body.key;
    const res = await s.call('POST', '/v1/track', { anonymousId: 'anon-wk', event: 'page' }, { key });
    assert.equal(res.status, 200);
    assert.equal((await s.call('POST', '/v1/batch', { batch: [{ anonymousId: 'anon-wk', event: 'page' }] }, { key })).status, 200);
    assert.equal((await s.call('GET', `/v1/profiles/${res.body.profile_id}`, undefined, { key })).status, 403);
    assert.equal((await s.call('GET', '/v1/event-names', undefined, { key })).status, 403);
  });

  test('every route is documented in the OpenAPI at /docs', async () => {
    const spec = await s.call('GET', '/docs/json', undefined, { key: '' });
    for (const path of ['/v1/track', '/v1/identify', '/v1/batch', '/v1/event-names', '/v1/profiles', '/v1/profiles/{id}', '/v1/profiles/{id}/events', '/v1/profiles/{externalId}', '/v1/attributes']) {
      assert.ok(spec.body.paths[path], path);
      for (const op of Object.values(spec.body.paths[path]) as { summary?: string; tags?: string[] }[]) assert.ok(op.summary && op.tags?.length, path);
    }
    const item = spec.body.paths['/v1/batch'].post.requestBody.content['application/json'].schema.properties.batch.items;
    assert.ok(item.properties.event && item.properties.userId && item.properties.messageId);
  });
});
