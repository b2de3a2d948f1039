import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newId } from '../src/shared/ids.ts';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';

forEachStore('profiles over HTTP', (kind) => {
  let s: TestServer;
  before(async () => (s = await startServer(kind)));
  after(() => s.close());

  const changes = (profileId: string) =>
    s.services.db.query<{ kind: string; names: string[] }>('SELECT kind, names FROM profile_changes WHERE profile_id = $1 ORDER BY id', [profileId]);

  test('PUT by external id creates (201) then updates (200); email and phone are normalised identifiers and attributes', async () => {
    const created = await s.call('PUT', '/v1/profiles/cust-1', { email: '  Ana@Example.COM ', phone: '0044 7911 123-456', attributes: { first_name: 'Ana', city: 'Oslo' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.external_id, 'cust-1');
    assert.deepEqual(created.body.identifiers, [
      { kind: 'email', value: 'ana@example.com' },
      { kind: 'external_id', value: 'cust-1' },
      { kind: 'phone', value: '+447911123456' },
    ]);
    assert.equal(created.body.attributes.email, 'ana@example.com');
    assert.equal(created.body.attributes.phone, '+447911123456');
    assert.equal(created.body.attributes.created_at, '2026-03-15T12:00:00.000Z');

    const updated = await s.call('PUT', '/v1/profiles/cust-1', { attributes: { city: 'Bergen' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.id, created.body.id);
    assert.equal(updated.body.attributes.city, 'Bergen');
    assert.equal(updated.body.attributes.first_name, 'Ana');
    assert.deepEqual(await changes(created.body.id), [
      { kind: 'created', names: ['created_at', 'email', 'phone', 'first_name', 'city'] },
      { kind: 'attributes', names: ['city'] },
    ]);
  });

  test('POST upserts by any identifier: a known email attaches to its profile', async () => {
    const first = await s.call('POST', '/v1/profiles', { email: 'bo@example.com', attributes: { first_name: 'Bo' } });
    assert.equal(first.status, 201);
    const again = await s.call('POST', '/v1/profiles', { email: 'BO@example.com', anonymousId: 'anon-bo', attributes: { last_name: 'Berg' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.deepEqual(again.body.identifiers.map((i: { kind: string }) => i.kind), ['anonymous_id', 'email']);
    const byAnon = await s.call('POST', '/v1/profiles', { anonymousId: 'anon-bo', externalId: 'bo-1' });
    assert.equal(byAnon.status, 200);
    assert.equal(byAnon.body.id, first.body.id);
    assert.equal(byAnon.body.external_id, 'bo-1');
    assert.deepEqual(byAnon.body.attributes.first_name, 'Bo');
  });

  test('identifiers are required and validated, with their path', async () => {
    const none = await s.call('POST', '/v1/profiles', { attributes: { first_name: 'X' } });
    assert.equal(none.status, 422);
    assert.equal(none.body.error.code, 'AUD_ERR_PROFILE_NO_IDENTIFIER');
    const email = await s.call('POST', '/v1/profiles', { email: 'not-an-email' });
    assert.equal(email.status, 422);
    assert.equal(email.body.error.code, 'AUD_ERR_PROFILE_INVALID_IDENTIFIER');
    assert.equal(email.body.error.path, 'email');
    const phone = await s.call('PUT', '/v1/profiles/p-bad', { attributes: { phone: '12' } });
    assert.equal(phone.status, 422);
    assert.equal(phone.body.error.path, 'attributes.phone');
    const shape = await s.call('POST', '/v1/profiles', { email: 5 });
    assert.equal(shape.status, 400);
    assert.equal(shape.body.error.path, 'email');
  });

  test('identifiers of two different profiles are a 409 naming them', async () => {
    const a = await s.call('PUT', '/v1/profiles/conf-a', { email: 'conf-a@example.com' });
    const b = await s.call('PUT', '/v1/profiles/conf-b', { email: 'conf-b@example.com' });
    const res = await s.call('POST', '/v1/profiles', { externalId: 'conf-a', email: 'conf-b@example.com' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'AUD_ERR_PROFILE_IDENTITY_CONFLICT');
    assert.match(res.body.error.message, new RegExp(a.body.id));
    assert.match(res.body.error.message, new RegExp(b.body.id));
    assert.equal(res.body.error.path, 'email');
    assert.deepEqual(res.body.error.details.identifiers, [
      { kind: 'external_id', value: 'conf-a', profile_id: a.body.id },
      { kind: 'email', value: 'conf-b@example.com', profile_id: b.body.id },
    ]);
    // A profile has one external id: a new one next to its email is a conflict too.
    const second = await s.call('POST', '/v1/profiles', { externalId: 'conf-c', email: 'conf-a@example.com' });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.path, 'externalId');
    // PATCH with an email that belongs to another profile.
    const patch = await s.call('PATCH', `/v1/profiles/${a.body.id}`, { attributes: { email: 'conf-b@example.com' } });
    assert.equal(patch.status, 409);
    assert.equal(patch.body.error.path, 'attributes.email');
  });

  test('GET returns identifiers, attributes with age, tags, lists, consent and the latest events', async () => {
    const p = await s.call('PUT', '/v1/profiles/detail-1', { email: 'detail@example.com', attributes: { birthdate: '1990-06-01' } });
    const id = p.body.id;
    const db = s.services.db;
    const now = new Date('2026-03-15T12:00:00Z');
    const tagId = newId();
    const listId = newId();
    await db.query('INSERT INTO tags (id, workspace_id, name, created_at) VALUES ($1, $2, $3, $4)', [tagId, s.workspaceId, 'vip', now]);
    await db.query('INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at) VALUES ($1, $2, $3, $4)', [s.workspaceId, id, tagId, now]);
    await db.query('INSERT INTO lists (id, workspace_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [listId, s.workspaceId, 'Newsletter', now]);
    await db.query('INSERT INTO list_members (workspace_id, profile_id, list_id, added_at) VALUES ($1, $2, $3, $4)', [s.workspaceId, id, listId, now]);
    await db.query("INSERT INTO consents (workspace_id, profile_id, channel, status, source, updated_at) VALUES ($1, $2, 'email', 'subscribed', 'form', $3)", [s.workspaceId, id, now]);
    const batch = Array.from({ length: 25 }, (_, i) => ({ userId: 'detail-1', event: i % 2 ? 'page_viewed' : 'purchase', timestamp: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString() }));
    assert.equal((await s.call('POST', '/v1/batch', { batch })).status, 200);

    const res = await s.call('GET', `/v1/profiles/${id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.attributes.age, 35);
    assert.equal(res.body.attributes.last_seen_at, '2026-03-01T00:24:00.000Z');
    assert.deepEqual(res.body.tags, ['vip']);
    assert.deepEqual(res.body.lists, [{ id: listId, name: 'Newsletter' }]);
    assert.deepEqual(res.body.consent, { email: { status: 'subscribed', source: 'form', updated_at: '2026-03-15T12:00:00.000Z' } });
    assert.equal(res.body.events.length, 20);
    assert.equal(res.body.events[0].ts, '2026-03-01T00:24:00.000Z');
    assert.equal(res.body.events[19].ts, '2026-03-01T00:05:00.000Z');
  });

  test('a key of another workspace gets 404 for these profile ids', async () => {
    const p = await s.call('PUT', '/v1/profiles/mine-1', { attributes: { city: 'Rome' } });
    const other = await s.services.workspaces.create({ name: 'Other' });
    const opts = { key: other.apiKey };
    for (const [method, path, body] of [
      ['GET', `/v1/profiles/${p.body.id}`],
      ['GET', `/v1/profiles/${p.body.id}/events`],
      ['PATCH', `/v1/profiles/${p.body.id}`, { attributes: { city: 'Paris' } }],
      ['DELETE', `/v1/profiles/${p.body.id}`],
    ] as const) {
      const res = await s.call(method, path, body, opts);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.code, 'AUD_ERR_NOT_FOUND');
    }
    const list = await s.call('GET', '/v1/profiles?q=mine', undefined, opts);
    assert.deepEqual(list.body.data, []);
    // The same external id in the other workspace is another profile.
    const theirs = await s.call('PUT', '/v1/profiles/mine-1', {}, opts);
    assert.equal(theirs.status, 201);
    assert.notEqual(theirs.body.id, p.body.id);
    assert.equal((await s.call('GET', `/v1/profiles/${p.body.id}`)).body.attributes.city, 'Rome');
  });

  test('PATCH merges, null clears, unknown ids are 404', async () => {
    const p = await s.call('PUT', '/v1/profiles/patch-1', { attributes: { city: 'Rome', country: 'IT', nickname: 'Pat' } });
    const res = await s.call('PATCH', `/v1/profiles/${p.body.id}`, { attributes: { city: 'Milan', nickname: null } });
    assert.equal(res.status, 200);
    assert.equal(res.body.attributes.city, 'Milan');
    assert.equal(res.body.attributes.country, 'IT');
    assert.equal('nickname' in res.body.attributes, false);
    assert.equal((await s.call('PATCH', `/v1/profiles/${newId()}`, { attributes: { city: 'X' } })).status, 404);
    assert.equal((await s.call('GET', '/v1/profiles/not-a-uuid')).status, 400);
  });

  test('concurrent upserts with the same new email create one profile', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      s.call('POST', '/v1/profiles', { email: 'race@example.com', attributes: { [`field_${i}`]: i } })));
    for (const r of results) assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.body));
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    const rows = await s.services.db.query("SELECT profile_id FROM identities WHERE workspace_id = $1 AND kind = 'email' AND value = 'race@example.com'", [s.workspaceId]);
    assert.equal(rows.length, 1);
    const profile = await s.call('GET', `/v1/profiles/${results[0]!.body.id}`);
    for (let i = 0; i < 8; i++) assert.equal(profile.body.attributes[`field_${i}`], i);
  });

  test('concurrent PATCHes of different attributes all land', async () => {
    const p = await s.call('PUT', '/v1/profiles/cpatch-1', {});
    const names = Array.from({ length: 10 }, (_, i) => `cp_${i}`);
    const res = await Promise.all(names.map((n, i) => s.call('PATCH', `/v1/profiles/${p.body.id}`, { attributes: { [n]: i } })));
    for (const r of res) assert.equal(r.status, 200);
    const got = await s.call('GET', `/v1/profiles/${p.body.id}`);
    names.forEach((n, i) => assert.equal(got.body.attributes[n], i, n));
  });

  test('pagination is stable: every profile once, in creation order, new ones at the end', async () => {
    const ws = await s.services.workspaces.create({ name: 'Pages' });
    const opts = { key: ws.apiKey };
    const created: string[] = [];
    for (let i = 0; i < 23; i++) created.push((await s.call('PUT', `/v1/profiles/page-${i}`, {}, opts)).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { data: { id: string }[]; next_cursor: string | null } } = await s.call('GET', `/v1/profiles?limit=5${cursor ? `&cursor=${cursor}` : ''}`, undefined, opts);
      seen.push(...res.body.data.map((p) => p.id));
      cursor = res.body.next_cursor;
      if (++pages === 2) created.push((await s.call('PUT', '/v1/profiles/page-late', {}, opts)).body.id); // arrives mid-way
    } while (cursor);
    assert.deepEqual(seen, created);
    assert.equal(pages, 5);
    const bad = await s.call('GET', '/v1/profiles?cursor=garbage', undefined, opts);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.path, 'query.cursor');
    assert.equal((await s.call('GET', '/v1/profiles?limit=501', undefined, opts)).status, 400);
  });

  test('search: identifier exact or prefix, first or last name prefix ignoring case, phone as typed', async () => {
    const ws = await s.services.workspaces.create({ name: 'Search' });
    const opts = { key: ws.apiKey };
    const zoe = (await s.call('PUT', '/v1/profiles/ext-zoe', { email: 'zoe.smith@example.com', phone: '+44 20 7946 0001', attributes: { first_name: 'Zoë', last_name: 'Smith' } }, opts)).body.id;
    const sam = (await s.call('PUT', '/v1/profiles/ext-sam', { email: 'sam@example.org', attributes: { first_name: 'Sam', last_name: 'Smithers' } }, opts)).body.id;
    await s.call('PUT', '/v1/profiles/ext-other', { attributes: { first_name: 'Other', note: '100%_' } }, opts);
    const q = async (text: string) => (await s.call('GET', `/v1/profiles?q=${encodeURIComponent(text)}`, undefined, opts)).body.data.map((p: { id: string }) => p.id);
    assert.deepEqual(await q('zoe.smith@example.com'), [zoe]);
    assert.deepEqual(await q('ZOE.'), [zoe]);
    assert.deepEqual(await q('smith'), [zoe, sam]);
    assert.deepEqual(await q('SMITHE'), [sam]);
    assert.deepEqual(await q('zoë sm'), [zoe]);
    assert.deepEqual(await q('ext-s'), [sam]);
    assert.deepEqual(await q('020 7946'), []);
    assert.deepEqual(await q('+44 20 7946'), [zoe]);
    assert.deepEqual(await q('%'), []); // wildcards are plain characters
    assert.deepEqual(await q('_'), []);
  });

  test('DELETE erases the profile and everything about it, and records the erase', async () => {
    const p = await s.call('PUT', '/v1/profiles/erase-1', { email: 'erase@example.com', anonymousId: 'anon-erase' });
    const id = p.body.id;
    const db = s.services.db;
    const now = new Date('2026-03-15T12:00:00Z');
    const tagId = newId();
    const listId = newId();
    await db.query('INSERT INTO tags (id, workspace_id, name, created_at) VALUES ($1, $2, $3, $4)', [tagId, s.workspaceId, 'erase-tag', now]);
    await db.query('INSERT INTO profile_tags (workspace_id, profile_id, tag_id, added_at) VALUES ($1, $2, $3, $4)', [s.workspaceId, id, tagId, now]);
    await db.query('INSERT INTO lists (id, workspace_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [listId, s.workspaceId, 'erase-list', now]);
    await db.query('INSERT INTO list_members (workspace_id, profile_id, list_id, added_at) VALUES ($1, $2, $3, $4)', [s.workspaceId, id, listId, now]);
    await db.query("INSERT INTO consents (workspace_id, profile_id, channel, status, source, updated_at) VALUES ($1, $2, 'sms', 'unsubscribed', 'api', $3)", [s.workspaceId, id, now]);
    await s.call('POST', '/v1/batch', { batch: [{ userId: 'erase-1', event: 'a' }, { anonymousId: 'anon-erase', event: 'b' }] });

    const res = await s.call('DELETE', `/v1/profiles/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id, deleted: { identifiers: 3, events: 2, tags: 1, lists: 1, consents: 1 } });
    for (const table of ['profiles', 'identities', 'events', 'profile_tags', 'list_members', 'consents']) {
      const rows = await db.query(`SELECT 1 FROM ${table} WHERE workspace_id = $1 AND profile_id = $2`, [s.workspaceId, id]);
      assert.equal(rows.length, 0, table);
    }
    assert.equal((await changes(id)).at(-1)?.kind, 'erase');
    assert.equal((await s.call('GET', `/v1/profiles/${id}`)).status, 404);
    assert.equal((await s.call('DELETE', `/v1/profiles/${id}`)).status, 404);
    // The identifiers are free again: the same email now makes a new profile.
    const again = await s.call('POST', '/v1/profiles', { email: 'erase@example.com' });
    assert.equal(again.status, 201);
    assert.notEqual(again.body.id, id);
  });
});
