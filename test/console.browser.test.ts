/**
 * The web console in a real browser (see console-browser.ts), against a real server (PGlite) that serves
 * the built console. Walks the flows a marketer uses: sign in, People, a profile, the segment builder with
 * its live count, save, a refused delete, "why?", a viewer's limits, sign out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openConsole, PASSWORD, skipBrowser, type ConsoleSession } from './console-browser.ts';
import { startServer, type TestServer } from './http.ts';

describe('web console in Chromium', { skip: skipBrowser }, () => {
  let s: TestServer;
  let c: ConsoleSession;
  let page: Page;
  const ids: Record<string, string> = {};
  const shot = (name: string, fullPage = true) => c.shot(name, fullPage);
  const signIn = (p: Page, email: string) => c.signIn(p, email);
  const previewCount = (expected: number) => page.getByTestId('preview-count').filter({ hasText: new RegExp(`^${expected}\\b`) }).waitFor();

  before(async () => {
    s = await startServer('pglite');
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'viewer@example.com', password: PASSWORD, role: 'viewer' });
    const people = [
      { externalId: 'u1', email: 'ann@example.com', attributes: { first_name: 'Ann', last_name: 'Lee', city: 'London', country: 'UK' } },
      { externalId: 'u2', email: 'bob@example.com', attributes: { first_name: 'Bob', last_name: 'Stone', city: 'Leeds', country: 'UK' } },
      { externalId: 'u3', email: 'cy@example.com', attributes: { first_name: 'Cy', last_name: 'Young', city: 'Paris', country: 'FR' } },
      { externalId: 'u4', email: 'di@example.com', attributes: { first_name: 'Di', last_name: 'Moss', city: 'London', country: 'UK' } },
    ];
    for (const p of people) {
      const res = await s.call('POST', '/v1/profiles', p);
      assert.equal(res.status, 201);
      ids[p.externalId] = res.body.id;
    }
    for (const ts of ['2026-03-10T10:00:00Z', '2026-03-12T10:00:00Z']) {
      await s.call('POST', '/v1/track', { userId: 'u1', event: 'purchase', properties: { amount: 40 }, timestamp: ts });
    }
    await s.call('POST', '/v1/track', { userId: 'u2', event: 'purchase', properties: { amount: 10 }, timestamp: '2026-03-11T10:00:00Z' });
    const vip = await s.call('POST', '/v1/tags', { name: 'vip' });
    await s.call('POST', `/v1/tags/${vip.body.id}/profiles`, { profile_ids: [ids.u4] });
    await s.call('POST', '/v1/dnc', { contact: 'bob@example.com', channel: 'email' });

    // A wrong password, a refused delete and a rule error are caused on purpose (the page shows each).
    c = await openConsole(s, { expectedStatuses: [401, 409, 422] });
    page = c.page;
  });
  after(async () => {
    await c?.close();
    await s?.close();
  });

  test('sign in through the form; People lists the profiles created through the API', async () => {
    await page.goto(`${s.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('sign-in');
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong email or password' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    for (const name of ['Ann Lee', 'Bob Stone', 'Cy Young', 'Di Moss']) await page.getByRole('link', { name }).waitFor();
    await page.getByText('4 profiles').waitFor();
    await page.getByLabel('Search people').fill('cy@');
    await page.getByRole('link', { name: 'Bob Stone' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Cy Young' }).waitFor();
    await page.getByLabel('Search people').fill('');
    await page.getByRole('link', { name: 'Bob Stone' }).waitFor();
    await shot('people');
  });

  test('open a profile and edit an attribute inline; the API has the new value', async () => {
    await page.getByRole('link', { name: 'Bob Stone' }).click();
    await page.getByRole('heading', { name: 'Bob Stone' }).waitFor();
    await page.getByRole('button', { name: 'Edit City' }).click();
    await page.getByLabel('City', { exact: true }).fill('London');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('tr[data-attribute="city"]').getByText('London').waitFor();
    assert.equal((await s.call('GET', `/v1/profiles/${ids.u2}`)).body.attributes.city, 'London');
    // Do-Not-Contact status and the events timeline are on the page too.
    await page.getByText('listed (email)').waitFor();
    await page.locator('.timeline').getByText('purchase').waitFor();
    await shot('profile');
  });

  test('build a segment with a nested group and an event condition; the live count follows; save it', async () => {
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByLabel('Name').fill('London buyers');
    await previewCount(4);
    await page.getByLabel('Add a condition').selectOption('attribute');
    await page.getByLabel('Attribute', { exact: true }).selectOption('city');
    await page.getByLabel('Operator').selectOption('is');
    await page.getByLabel('Value 1').fill('London');
    await previewCount(3); // Ann, Bob (now in London), Di
    await page.getByRole('button', { name: '+ Add group' }).click();
    await previewCount(0); // an empty ANY group matches no one
    const inner = page.locator('.group .group');
    await inner.getByLabel('Add a condition').selectOption('event');
    await inner.getByLabel('Event name').fill('purchase');
    await inner.getByLabel('Count').fill('2');
    await previewCount(1); // Ann bought twice
    await inner.getByLabel('Add a condition').selectOption('tag');
    await inner.getByLabel('Has tag').selectOption('vip');
    await previewCount(2); // and Di, tagged vip
    await page.locator('.sample').getByRole('link', { name: 'Di Moss' }).waitFor();
    await shot('segment-builder');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.waitForURL(/\/segments\/[0-9a-f-]{36}$/);
    ids.segment = page.url().split('/').pop()!;
    const saved = await s.call('GET', `/v1/segments/${ids.segment}`);
    assert.equal(saved.body.name, 'London buyers');
    assert.deepEqual(saved.body.rule, {
      all: [
        { attribute: 'city', op: 'is', value: 'London' },
        { any: [{ event: 'purchase', count: { op: 'gte', value: 2 }, time: { op: 'any_time' } }, { tag: 'vip' }] },
      ],
    });
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('link', { name: 'London buyers' }).waitFor();
    await shot('segments');
  });

  test('a rule error is shown on the condition it names', async () => {
    await page.goto(`${s.url}/segments/new`);
    await page.getByLabel('Add a condition').selectOption('attribute');
    await page.getByLabel('Attribute', { exact: true }).selectOption('city');
    await page.getByLabel('Operator').selectOption('starts_with');
    await page.getByLabel('Value').fill('');
    await page.locator('.cond.has-error .node-error').filter({ hasText: 'rule.all[0].value' }).waitFor();
  });

  test('"why?" on a profile shows the rule tree with ticks and crosses', async () => {
    await page.goto(`${s.url}/people/${ids.u1}`);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Segments' }) });
    await card.getByRole('link', { name: 'London buyers' }).waitFor();
    await card.locator('li', { hasText: 'London buyers' }).getByRole('button', { name: 'why?' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('.explain-tree').waitFor();
    assert.ok((await dialog.locator('.tick').count()) >= 3, 'the segment, the city and the purchase count hold');
    assert.ok((await dialog.locator('.cross').count()) >= 1, 'the vip tag does not');
    await dialog.getByText('purchase', { exact: false }).first().waitFor();
    await shot('profile-why', false);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('deleting a segment another one references is refused, with the reason shown', async () => {
    const ref = await s.call('POST', '/v1/segments', { name: 'Uses London buyers', rule: { segment: ids.segment } });
    assert.equal(ref.status, 201);
    await page.goto(`${s.url}/segments/${ids.segment}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'Uses London buyers' }).waitFor();
    assert.equal((await s.call('GET', `/v1/segments/${ids.segment}`)).status, 200);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  test('People: a quick filter and the advanced filter (the rule builder) give the matching count', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('country').fill('UK');
    await page.getByLabel('country').press('Enter');
    await page.getByText('3 match these filters').waitFor(); // Ann, Bob, Di; Cy lives in Paris
    await page.getByRole('button', { name: '+ Advanced filter' }).click();
    const advanced = page.getByRole('region', { name: 'Advanced filter' });
    await advanced.getByLabel('Add a condition').selectOption('event');
    await advanced.getByLabel('Event name').fill('purchase');
    await page.getByText('2 match these filters').waitFor(); // Ann and Bob bought something
    await page.getByRole('link', { name: 'Di Moss' }).waitFor({ state: 'detached' });
    await advanced.getByRole('button', { name: 'Remove advanced filter' }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByText('4 profiles').waitFor();
  });

  test('tag two profiles from the People table', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('row', { name: /Ann Lee/ }).getByLabel('Select row').check();
    await page.getByRole('row', { name: /Cy Young/ }).getByLabel('Select row').check();
    await page.getByText('2 selected').waitFor();
    await page.getByLabel('Tag to add').fill('spring-promo');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByText('Tagged "spring-promo": 2 profile(s)').waitFor();
    const tags = (await s.call('GET', '/v1/tags')).body.data;
    assert.equal(tags.find((t: { name: string }) => t.name === 'spring-promo').profile_count, 2);
    await page.getByRole('link', { name: 'Tags' }).click();
    await page.getByRole('row', { name: /spring-promo/ }).getByRole('cell', { name: '2', exact: true }).waitFor();
    await shot('tags');
  });

  test('Do-Not-Contact: add an entry and filter the list', async () => {
    await page.getByRole('link', { name: 'Do-Not-Contact' }).click();
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByLabel('Email or phone').fill('+44 7700 900123');
    await page.getByRole('dialog').getByRole('button', { name: 'Add' }).click();
    await page.getByRole('cell', { name: '+447700900123' }).waitFor();
    await page.getByRole('cell', { name: 'bob@example.com' }).waitFor();
    await page.getByLabel('Kind').selectOption('phone');
    await page.getByRole('cell', { name: 'bob@example.com' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: '+447700900123' }).waitFor();
    await page.getByLabel('Kind').selectOption('');
    await shot('dnc');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('cell', { name: 'viewer@example.com' }).waitFor();
    await shot('settings');
  });

  test('a viewer sees segments but can not save one', async () => {
    const p = await c.newPage();
    await signIn(p, 'viewer@example.com');
    await p.goto(`${s.url}/segments/${ids.segment}`);
    await p.getByText('your role (viewer) can not save them').waitFor();
    assert.equal(await p.getByRole('button', { name: /Save/ }).count(), 0);
    assert.equal(await p.getByRole('button', { name: 'Delete…' }).count(), 0);
    assert.ok(await p.getByLabel('Value 1').evaluate((el) => (el as HTMLInputElement).readOnly));
    await p.context().close();
  });

  test('sign out returns to the sign-in page and the session is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${s.url}/people`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.deepEqual(c.problems, [], 'no console or page errors');
  });
});
