import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';
import { eventsOf, profilesWith, profileWith, writeKey } from './tracking-fixture.ts';

forEachStore('Segment tracking API', (kind) => {
  let s: TestServer;
  let wk: string;
  before(async () => {
    s = await startServer(kind); // the clock: 2026-03-15T12:00:00Z
    wk = await writeKey(s);
  });
  after(() => s.close());

  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  /** POST as the SDKs do: Basic auth with the write key, optionally gzipped. */
  const post = async (path: string, body: unknown, opts: { gzip?: boolean; auth?: string | null; contentType?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
    if (opts.auth !== null) headers.authorization = opts.auth ?? basic(wk);
    let payload: Uint8Array<ArrayBuffer> | string = JSON.stringify(body);
    if (opts.gzip) {
      payload = Uint8Array.from(gzipSync(payload));
      headers['content-encoding'] = 'gzip';
    }
    const res = await fetch(s.url + path, { method: 'POST', headers, body: payload });
    return { status: res.status, body: await res.json() as any };
  };
  const changesOf = (profileId: string) =>
    s.services.db.query<{ kind: string }>('SELECT kind FROM profile_changes WHERE workspace_id = $1 AND profile_id = $2 ORDER BY id', [s.workspaceId, profileId]);

  test('a gzipped Segment batch with Basic auth: 200 { success: true }; context kept, device attributes set, page/screen/group mapped', async () => {
    const context = {
      ip: '203.0.113.9', userAgent: 'Mozilla/5.0', locale: 'fr-FR',
      device: { type: 'ios', manufacturer: 'Apple', model: 'iPhone15,2' }, os: { name: 'iOS', version: '17.4' },
      app: { name: 'Shop', version: '2.1' }, network: { carrier: 'Orange' }, campaign: { source: 'newsletter', medium: 'email', name: 'spring' },
    };
    const res = await post('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'seg-1', traits: { email: 'Seg1@Example.com', firstName: 'Ada', address: { city: 'Paris', country: 'FR' } }, context, messageId: 'm-id' },
        { type: 'track', userId: 'seg-1', event: 'Order Completed', properties: { total: 12 }, context, messageId: 'm-1', integrations: { All: false } },
        { type: 'page', userId: 'seg-1', name: 'Pricing', category: 'Docs', properties: { path: '/pricing' }, context, messageId: 'm-2' },
        { type: 'screen', userId: 'seg-1', name: 'Home', context, messageId: 'm-3' },
        { type: 'group', userId: 'seg-1', groupId: 'acme', traits: { plan: 'pro' }, context, messageId: 'm-4' },
      ],
    }, { gzip: true });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { success: true });
    const p = await profileWith(s, 'seg-1');
    assert.equal(p.attributes.email, 'seg1@example.com');
    assert.equal(p.attributes.first_name, 'Ada');
    assert.equal(p.attributes.city, 'Paris');
    assert.equal(p.attributes.device_type, 'ios');
    assert.equal(p.attributes.device_brand, 'Apple');
    assert.equal(p.attributes.os, 'iOS');
    assert.equal(p.attributes.mobile_operator, 'Orange');
    const events = await eventsOf(s, p.id);
    assert.deepEqual(events.map((e) => [e.message_id, e.name]).sort(), [['m-1', 'Order Completed'], ['m-2', 'page_view'], ['m-3', 'screen_view'], ['m-4', 'group']]);
    const byId = new Map(events.map((e) => [e.message_id, e]));
    assert.deepEqual(byId.get('m-1')!.context, context);
    assert.deepEqual(byId.get('m-2')!.properties, { path: '/pricing', name: 'Pricing', category: 'Docs' });
    assert.deepEqual(byId.get('m-4')!.properties, { group_id: 'acme', traits: { plan: 'pro' } });
    // The same batch again stores nothing twice.
    await post('/v1/batch', { batch: [{ type: 'track', userId: 'seg-1', event: 'Order Completed', messageId: 'm-1' }] }, { gzip: true });
    assert.equal((await eventsOf(s, p.id)).length, 4);
  });

  test('writeKey in the body (text/plain, as analytics.js sends it), single endpoints and the short paths', async () => {
    const plain = { auth: null, contentType: 'text/plain' };
    assert.deepEqual((await post('/v1/track', { writeKey: wk, userId: 'wk-1', event: 'Clicked', messageId: 'wk-m1' }, plain)).body, { success: true });
    assert.deepEqual((await post('/v1/p', { writeKey: wk, userId: 'wk-1', name: 'Home', messageId: 'wk-m2' }, plain)).body, { success: true });
    assert.deepEqual((await post('/v1/screen', { userId: 'wk-1', name: 'Cart', messageId: 'wk-m3' })).body, { success: true });
    const p = await profileWith(s, 'wk-1');
    assert.deepEqual((await eventsOf(s, p.id)).map((e) => e.name).sort(), ['Clicked', 'page_view', 'screen_view']);
    // A context without ip gets the request's, as Segment does.
    assert.equal((await eventsOf(s, p.id))[0]!.context!.ip, '127.0.0.1');
  });

  test('a write key can only ingest; a bad key is a 401; a corrupt gzip body a 400', async () => {
    const read = await s.call('GET', '/v1/profiles', undefined, { key: wk });
    assert.equal(read.status, 403);
    assert.equal(read.body.error.code, 'AUD_ERR_AUTH_FORBIDDEN');
    assert.equal((await post('/v1/batch', { batch: [] }, { auth: basic('aud_wk_nope') })).status, 401);
    const res = await fetch(`${s.url}/v1/batch`, { method: 'POST', headers: { authorization: basic(wk), 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' });
    assert.equal(res.status, 400);
  });

  test('the native shapes keep their per-item answers (Bearer, no sentAt)', async () => {
    const res = await s.call('POST', '/v1/batch', { batch: [{ userId: 'native-1', event: 'a', messageId: 'n1' }, { event: 'no id' }] });
    assert.equal(res.status, 200);
    assert.equal(res.body.results[0].status, 'stored');
    assert.equal(res.body.results[1].status, 'error');
    const one = await s.call('POST', '/v1/track', { userId: 'native-1', event: 'b' });
    assert.equal(one.body.status, 'stored');
  });

  test('clock skew: ts = timestamp + (receivedAt - sentAt)', async () => {
    // The device's clock is one hour behind the server's (12:00Z).
    const res = await post('/v1/batch', { sentAt: '2026-03-15T11:00:00.000Z', batch: [{ type: 'track', userId: 'skew-1', event: 'e', timestamp: '2026-03-15T10:59:00.000Z', messageId: 's1' }] }, { gzip: true });
    assert.deepEqual(res.body, { success: true });
    const [event] = await eventsOf(s, (await profileWith(s, 'skew-1')).id);
    assert.equal(event!.ts, '2026-03-15T11:59:00.000Z');
  });

  test('anonymous → known: identify joins the anonymous profile, its events and the memberships they cause', async () => {
    const seg = await s.call('POST', '/v1/segments', { name: 'Viewed pricing', rule: { event: 'page_view' } });
    assert.equal(seg.status, 201, JSON.stringify(seg.body));
    await post('/v1/batch', { batch: [
      { type: 'page', anonymousId: 'anon-1', name: 'Pricing', messageId: 'a1' },
      { type: 'track', anonymousId: 'anon-1', event: 'Viewed', messageId: 'a2' },
    ] });
    await post('/v1/identify', { userId: 'known-1', traits: { plan: 'pro' }, messageId: 'k0' }); // known first, apart
    const anon = await profileWith(s, 'anon-1');
    const known = await profileWith(s, 'known-1');
    assert.notEqual(anon.id, known.id);
    await s.services.membership.drain();
    const members = async () => (await s.services.db.query<{ profile_id: string }>('SELECT profile_id FROM segment_members WHERE segment_id = $1 AND profile_id = ANY($2::uuid[])', [seg.body.id, [anon.id, known.id]])).map((r) => r.profile_id);
    assert.deepEqual(await members(), [anon.id]);

    const res = await post('/v1/identify', { userId: 'known-1', anonymousId: 'anon-1', traits: { first_name: 'Grace' }, messageId: 'k1' });
    assert.deepEqual(res.body, { success: true });
    assert.equal((await profilesWith(s, 'anon-1'))[0]!.id, known.id);
    assert.equal((await s.call('GET', `/v1/profiles/${anon.id}`)).status, 404);
    const p = await profileWith(s, 'known-1');
    assert.equal(p.attributes.plan, 'pro');
    assert.equal(p.attributes.first_name, 'Grace');
    assert.deepEqual((await eventsOf(s, p.id)).map((e) => e.message_id).sort(), ['a1', 'a2']);
    assert.ok((await changesOf(anon.id)).some((c) => c.kind === 'erase'));
    assert.ok((await changesOf(known.id)).some((c) => c.kind === 'identity'));
    await s.services.membership.drain();
    assert.deepEqual(await members(), [known.id]);
    const [merge] = await s.services.db.query<{ reason: string }>('SELECT reason FROM profile_merges WHERE workspace_id = $1 AND profile_id = $2', [s.workspaceId, known.id]);
    assert.equal(merge!.reason, 'anonymous');
    // Later events under the anonymous id land on the known profile.
    await post('/v1/track', { anonymousId: 'anon-1', event: 'Later', messageId: 'a3' });
    assert.equal((await eventsOf(s, p.id)).length, 3);
  });

  test('alias: an anonymous id joins; two known profiles are a 409 unless the workspace allows merging, then they merge', async () => {
    await post('/v1/track', { anonymousId: 'anon-2', event: 'Browse', messageId: 'b1' });
    assert.deepEqual((await post('/v1/alias', { previousId: 'anon-2', userId: 'al-1' })).body, { success: true });
    const p1 = await profileWith(s, 'al-1');
    assert.deepEqual(p1.identifiers.map((i) => i.value).sort(), ['al-1', 'anon-2']);
    assert.deepEqual((await eventsOf(s, p1.id)).map((e) => e.message_id), ['b1']);

    await post('/v1/identify', { userId: 'al-2', traits: { email: 'al2@example.com' }, messageId: 'c0' });
    await post('/v1/track', { userId: 'al-2', event: 'Bought', messageId: 'c1' });
    const p2 = await profileWith(s, 'al-2');
    const tag = await s.call('POST', '/v1/tags', { name: 'vip' });
    await s.call('POST', `/v1/tags/${tag.body.id}/profiles`, { profile_ids: [p2.id] });
    const list = await s.call('POST', '/v1/lists', { name: 'newsletter' });
    await s.call('POST', `/v1/lists/${list.body.id}/members`, { profile_ids: [p2.id] });
    assert.equal((await s.call('PUT', `/v1/profiles/${p2.id}/consent/email`, { status: 'subscribed' })).status, 200);

    const refused = await post('/v1/alias', { previousId: 'al-2', userId: 'al-1' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'AUD_ERR_PROFILE_MERGE_NOT_ALLOWED');
    // In a batch the SDK gets 200 and the refused message listed, the rest stored.
    const batch = await post('/v1/batch', { batch: [{ type: 'alias', previousId: 'al-2', userId: 'al-1' }, { type: 'track', userId: 'al-1', event: 'x', messageId: 'x1' }] });
    assert.equal(batch.body.errors[0].code, 'AUD_ERR_PROFILE_MERGE_NOT_ALLOWED');
    assert.equal(batch.body.errors.length, 1);

    assert.equal((await s.call('PATCH', '/v1/workspace', { settings: { allowProfileMerge: true } })).status, 200);
    assert.deepEqual((await post('/v1/alias', { previousId: 'al-2', userId: 'al-1' })).body, { success: true });
    const merged = await profileWith(s, 'al-1');
    assert.equal(merged.id, p1.id);
    assert.equal((await profileWith(s, 'al-2')).id, p1.id);
    assert.equal(merged.attributes.email, 'al2@example.com');
    assert.deepEqual(merged.tags, ['vip']);
    assert.deepEqual(merged.lists.map((l) => l.name), ['newsletter']);
    assert.equal((merged as unknown as { consent: Record<string, { status: string }> }).consent.email?.status, 'subscribed');
    assert.deepEqual((await eventsOf(s, merged.id)).map((e) => e.message_id).sort(), ['b1', 'c1', 'x1']);
    const log = await s.services.db.query('SELECT 1 FROM privacy_log WHERE workspace_id = $1 AND profile_id = $2', [s.workspaceId, merged.id]);
    assert.ok(log.length > 0);
    assert.equal((await s.services.db.query('SELECT 1 FROM privacy_log WHERE workspace_id = $1 AND profile_id = $2', [s.workspaceId, p2.id])).length, 0);
    const [merge] = await s.services.db.query<{ reason: string }>('SELECT reason FROM profile_merges WHERE workspace_id = $1 AND merged_profile_id = $2', [s.workspaceId, p2.id]);
    assert.equal(merge!.reason, 'alias');
  });
});
