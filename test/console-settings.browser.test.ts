/**
 * Settings in a real browser (see console-browser.ts): the attribute registry, channels, and webhooks
 * with their delivery log, against a real server whose membership and webhook workers run, so a
 * profile entering a segment reaches a real local receiver and shows in the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openConsole, PASSWORD, skipBrowser, type ConsoleSession } from './console-browser.ts';
import { startServer, type TestServer } from './http.ts';
import { startReceiver, verifySignature, type Receiver } from './webhook-receiver.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('console settings in Chromium', { skip: skipBrowser }, () => {
  let s: TestServer;
  let c: ConsoleSession;
  let page: Page;
  let receiver: Receiver;
  let workers: { stop(): Promise<void> }[] = [];
  let webhookId = '';
  let secret = '';

  before(async () => {
    s = await startServer('pglite');
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'viewer@example.com', password: PASSWORD, role: 'viewer' });
    receiver = await startReceiver();
    // As in production (src/main.ts): membership writes transitions, the webhook worker fans them out and sends.
    const onError = (err: unknown) => console.error(err);
    workers = [s.services.membership.start({ idleMs: 20, onError }), s.services.webhookWorker.start({ idleMs: 20, onError })];
    // Refusals caused on purpose: a reserved attribute (409), a bad channel name (400), a viewer's write (403).
    c = await openConsole(s, { expectedStatuses: [400, 401, 403, 409] });
    page = c.page;
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await c?.close();
    await receiver?.close();
    await s?.close();
  });

  test('attributes: the registry is listed; a custom attribute is created, refused when reserved, relabelled', async () => {
    await c.signIn(page, 'admin@example.com');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Attributes' }).click();
    await page.getByRole('heading', { name: 'Attributes' }).waitFor();
    const standard = page.locator('tr[data-attribute="email"]');
    await standard.getByText('standard').waitFor();
    assert.equal(await standard.getByRole('button').count(), 0, 'a standard attribute can not be edited');

    const form = page.getByRole('form', { name: 'New custom attribute' });
    await form.getByLabel('Key').fill('email');
    await form.getByRole('button', { name: 'Create attribute' }).click();
    await form.getByRole('alert').filter({ hasText: '"email" is a standard attribute' }).waitFor();

    await form.getByLabel('Key').fill('plan_tier');
    await form.getByLabel('Type').selectOption('number');
    await form.getByLabel('Label (optional)').fill('Plan tier');
    await form.getByRole('button', { name: 'Create attribute' }).click();
    const row = page.locator('tr[data-attribute="plan_tier"]');
    await row.getByRole('cell', { name: 'Plan tier' }).waitFor();
    assert.deepEqual(await row.locator('td').allInnerTexts(), ['plan_tier', 'Plan tier', 'number', 'custom', 'Edit label']);
    assert.equal(await form.getByRole('alert').count(), 0, 'the earlier error is gone');

    await row.getByRole('button', { name: 'Edit label of plan_tier' }).click();
    await page.getByRole('dialog').getByLabel('Label').fill('Plan level');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await row.getByRole('cell', { name: 'Plan level' }).waitFor();
    const listed = (await s.call('GET', '/v1/attributes')).body.data.find((a: { name: string }) => a.name === 'plan_tier');
    assert.deepEqual(listed, { name: 'plan_tier', type: 'number', label: 'Plan level', standard: false, derived: false });
    await page.getByLabel('Filter attributes').fill('plan');
    await standard.waitFor({ state: 'detached' });
    await c.shot('settings-attributes');
    await page.getByLabel('Filter attributes').fill('');
  });

  test('channels: the built-in ones are listed; a bad name is refused with its path; a channel is added', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    await page.getByRole('cell', { name: 'email', exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Name').fill('Postal Mail');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await form.getByRole('alert').filter({ hasText: '(at name)' }).waitFor();
    await form.getByLabel('Name').fill('postal_mail');
    await form.getByLabel('Label (optional)').fill('Postal mail');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await page.getByRole('cell', { name: 'Postal mail' }).waitFor();
    const channels = (await s.call('GET', '/v1/channels')).body.data as { name: string; builtin: boolean }[];
    assert.deepEqual(channels.filter((ch) => !ch.builtin).map((ch) => ch.name), ['postal_mail']);
  });

  test('webhooks: created for segment.entered of one segment, its secret shown once; an enter is delivered and logged', async () => {
    // The segment exists first (with no member), so the webhook can be limited to it: the predefined
    // segments (everyone, …) would send their own enters otherwise.
    const seg = await s.call('POST', '/v1/segments', { name: 'Premium plans', rule: { attribute: 'plan_tier', op: 'gte', value: 2 } });
    assert.equal(seg.status, 201, JSON.stringify(seg.body));
    for (let i = 0; (await s.call('GET', `/v1/segments/${seg.body.id}`)).body.status !== 'ready'; i++) {
      assert.ok(i < 500, 'the segment is built');
      await sleep(20);
    }

    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
    await dialog.getByLabel('URL').fill('not a url');
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    await dialog.getByRole('alert').filter({ hasText: '(at url)' }).waitFor();
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.getByLabel('Description (optional)').fill('CRM sync');
    await dialog.getByRole('checkbox', { name: /segment\.exited/ }).uncheck();
    await dialog.getByRole('radio', { name: 'Only these segments' }).check();
    await dialog.getByRole('checkbox', { name: 'Premium plans' }).check();
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    const secretDialog = page.getByRole('dialog', { name: "The webhook's signing secret" });
    secret = (await secretDialog.locator('pre').innerText()).trim();
    assert.match(secret, /^whsec_/);
    await secretDialog.getByRole('button', { name: 'I have stored it' }).click();

    const [hook] = (await s.call('GET', '/v1/webhooks')).body.data;
    assert.deepEqual([hook.url, hook.events, hook.segment_ids, hook.active, hook.description], [receiver.url, ['segment.entered'], [seg.body.id], true, 'CRM sync']);
    webhookId = hook.id;
    await page.getByRole('row', { name: receiver.url }).getByRole('cell', { name: 'Premium plans' }).waitFor();
    await page.getByRole('link', { name: receiver.url }).click();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
    await page.getByText('No deliveries yet.').waitFor();
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');

    // Something enters the segment.
    const profile = await s.call('POST', '/v1/profiles', { externalId: 'p1', attributes: { plan_tier: 3 } });
    assert.equal(profile.status, 201, JSON.stringify(profile.body));

    // The log polls: the delivery shows up on its own, delivered.
    const delivered = page.locator('tr[data-status="succeeded"]');
    await delivered.waitFor({ timeout: 20_000 });
    assert.deepEqual((await delivered.locator('td').allInnerTexts()).slice(1, 5), ['segment.entered', 'succeeded', '1', 'HTTP 200']);
    assert.equal(receiver.received.length, 1);
    const [got] = receiver.received;
    assert.equal(got!.json.type, 'segment.entered');
    assert.equal(got!.json.data.profile.external_id, 'p1');
    assert.ok(verifySignature(got!, secret), 'the secret the console showed signs the delivery');

    await delivered.getByRole('button', { name: 'Payload' }).click();
    const payload = JSON.parse(await page.locator('pre.payload').innerText());
    assert.equal(payload.id, got!.json.id);
    assert.equal(payload.data.segment.name, 'Premium plans');
    await c.shot('settings-webhooks');

    await page.getByRole('button', { name: 'Send test ping' }).click();
    await page.locator('tr[data-status="succeeded"]').filter({ hasText: 'ping' }).waitFor();
    assert.equal(receiver.received.length, 2);

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal((await s.call('GET', `/v1/webhooks/${webhookId}`)).body.active, false);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    assert.equal((await s.call('GET', `/v1/webhooks/${webhookId}`)).body.active, true);
  });

  test('a viewer reads webhooks and their log but can not create or change one', async () => {
    const p = await c.newPage();
    await c.signIn(p, 'viewer@example.com');
    await p.goto(`${s.url}/settings/webhooks`);
    await p.getByText('Your role (viewer) can read the webhooks').waitFor();
    await p.getByRole('link', { name: receiver.url }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'Add webhook' }).count(), 0);
    assert.equal(await p.getByRole('button', { name: /Pause|Resume/ }).count(), 0);
    await p.getByRole('link', { name: receiver.url }).click();
    await p.locator('tr[data-status="succeeded"]').first().waitFor();
    for (const name of ['Edit', 'Delete…', 'Send test ping', 'Redeliver']) assert.equal(await p.getByRole('button', { name }).count(), 0, name);
    // The API refuses it too, whatever the page shows.
    const status = await p.evaluate(async (url) => {
      const { csrf_token } = await (await fetch('/v1/session')).json();
      const res = await fetch('/v1/webhooks', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf_token }, body: JSON.stringify({ url, events: ['segment.entered'] }),
      });
      return res.status;
    }, receiver.url);
    assert.equal(status, 403);
    assert.equal((await s.call('GET', '/v1/webhooks')).body.data.length, 1);
    await p.goto(`${s.url}/settings/attributes`);
    await p.getByText('Your role (viewer) can read the attributes').waitFor();
    assert.equal(await p.getByRole('form', { name: 'New custom attribute' }).count(), 0);
    await p.context().close();
  });

  test('at phone width the webhook page fits; deleting the webhook returns to an empty list', async () => {
    const p = await c.newPage({ width: 390, height: 844 });
    await c.signIn(p, 'admin@example.com');
    await p.goto(`${s.url}/settings/webhooks/${webhookId}`);
    await p.getByRole('heading', { name: 'Delivery log' }).waitFor();
    await p.locator('tr[data-status="succeeded"]').first().waitFor();
    const overflow = await p.evaluate(() => ({
      px: document.documentElement.scrollWidth - window.innerWidth,
      // What sticks out, to say where when it fails.
      wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
    }));
    assert.ok(overflow.px <= 0, `the page is ${overflow.px} px wider than the screen: ${overflow.wide.join(', ')}`);
    await p.getByRole('button', { name: 'Delete…' }).click();
    await p.getByRole('dialog', { name: 'Delete the webhook' }).getByRole('button', { name: 'Delete webhook' }).click();
    await p.getByText('No webhooks yet.').waitFor();
    assert.deepEqual((await s.call('GET', '/v1/webhooks')).body.data, []);
    await p.context().close();
    assert.deepEqual(c.problems, [], 'no console or page errors');
  });
});
