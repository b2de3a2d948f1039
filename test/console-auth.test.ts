import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';

const PASSWORD = 'correct horse battery';

interface Browser {
  cookie: string;
  csrf: string;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; headers: Headers }>;
}

forEachStore('console sign-in, sessions, roles and users over HTTP', (kind) => {
  let s: TestServer;
  before(async () => {
    s = await startServer(kind);
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      await s.services.users.create({ workspaceId: s.workspaceId, email: `${role}@example.com`, password: PASSWORD, role });
    }
  });
  after(() => s.close());

  /** A client that holds a session cookie, as a browser does (no API key). */
  const browser = (cookie: string, csrf: string): Browser => ({
    cookie, csrf,
    call: (method, path, body, headers = {}) => s.call(method, path, body, { key: '', headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers } }),
  });
  const signIn = async (email: string, password = PASSWORD, extra: Record<string, unknown> = {}): Promise<Browser> => {
    const res = await s.call('POST', '/v1/session', { email, password, ...extra }, { key: '' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('aud_session='))!.split(';')[0]!;
    return browser(cookie, res.body.csrf_token);
  };

  test('a wrong password and an unknown email get the same 401', async () => {
    const wrong = await s.call('POST', '/v1/session', { email: 'admin@example.com', password: 'nope nope nope' }, { key: '' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'AUD_ERR_AUTH_SIGN_IN_FAILED');
    const unknown = await s.call('POST', '/v1/session', { email: 'who@example.com', password: PASSWORD }, { key: '' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.message, wrong.body.error.message);
  });

  test('signing in sets an HttpOnly, SameSite=Lax cookie (Secure behind TLS) whose id is stored only hashed', async () => {
    const res = await s.call('POST', '/v1/session', { email: ' Admin@Example.com ', password: PASSWORD }, { key: '' });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.email, 'admin@example.com');
    assert.equal(res.body.user.role, 'admin');
    assert.equal(res.body.workspace.id, s.workspaceId);
    assert.ok(res.body.csrf_token.length >= 20);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('aud_session='))!;
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/i);
    const id = cookie.split(';')[0]!.split('=')[1]!;
    const stored = await s.services.db.query<{ id_hash: string }>('SELECT id_hash FROM user_sessions');
    assert.ok(stored.length > 0 && stored.every((r) => r.id_hash !== id));

    const tls = await s.call('POST', '/v1/session', { email: 'admin@example.com', password: PASSWORD }, { key: '', headers: { 'x-forwarded-proto': 'https' } });
    assert.match(tls.headers.getSetCookie().find((c) => c.startsWith('aud_session='))!, /Secure/i);
  });

  test('the cookie authenticates like a key: who am I, reads, and the same data', async () => {
    const b = await signIn('viewer@example.com');
    const me = await b.call('GET', '/v1/session');
    assert.equal(me.status, 200);
    assert.deepEqual({ email: me.body.user.email, role: me.body.user.role }, { email: 'viewer@example.com', role: 'viewer' });
    assert.equal(me.body.csrf_token, b.csrf);
    const ws = await b.call('GET', '/v1/workspace');
    assert.equal(ws.status, 200);
    assert.equal(ws.body.id, s.workspaceId);
    // "Am I signed in?" is answered without a failed request: 200 with everything null.
    for (const headers of [{}, { cookie: 'aud_session=forged' }] as Record<string, string>[]) {
      const anon = await s.call('GET', '/v1/session', undefined, { key: '', headers });
      assert.equal(anon.status, 200);
      assert.deepEqual(anon.body, { user: null, workspace: null, csrf_token: null, expires_at: null });
    }
    assert.equal((await s.call('GET', '/v1/workspace', undefined, { key: '', headers: { cookie: 'aud_session=forged' } })).status, 401);
  });

  test('a cookie-authenticated write needs the session CSRF token; API keys need none', async () => {
    const b = await signIn('admin@example.com');
    const none = await b.call('PATCH', '/v1/workspace', { name: 'Renamed' }, { 'x-csrf-token': '' });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'AUD_ERR_AUTH_CSRF');
    const other = await signIn('editor@example.com');
    const wrong = await b.call('PATCH', '/v1/workspace', { name: 'Renamed' }, { 'x-csrf-token': other.csrf });
    assert.equal(wrong.status, 403);
    const ok = await b.call('PATCH', '/v1/workspace', { name: 'Renamed' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.name, 'Renamed');
    const key = await s.call('PATCH', '/v1/workspace', { name: 'Test' });
    assert.equal(key.status, 200);
    const keyMe = await s.call('GET', '/v1/session');
    assert.equal(keyMe.status, 200);
    assert.equal(keyMe.body.user, null);
    assert.equal(keyMe.body.csrf_token, null);
  });

  test("a consent change made in the console is logged as the signed-in user's, a key's as the key's", async () => {
    const editor = await signIn('editor@example.com');
    const me = (await editor.call('GET', '/v1/session')).body.user;
    const profile = (await s.call('POST', '/v1/profiles', { email: 'consenting@example.com' })).body.id;
    assert.equal((await editor.call('PUT', `/v1/profiles/${profile}/consent/email`, { status: 'subscribed', source: 'console' })).status, 200);
    assert.equal((await editor.call('PUT', `/v1/profiles/${profile}/consent`, { consents: [{ channel: 'sms', status: 'subscribed' }] })).status, 200);
    assert.equal((await s.call('PUT', `/v1/profiles/${profile}/consent/email`, { status: 'unsubscribed' })).status, 200);
    const log = (await s.call('GET', `/v1/profiles/${profile}/privacy-log`)).body.data as { channel: string; new_value: string; actor: { kind: string; id?: string } }[];
    assert.deepEqual(log.map((l) => [l.channel, l.new_value, l.actor.kind]), [['email', 'unsubscribed', 'api_key'], ['sms', 'subscribed', 'user'], ['email', 'subscribed', 'user']]);
    assert.ok(log.slice(1).every((l) => l.actor.id === me.id));
    assert.notEqual(log[0]!.actor.id, me.id);
  });

  test('roles: a viewer reads, an editor also writes, only an admin manages users, keys and settings', async () => {
    const viewer = await signIn('viewer@example.com');
    const editor = await signIn('editor@example.com');
    const admin = await signIn('admin@example.com');
    const write = (b: Browser) => b.call('POST', '/v1/attributes', { name: 'plan', type: 'string' });
    const denied = await write(viewer);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'AUD_ERR_AUTH_FORBIDDEN');
    assert.match(denied.body.error.message, /viewer/);
    assert.ok([200, 201].includes((await write(editor)).status));
    for (const [method, path, body] of [['GET', '/v1/users'], ['POST', '/v1/keys', { kind: 'secret', name: 'x' }], ['PATCH', '/v1/workspace', { timezone: 'UTC' }]] as const) {
      assert.equal((await editor.call(method, path, body)).status, 403, `${method} ${path} as editor`);
    }
    assert.equal((await admin.call('GET', '/v1/users')).status, 200);
    const key = await admin.call('POST', '/v1/keys', { kind: 'write', name: 'site' });
    assert.equal(key.status, 201);
    assert.equal((await admin.call('DELETE', `/v1/keys/${key.body.id}`)).status, 200);
    assert.equal((await s.call('GET', '/v1/users')).status, 200, 'a secret key manages users too');
  });

  test('users admin: create, duplicate email, change role, the last admin stays, removal ends their sessions', async () => {
    const admin = await signIn('admin@example.com');
    const created = await admin.call('POST', '/v1/users', { email: 'Dee@example.com', password: PASSWORD, role: 'viewer', name: 'Dee' });
    assert.equal(created.status, 201);
    assert.equal(created.body.email, 'dee@example.com');
    assert.equal(created.body.password_hash, undefined);
    assert.equal((await admin.call('POST', '/v1/users', { email: 'dee@example.com', password: PASSWORD, role: 'viewer' })).body.error.code, 'AUD_ERR_USER_EXISTS');
    const short = await admin.call('POST', '/v1/users', { email: 'eve@example.com', password: 'short', role: 'viewer' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.path, 'password');

    const dee = await signIn('dee@example.com');
    const promoted = await admin.call('PATCH', `/v1/users/${created.body.id}`, { role: 'editor' });
    assert.equal(promoted.body.role, 'editor');
    assert.equal((await dee.call('GET', '/v1/session')).body.user.role, 'editor', 'a role change applies to live sessions');

    const list = await admin.call('GET', '/v1/users');
    const adminId = list.body.data.find((u: { email: string }) => u.email === 'admin@example.com').id;
    const demote = await admin.call('PATCH', `/v1/users/${adminId}`, { role: 'viewer' });
    assert.equal(demote.status, 409);
    assert.equal(demote.body.error.code, 'AUD_ERR_USER_LAST_ADMIN');
    assert.equal((await admin.call('DELETE', `/v1/users/${adminId}`)).status, 409);

    assert.equal((await admin.call('DELETE', `/v1/users/${created.body.id}`)).status, 200);
    assert.equal((await dee.call('GET', '/v1/workspace')).status, 401);
    assert.equal((await admin.call('DELETE', `/v1/users/${created.body.id}`)).status, 404);
  });

  test('sign-in is rate-limited per address and email: 429 with Retry-After, open again after the window', async () => {
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'limited@example.com', password: PASSWORD, role: 'viewer' });
    for (let i = 0; i < 10; i++) {
      assert.equal((await s.call('POST', '/v1/session', { email: 'limited@example.com', password: 'wrong password' }, { key: '' })).status, 401);
    }
    const limited = await s.call('POST', '/v1/session', { email: 'limited@example.com', password: PASSWORD }, { key: '' });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'AUD_ERR_AUTH_RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // Another email from the same address is not held up.
    await signIn('viewer@example.com');
    s.clock.advance(15 * 60_000);
    await signIn('limited@example.com');
  });

  test('sign-out ends the session and clears the cookie; sessions expire', async () => {
    const b = await signIn('editor@example.com');
    assert.equal((await s.call('DELETE', '/v1/session', undefined, { key: '', headers: { cookie: b.cookie } })).status, 403, 'sign-out needs the CSRF token');
    const out = await b.call('DELETE', '/v1/session');
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie().join('\n'), /aud_session=;.*Expires=Thu, 01 Jan 1970/i);
    assert.equal((await b.call('GET', '/v1/session')).body.user, null);
    assert.equal((await b.call('GET', '/v1/workspace')).status, 401);
    assert.equal((await b.call('DELETE', '/v1/session')).status, 204, 'signing out twice is fine');

    const c = await signIn('editor@example.com');
    s.clock.advance(7 * 24 * 3600_000 + 1000);
    const expired = await c.call('GET', '/v1/workspace');
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /session has ended/);
  });

  test('changing your own password checks the old one and signs out your other sessions', async () => {
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'pat@example.com', password: PASSWORD, role: 'viewer' });
    const here = await signIn('pat@example.com');
    const there = await signIn('pat@example.com');
    const wrong = await here.call('PUT', '/v1/session/password', { current_password: 'not it at all', new_password: 'a new password' });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.path, 'current_password');
    assert.equal((await here.call('PUT', '/v1/session/password', { current_password: PASSWORD, new_password: 'a new password' })).status, 204);
    assert.equal((await here.call('GET', '/v1/workspace')).status, 200);
    assert.equal((await there.call('GET', '/v1/workspace')).status, 401);
    await signIn('pat@example.com', 'a new password');
  });

  test('one email in two workspaces: 409 lists them, workspace_id chooses', async () => {
    const other = await s.services.workspaces.create({ name: 'Other' });
    await s.services.users.create({ workspaceId: other.workspace.id, email: 'viewer@example.com', password: PASSWORD, role: 'admin' });
    const res = await s.call('POST', '/v1/session', { email: 'viewer@example.com', password: PASSWORD }, { key: '' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'AUD_ERR_AUTH_CHOOSE_WORKSPACE');
    assert.deepEqual(new Set(res.body.error.details.workspaces.map((w: { id: string }) => w.id)), new Set([s.workspaceId, other.workspace.id]));
    const b = await signIn('viewer@example.com', PASSWORD, { workspace_id: other.workspace.id });
    const me = await b.call('GET', '/v1/session');
    assert.equal(me.body.workspace.id, other.workspace.id);
    assert.equal(me.body.user.role, 'admin');
  });
});

describe('the built console is served at / [pglite]', () => {
  let s: TestServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audience-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Audience</title><script src="/assets/app-1.js"></script>');
    writeFileSync(join(dir, 'assets/app-1.js'), 'console.log(1)');
    s = await startServer('pglite', { consoleDir: dir });
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('index.html for the console routes (reloads work), with a strict CSP and no caching', async () => {
    for (const path of ['/', '/people', '/segments/123?x=1']) {
      const res = await fetch(s.url + path);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<title>Audience<\/title>/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
    }
  });

  test('hashed assets are cached for good; unknown assets, API routes and docs keep their JSON 404', async () => {
    const asset = await fetch(`${s.url}/assets/app-1.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    for (const path of ['/assets/nope.js', '/v1/nope', '/docs/nope/deeper']) {
      const res = await fetch(s.url + path);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error.code, 'AUD_ERR_ROUTE_NOT_FOUND');
    }
    assert.equal((await fetch(`${s.url}/docs/json`)).status, 200);
  });
});
