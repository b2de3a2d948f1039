import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachStore } from './stores.ts';
import { startServer, type TestServer } from './http.ts';

forEachStore('workspaces, keys and auth over HTTP', (kind) => {
  let s: TestServer;
  before(async () => (s = await startServer(kind)));
  after(() => s.close());

  test('every /v1 route needs a key', async () => {
    const res = await s.call('GET', '/v1/workspace', undefined, { key: '' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'AUD_ERR_AUTH_UNAUTHORIZED');
    const bad = await s.call('GET', '/v1/workspace', undefined, { key: 'aud_sk_nope' });
    assert.equal(bad.status, 401);
  });

  test('the key reads its own workspace', async () => {
    const res = await s.call('GET', '/v1/workspace');
    assert.equal(res.status, 200);
    assert.equal(res.body.id, s.workspaceId);
    assert.equal(res.body.timezone, 'UTC');
  });

  test('keys are stored hashed, shown once, and revocable', async () => {
    const created = await s.call('POST', '/v1/keys', { kind: 'secret', name: 'ci' });
    assert.equal(created.status, 201);
    assert.match(created.body.key, /^aud_sk_/);
    const rows = await s.services.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    assert.notEqual(rows[0]!.key_hash, created.body.key);
    assert.ok(!JSON.stringify(rows).includes(created.body.key));
    const listed = await s.call('GET', '/v1/keys');
    assert.ok(!JSON.stringify(listed.body).includes(created.body.key));
    assert.equal((await s.call('GET', '/v1/workspace', undefined, { key: created.body.key })).status, 200);
    assert.equal((await s.call('DELETE', `/v1/keys/${created.body.id}`)).status, 200);
    assert.equal((await s.call('GET', '/v1/workspace', undefined, { key: created.body.key })).status, 401);
  });

  test('a write key can not read', async () => {
    const created = await s.call('POST', '/v1/keys', { kind: 'write', name: 'web' });
    assert.match(created.body.key, /^aud_wk_/);
    const res = await s.call('GET', '/v1/workspace', undefined, { key: created.body.key });
    assert.equal(res.status, 403);
  });

  test('bad input is a 400 with the path, an unknown time zone too', async () => {
    const res = await s.call('PATCH', '/v1/workspace', { timezone: 5 });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.path, 'timezone');
    const tz = await s.call('PATCH', '/v1/workspace', { timezone: 'Mars/Olympus' });
    assert.equal(tz.status, 400);
    assert.equal(tz.body.error.path, 'timezone');
    const json = await s.call('PATCH', '/v1/workspace', '{"timezone": ');
    assert.equal(json.status, 400);
  });

  test('unknown routes are JSON 404s and /docs serves the OpenAPI', async () => {
    const res = await s.call('GET', '/v1/nope');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'AUD_ERR_ROUTE_NOT_FOUND');
    const spec = await s.call('GET', '/docs/json', undefined, { key: '' });
    assert.equal(spec.status, 200);
    assert.ok(spec.body.paths['/v1/workspace']);
  });

  test('a body over the limit is a 413', async () => {
    const res = await s.call('PATCH', '/v1/workspace', { name: 'x'.repeat(5 * 1024 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'AUD_ERR_BODY_TOO_LARGE');
  });
});
