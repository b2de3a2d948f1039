import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from './http.ts';
import { insertProfiles } from './profiles-fixture.ts';
import { forEachStore } from './stores.ts';

forEachStore('consent and the privacy log over HTTP', (kind) => {
  let s: TestServer;
  let ann: string;
  let bo: string;
  before(async () => {
    s = await startServer(kind);
    [ann, bo] = await insertProfiles(s.services.db, s.workspaceId, [{ email: 'ann@example.com' }, { email: 'bo@example.com' }]) as [string, string];
  });
  after(() => s.close());

  test('the channel registry has the built-in channels and takes new ones', async () => {
    const list = await s.call('GET', '/v1/channels');
    assert.deepEqual(list.body.data.map((c: { name: string }) => c.name), ['email', 'sms', 'push', 'whatsapp', 'in_app']);
    const fax = await s.call('POST', '/v1/channels', { name: 'fax', label: 'Fax' });
    assert.equal(fax.status, 201);
    assert.equal(fax.body.builtin, false);
    assert.equal((await s.call('POST', '/v1/channels', { name: 'fax' })).status, 409);
    assert.equal((await s.call('POST', '/v1/channels', { name: 'sms' })).status, 409);
    const bad = await s.call('POST', '/v1/channels', { name: 'Bad Name' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.path, 'name');
  });

  test('a profile never asked is none on every channel', async () => {
    const res = await s.call('GET', `/v1/profiles/${ann}/consent`);
    assert.equal(res.status, 200);
    assert.ok(res.body.data.every((c: { status: string; source: unknown }) => c.status === 'none' && c.source === null));
    assert.ok(res.body.data.some((c: { channel: string }) => c.channel === 'fax'));
  });

  test('set, change and read consent; every change is in the privacy log with who, when, how, old and new', async () => {
    const sub = await s.call('PUT', `/v1/profiles/${ann}/consent/email`, { status: 'subscribed', source: 'console' });
    assert.equal(sub.status, 200);
    assert.equal(sub.body.status, 'subscribed');
    assert.equal(sub.body.source, 'console');
    assert.equal(sub.body.changed, true);
    assert.equal(sub.body.updated_at, '2026-03-15T12:00:00.000Z');

    const same = await s.call('PUT', `/v1/profiles/${ann}/consent/email`, { status: 'subscribed' });
    assert.equal(same.body.changed, false);

    s.clock.advance(60_000);
    const stop = await s.call('PUT', `/v1/profiles/${ann}/consent/email`, { status: 'unsubscribed', source: 'unsubscribe_link', note: 'footer link' });
    assert.equal(stop.body.status, 'unsubscribed');
    assert.equal((await s.call('GET', `/v1/profiles/${ann}/consent/email`)).body.status, 'unsubscribed');

    const log = await s.call('GET', `/v1/profiles/${ann}/privacy-log`);
    assert.equal(log.status, 200);
    assert.equal(log.body.data.length, 2);
    const [latest, first] = log.body.data;
    assert.deepEqual(
      { channel: latest.channel, old: latest.old_value, new: latest.new_value, source: latest.source, note: latest.note, at: latest.at, actor: latest.actor.kind },
      { channel: 'email', old: 'subscribed', new: 'unsubscribed', source: 'unsubscribe_link', note: 'footer link', at: '2026-03-15T12:01:00.000Z', actor: 'api_key' },
    );
    assert.deepEqual([first.old_value, first.new_value, first.source], ['none', 'subscribed', 'console']);
    assert.ok(latest.actor.id);

    const recorded = await s.services.db.query<{ names: string[] }>("SELECT names FROM profile_changes WHERE kind = 'consent' AND profile_id = $1", [ann]);
    assert.deepEqual(recorded.map((r) => r.names), [['email'], ['email']]);

    const subscribers = (await s.call('GET', '/v1/channels')).body.data.find((c: { name: string }) => c.name === 'email');
    assert.equal(subscribers.subscribers, 0);
  });

  test('several channels at once, all or nothing; the log pages by cursor', async () => {
    const ok = await s.call('PUT', `/v1/profiles/${bo}/consent`, { consents: [
      { channel: 'sms', status: 'subscribed', source: 'import' },
      { channel: 'push', status: 'unsubscribed', source: 'inbound_stop' },
    ] });
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.body.changed, ok.body.unchanged], [2, 0]);
    const bad = await s.call('PUT', `/v1/profiles/${bo}/consent`, { consents: [
      { channel: 'sms', status: 'unsubscribed' },
      { channel: 'carrier_pigeon', status: 'subscribed' },
    ] });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'AUD_ERR_CHANNEL_UNKNOWN');
    assert.equal(bad.body.error.path, 'consents[1].channel');
    assert.equal((await s.call('GET', `/v1/profiles/${bo}/consent/sms`)).body.status, 'subscribed', 'nothing was written');

    const page1 = await s.call('GET', `/v1/profiles/${bo}/privacy-log?limit=1`);
    assert.equal(page1.body.data.length, 1);
    const page2 = await s.call('GET', `/v1/profiles/${bo}/privacy-log?limit=1&cursor=${page1.body.next_cursor}`);
    assert.equal(page2.body.data.length, 1);
    assert.equal(page2.body.next_cursor, null);
    assert.deepEqual(new Set([page1.body.data[0].channel, page2.body.data[0].channel]), new Set(['sms', 'push']));
    assert.equal((await s.call('GET', '/v1/channels')).body.data.find((c: { name: string }) => c.name === 'sms').subscribers, 1);
  });

  test('bad inputs: an unknown channel is a 422 with its path, none can not be set, an unknown profile is a 404', async () => {
    const unknown = await s.call('PUT', `/v1/profiles/${ann}/consent/telegraph`, { status: 'subscribed' });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error.code, 'AUD_ERR_CHANNEL_UNKNOWN');
    assert.equal(unknown.body.error.path, 'channel');
    assert.equal((await s.call('GET', `/v1/profiles/${ann}/consent/telegraph`)).status, 422);

    const none = await s.call('PUT', `/v1/profiles/${ann}/consent/email`, { status: 'none' });
    assert.equal(none.status, 422);
    assert.equal(none.body.error.code, 'AUD_ERR_CONSENT_NONE_NOT_SETTABLE');
    assert.equal(none.body.error.path, 'status');
    assert.equal((await s.call('GET', `/v1/profiles/${ann}/consent/email`)).body.status, 'unsubscribed', 'consent is never cleared');

    const badStatus = await s.call('PUT', `/v1/profiles/${ann}/consent/email`, { status: 'maybe' });
    assert.equal(badStatus.status, 400);
    assert.equal(badStatus.body.error.path, 'status');
    const badSource = await s.call('PUT', `/v1/profiles/${ann}/consent/email`, { status: 'subscribed', source: 'rumour' });
    assert.equal(badSource.body.error.path, 'source');

    const missing = '01900000-0000-7000-8000-0000000000ff';
    assert.equal((await s.call('GET', `/v1/profiles/${missing}/consent`)).status, 404);
    assert.equal((await s.call('PUT', `/v1/profiles/${missing}/consent/email`, { status: 'subscribed' })).status, 404);
    assert.equal((await s.call('GET', `/v1/profiles/${missing}/privacy-log`)).status, 404);
  });

  test("another workspace's key sees neither the profile's consent nor its log, nor its channels", async () => {
    const other = await s.services.workspaces.create({ name: 'Other' });
    const opts = { key: other.apiKey };
    assert.equal((await s.call('GET', `/v1/profiles/${ann}/consent`, undefined, opts)).status, 404);
    assert.equal((await s.call('PUT', `/v1/profiles/${ann}/consent/email`, { status: 'subscribed' }, opts)).status, 404);
    assert.equal((await s.call('GET', `/v1/profiles/${ann}/privacy-log`, undefined, opts)).status, 404);
    const theirs = (await s.call('GET', '/v1/channels', undefined, opts)).body.data;
    assert.ok(!theirs.some((c: { name: string }) => c.name === 'fax'));
  });
});
