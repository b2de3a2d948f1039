import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';

forEachStore('attribute registry over HTTP', (kind) => {
  let s: TestServer;
  before(async () => (s = await startServer(kind)));
  after(() => s.close());

  const attrs = async () => {
    const res = await s.call('GET', '/v1/attributes');
    assert.equal(res.status, 200);
    return new Map<string, { type: string; label: string; standard: boolean; derived: boolean }>(res.body.data.map((a: { name: string }) => [a.name, a]));
  };

  test('lists the standard attributes and the derived age', async () => {
    const all = await attrs();
    assert.deepEqual(all.get('birthdate'), { name: 'birthdate', type: 'date', label: 'Birth date', standard: true, derived: false });
    assert.deepEqual(all.get('age'), { name: 'age', type: 'number', label: 'Age', standard: true, derived: true });
    for (const name of ['email', 'phone', 'created_at', 'last_seen_at', 'subscription_source']) assert.ok(all.get(name)?.standard, name);
  });

  test('declares a custom attribute: 201, again with the same type 200, another type 409', async () => {
    const created = await s.call('POST', '/v1/attributes', { name: 'loyalty_points', type: 'number', label: 'Loyalty points' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { name: 'loyalty_points', type: 'number', label: 'Loyalty points', standard: false, derived: false });
    const again = await s.call('POST', '/v1/attributes', { name: 'loyalty_points', type: 'number' });
    assert.equal(again.status, 200);
    assert.equal(again.body.label, 'Loyalty points');
    const other = await s.call('POST', '/v1/attributes', { name: 'loyalty_points', type: 'string' });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'AUD_ERR_ATTRIBUTE_EXISTS');
    assert.match(other.body.error.message, /number/);
    assert.equal((await attrs()).get('loyalty_points')?.type, 'number');
  });

  test('a custom attribute can not shadow a standard one; names are checked', async () => {
    for (const name of ['email', 'age']) {
      const res = await s.call('POST', '/v1/attributes', { name, type: 'string' });
      assert.equal(res.status, 409, name);
      assert.equal(res.body.error.code, 'AUD_ERR_ATTRIBUTE_RESERVED');
    }
    const bad = await s.call('POST', '/v1/attributes', { name: 'has space', type: 'string' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'AUD_ERR_ATTRIBUTE_INVALID_NAME');
    assert.equal(bad.body.error.path, 'name');
    const badType = await s.call('POST', '/v1/attributes', { name: 'x', type: 'money' });
    assert.equal(badType.status, 400);
    assert.equal(badType.body.error.path, 'type');
  });

  test('custom attributes are created on first use with an inferred type', async () => {
    const res = await s.call('PUT', '/v1/profiles/infer-1', {
      attributes: { plan: 'gold', visits: 3, vip: true, renewal_on: '2026-04-01', last_order_at: '2026-03-01T10:00:00+01:00', interests: ['golf', 'wine'], code: '42' },
    });
    assert.equal(res.status, 201);
    const all = await attrs();
    const types = Object.fromEntries(['plan', 'visits', 'vip', 'renewal_on', 'last_order_at', 'interests', 'code'].map((n) => [n, all.get(n)?.type]));
    assert.deepEqual(types, { plan: 'string', visits: 'number', vip: 'boolean', renewal_on: 'date', last_order_at: 'datetime', interests: 'string', code: 'string' });
    assert.equal(all.get('plan')?.standard, false);
    assert.equal(res.body.attributes.last_order_at, '2026-03-01T09:00:00.000Z');
    assert.deepEqual(res.body.attributes.interests, ['golf', 'wine']);
  });

  test('values are coerced to the type on write, or refused with a 422 that names the attribute', async () => {
    await s.call('POST', '/v1/attributes', { name: 'score', type: 'number' });
    const ok = await s.call('PUT', '/v1/profiles/coerce-1', { attributes: { score: '42', birthdate: '2000-03-15T08:00:00Z' } });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.attributes.score, 42);
    assert.equal(ok.body.attributes.birthdate, '2000-03-15');
    assert.equal(ok.body.attributes.age, 26); // derived at the clock's now, 2026-03-15

    const bad = await s.call('PUT', '/v1/profiles/coerce-1', { attributes: { score: 'abc' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'AUD_ERR_ATTRIBUTE_INVALID_VALUE');
    assert.equal(bad.body.error.path, 'attributes.score');
    const badDate = await s.call('PATCH', `/v1/profiles/${ok.body.id}`, { attributes: { birthdate: 'yesterday' } });
    assert.equal(badDate.status, 422);
    assert.equal(badDate.body.error.path, 'attributes.birthdate');

    const batch = await s.call('POST', '/v1/batch', { batch: [
      { type: 'identify', userId: 'coerce-1', traits: { score: '7' } },
      { type: 'identify', userId: 'coerce-1', traits: { score: 'abc' } },
    ] });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.results[0].status, 'stored');
    assert.equal(batch.body.results[1].status, 'error');
    assert.equal(batch.body.results[1].error.code, 'AUD_ERR_ATTRIBUTE_INVALID_VALUE');
    assert.equal(batch.body.results[1].error.path, 'batch[1].traits.score');
    const profile = await s.call('GET', `/v1/profiles/${ok.body.id}`);
    assert.equal(profile.body.attributes.score, 7);
  });

  test('age is derived and read-only; names must be plain words', async () => {
    const age = await s.call('PUT', '/v1/profiles/ro-1', { attributes: { age: 30 } });
    assert.equal(age.status, 422);
    assert.equal(age.body.error.code, 'AUD_ERR_ATTRIBUTE_READ_ONLY');
    assert.equal(age.body.error.path, 'attributes.age');
    const name = await s.call('PUT', '/v1/profiles/ro-1', { attributes: { 'first name': 'Ana' } });
    assert.equal(name.status, 422);
    assert.equal(name.body.error.code, 'AUD_ERR_ATTRIBUTE_INVALID_NAME');
    assert.equal(name.body.error.path, 'attributes["first name"]');
  });

  test('concurrent first uses of one new attribute agree on a single type', async () => {
    const writes = await Promise.all([
      s.call('PUT', '/v1/profiles/race-1', { attributes: { tier_rank: 5 } }),
      s.call('PUT', '/v1/profiles/race-2', { attributes: { tier_rank: '7' } }),
      s.call('POST', '/v1/batch', { batch: [{ type: 'identify', userId: 'race-3', traits: { tier_rank: 9 } }] }),
    ]);
    for (const w of writes) assert.ok(w.status === 200 || w.status === 201, JSON.stringify(w.body));
    const rows = await s.services.db.query<{ type: string }>('SELECT type FROM attributes WHERE workspace_id = $1 AND name = $2', [s.workspaceId, 'tier_rank']);
    assert.equal(rows.length, 1);
    const type = rows[0]!.type;
    assert.equal(writes[1]!.body.attributes.tier_rank, type === 'number' ? 7 : '7');
  });
});
