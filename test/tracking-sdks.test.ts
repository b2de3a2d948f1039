/**
 * The real tracking SDKs, pointed at a running Audience: Segment's @segment/analytics-node (POST
 * {host}/v1/batch, Basic auth with the write key, JSON) and RudderStack's @rudderstack/rudder-sdk-node
 * (POST {dataPlaneUrl}/v1/batch, Basic auth, gzipped with no content type).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { startServer, type TestServer } from './http.ts';
import { forEachStore } from './stores.ts';
import { eventsOf, profileWith, writeKey } from './tracking-fixture.ts';

/** What a test sends through one SDK; `done` flushes everything queued. */
interface Client {
  identify(m: { userId: string; anonymousId?: string; traits: Record<string, unknown>; context?: Record<string, unknown> }): void;
  track(m: { userId?: string; anonymousId?: string; event: string; properties?: Record<string, unknown>; context?: Record<string, unknown>; messageId?: string }): void;
  page(m: { userId: string; name: string; category: string; properties?: Record<string, unknown> }): void;
  alias(m: { userId: string; previousId: string }): void;
  done(): Promise<void>;
}

function segmentClient(url: string, key: string, errors: unknown[]): Client {
  const a = new Analytics({ writeKey: key, host: url, flushAt: 100, flushInterval: 50, maxRetries: 0 });
  a.on('error', (err) => errors.push(err));
  return {
    identify: (m) => a.identify(m as Parameters<Analytics['identify']>[0]),
    track: (m) => a.track(m as Parameters<Analytics['track']>[0]),
    page: (m) => a.page(m),
    alias: (m) => a.alias(m),
    done: () => a.flush({ timeout: 20_000 }),
  };
}

function rudderClient(url: string, key: string, errors: unknown[]): Client {
  const a = new RudderAnalytics(key, { dataPlaneUrl: url, flushAt: 100, flushInterval: 50, logLevel: 'error', errorHandler: (err: unknown) => errors.push(err) } as ConstructorParameters<typeof RudderAnalytics>[1]);
  const q = a as unknown as { queue: unknown[] };
  // Batches are posted concurrently and the client awaits only the last; each message's callback runs
  // when its own batch is answered.
  const sent: Promise<void>[] = [];
  const cb = () => {
    let resolve!: () => void;
    sent.push(new Promise<void>((r) => (resolve = r)));
    return (err?: unknown) => {
      if (err) errors.push(err);
      resolve();
    };
  };
  return {
    identify: (m) => a.identify(m as Parameters<RudderAnalytics['identify']>[0], cb()),
    track: (m) => a.track(m as Parameters<RudderAnalytics['track']>[0], cb()),
    page: (m) => a.page(m as Parameters<RudderAnalytics['page']>[0], cb()),
    alias: (m) => a.alias(m, cb()),
    done: async () => {
      while (q.queue.length > 0) await a.flush();
      await Promise.all(sent.splice(0));
    },
  };
}

const SDKS = { 'analytics-node': segmentClient, 'rudder-sdk-node': rudderClient };

forEachStore('tracking SDKs against Audience', (kind) => {
  let s: TestServer;
  let key: string;
  before(async () => {
    s = await startServer(kind, { now: new Date().toISOString() });
    key = await writeKey(s);
  });
  after(() => s.close());

  for (const [sdk, make] of Object.entries(SDKS)) {
    test(`${sdk}: identify, track, page, alias and a 500-event burst land once, on the right profile, with context attributes`, async () => {
      const errors: unknown[] = [];
      const client = make(s.url, key, errors);
      const user = `${sdk}-user`;
      const anon = `${sdk}-anon`;
      const context = { device: { type: 'android', manufacturer: 'Samsung' }, os: { name: 'Android', version: '14' }, network: { carrier: 'Vodafone' }, locale: 'de-DE', campaign: { source: 'ads' } };

      client.track({ anonymousId: anon, event: 'App Opened', context, messageId: `${sdk}-open` });
      client.identify({ userId: user, anonymousId: anon, traits: { email: `${sdk}@example.com`, firstName: 'Lin' }, context });
      client.page({ userId: user, name: 'Home', category: 'Landing', properties: { path: '/' } });
      for (let i = 0; i < 500; i++) client.track({ userId: user, event: 'Item Viewed', properties: { i }, messageId: `${sdk}-burst-${i}` });
      await client.done();
      // RudderStack's client posts its batches concurrently, so their order is not kept; an alias sent
      // with them could be read before the user id it names is known (and then taken as an anonymous id).
      client.alias({ userId: `${user}-v2`, previousId: user });
      await client.done();
      assert.deepEqual(errors, []);

      const p = await profileWith(s, user);
      assert.equal((await profileWith(s, anon)).id, p.id, 'the anonymous events joined the known profile');
      assert.equal((await profileWith(s, `${user}-v2`)).id, p.id, 'the alias added the new user id');
      assert.equal(p.attributes.email, `${sdk}@example.com`, JSON.stringify(p));
      assert.equal(p.attributes.first_name, 'Lin');
      assert.equal(p.attributes.device_type, 'android');
      assert.equal(p.attributes.device_brand, 'Samsung');
      assert.equal(p.attributes.os, 'Android');
      assert.equal(p.attributes.mobile_operator, 'Vodafone');

      const events = await eventsOf(s, p.id);
      assert.equal(events.length, 502);
      assert.equal(new Set(events.map((e) => e.message_id)).size, 502);
      const names = new Map<string, number>();
      for (const e of events) names.set(e.name, (names.get(e.name) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(names), { 'App Opened': 1, page_view: 1, 'Item Viewed': 500 });
      const opened = events.find((e) => e.name === 'App Opened')!;
      assert.equal((opened.context as { locale: string }).locale, 'de-DE');
      assert.deepEqual((opened.context as { campaign: unknown }).campaign, { source: 'ads' });
      assert.ok((opened.context as { library?: { name: string } }).library?.name, 'the SDK\'s own context is kept');
      const page = events.find((e) => e.name === 'page_view')!;
      assert.equal(page.properties.name, 'Home');
      assert.equal(page.properties.category, 'Landing');
      // Skew-corrected timestamps stay within the request's time on this machine.
      for (const e of events) assert.ok(Math.abs(Date.parse(e.ts) - Date.parse(s.clock.now().toISOString())) < 60_000, e.ts);
    });
  }
});
