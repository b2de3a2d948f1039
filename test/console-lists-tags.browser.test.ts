/**
 * Lists and Tags pages in Chromium: create a list, fill it from the People table, open it, rename it,
 * remove members, export them, delete it; create, filter and delete a tag (it leaves its profiles).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openConsole, PASSWORD, skipBrowser, type ConsoleSession } from './console-browser.ts';
import { startServer, type TestServer } from './http.ts';

describe('Lists and Tags pages in Chromium', { skip: skipBrowser }, () => {
  let s: TestServer;
  let c: ConsoleSession;
  let page: Page;
  const ids: Record<string, string> = {};

  before(async () => {
    s = await startServer('pglite');
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    for (const [externalId, first_name] of [['u1', 'Ann'], ['u2', 'Bob'], ['u3', 'Cy']] as const) {
      const res = await s.call('POST', '/v1/profiles', { externalId, email: `${externalId}@example.com`, attributes: { first_name, last_name: 'Test' } });
      ids[externalId] = res.body.id;
    }
    c = await openConsole(s);
    page = c.page;
    await c.signIn(page, 'admin@example.com');
  });
  after(async () => {
    await c?.close();
    await s?.close();
  });

  test('create a list and add people to it from the People table', async () => {
    await page.getByRole('link', { name: 'Lists' }).click();
    await page.getByText('No lists yet.').waitFor();
    await page.getByLabel('New list name').fill('Newsletter');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('row', { name: /Newsletter/ }).getByRole('cell', { name: '0', exact: true }).waitFor();
    await page.getByRole('link', { name: 'People' }).click();
    for (const name of ['Ann Test', 'Bob Test', 'Cy Test']) await page.getByRole('row', { name: new RegExp(name) }).getByLabel('Select row').check();
    await page.getByLabel('List to add to').fill('Newsletter');
    await page.getByRole('button', { name: 'Add to list' }).click();
    await page.getByText(/Newsletter.*3 profile\(s\)/).waitFor();
    await page.getByRole('link', { name: 'Lists' }).click();
    await page.getByRole('row', { name: /Newsletter/ }).getByRole('cell', { name: '3', exact: true }).waitFor();
  });

  test('open the list: rename it, remove a member, export the rest, delete it', async () => {
    await page.getByRole('link', { name: 'Newsletter' }).click();
    await page.getByText('3 members').waitFor();
    await page.getByRole('button', { name: 'Rename…' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Weekly newsletter');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Weekly newsletter' }).waitFor();

    await page.getByRole('row', { name: /Bob Test/ }).getByLabel('Select row').check();
    await page.getByRole('button', { name: 'Remove 1 from the list' }).click();
    await page.getByText('2 members').waitFor();
    await page.getByRole('row', { name: /Bob Test/ }).waitFor({ state: 'detached' });
    const listId = new URL(page.url()).pathname.split('/').pop()!;
    const members = (await s.call('GET', `/v1/lists/${listId}/members`)).body.data.map((m: { profile_id: string }) => m.profile_id).sort();
    assert.deepEqual(members, [ids.u1, ids.u3].sort());

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export all (CSV)' }).click()]);
    const csv = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    assert.equal(csv.length, 3, csv.join('\n'));
    assert.ok(!csv.some((l) => l.includes('u2@example.com')));

    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByText('its 2 people stay').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No lists yet.').waitFor();
    assert.equal((await s.call('GET', `/v1/profiles/${ids.u1}`)).status, 200, 'the people stay');
  });

  test('tags: create, filter, delete (it leaves its profiles)', async () => {
    await page.getByRole('link', { name: 'Tags' }).click();
    for (const name of ['vip', 'churn-risk']) {
      await page.getByLabel('New tag name').fill(name);
      await page.getByRole('button', { name: 'Create tag' }).click();
      await page.getByRole('link', { name, exact: true }).waitFor();
    }
    const vip = (await s.call('GET', '/v1/tags')).body.data.find((t: { name: string }) => t.name === 'vip');
    await s.call('POST', `/v1/tags/${vip.id}/profiles`, { profile_ids: [ids.u1, ids.u2] });
    await page.reload();
    await page.getByRole('row', { name: /vip/ }).getByRole('cell', { name: '2', exact: true }).waitFor();
    await page.getByLabel('Filter tags').fill('chu');
    await page.getByRole('link', { name: 'vip', exact: true }).waitFor({ state: 'detached' });
    await page.getByLabel('Filter tags').fill('');
    await page.getByRole('row', { name: /vip/ }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByText('removed from 2 profiles').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted "vip" (removed from 2 profiles)').waitFor();
    await page.getByRole('link', { name: 'vip', exact: true }).waitFor({ state: 'detached' });
    assert.equal((await s.call('GET', `/v1/profiles/${ids.u1}`)).status, 200);
    assert.deepEqual(c.problems, [], 'no console or page errors');
  });
});
