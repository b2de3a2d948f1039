/**
 * The Do-Not-Contact page in Chromium: import a file with a chosen contact column (analysis first, with
 * its invalid rows), filter, sort, export what the filter shows, and remove many entries at once.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openConsole, PASSWORD, skipBrowser, type ConsoleSession } from './console-browser.ts';
import { startServer, type TestServer } from './http.ts';

describe('Do-Not-Contact page in Chromium', { skip: skipBrowser }, () => {
  let s: TestServer;
  let c: ConsoleSession;
  let page: Page;
  const contacts = (p: Page) => p.locator('table tbody tr td:nth-child(2)').allTextContents();

  before(async () => {
    s = await startServer('pglite');
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    await s.call('POST', '/v1/profiles', { externalId: 'u1', email: 'ann@example.com' });
    await s.call('POST', '/v1/dnc', { contact: '+44 7700 900123', channel: 'sms' });
    c = await openConsole(s);
    page = c.page;
    await c.signIn(page, 'admin@example.com');
  });
  after(async () => {
    await c?.close();
    await s?.close();
  });

  test('import a file: analysis first, with its invalid rows; then the entries are on the list', async () => {
    await page.getByRole('link', { name: 'Do-Not-Contact' }).click();
    await page.getByRole('cell', { name: '+447700900123' }).waitFor();
    await page.getByRole('button', { name: 'Import file…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('File of contacts').setInputFiles({
      name: 'opt-outs.csv', mimeType: 'text/csv',
      buffer: Buffer.from('Name,Email\nAnn,ann@example.com\nBad,not-an-email\nCy,CY@Example.com\n'),
    });
    await dialog.getByLabel('Contact column').fill('Email');
    await dialog.getByRole('button', { name: 'Analyze' }).click();
    await dialog.getByText(/Analysis:.*3 rows · 2 to add/).waitFor();
    await dialog.getByRole('table', { name: 'Invalid rows' }).getByRole('cell', { name: 'not-an-email', exact: true }).waitFor();
    assert.equal((await s.call('GET', '/v1/dnc?offset=0')).body.total, 1, 'the analysis changed nothing');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.getByText(/Imported:.*2 added/).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'cy@example.com' }).waitFor(); // stored normalised
    await page.getByText('3 entries').waitFor();
    const check = await s.call('GET', '/v1/dnc/check?contact=ann@example.com');
    assert.equal(check.body.listed, true);
  });

  test('filter by a column, sort by contact, export what the filter shows', async () => {
    await page.getByLabel('Kind').selectOption('email');
    await page.getByRole('cell', { name: '+447700900123' }).waitFor({ state: 'detached' });
    await page.getByText('2 entries match').waitFor();
    await page.getByRole('button', { name: /^Contact/ }).click();
    await page.locator('th[aria-sort="ascending"]').waitFor();
    await page.locator('table tbody tr').first().getByRole('cell', { name: 'ann@example.com' }).waitFor(); // the sorted page has arrived
    assert.deepEqual(await contacts(page), ['ann@example.com', 'cy@example.com']);
    await page.getByRole('button', { name: /^Contact/ }).click();
    await page.locator('th[aria-sort="descending"]').waitFor();
    await page.locator('table tbody tr').first().getByRole('cell', { name: 'cy@example.com' }).waitFor();
    assert.deepEqual(await contacts(page), ['cy@example.com', 'ann@example.com']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, 3, csv); // header + the two email entries, not the phone
    assert.match(lines[1]!, /cy@example\.com/);
    assert.match(lines[2]!, /ann@example\.com/);
  });

  test('remove many entries at once', async () => {
    await page.getByLabel('Select all rows on this page').check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Remove from the list' }).click();
    await page.getByText('Removed 2 entries').waitFor();
    await page.getByText('No entries.').waitFor();
    await page.getByLabel('Kind').selectOption('');
    await page.getByRole('cell', { name: '+447700900123' }).waitFor();
    const left = (await s.call('GET', '/v1/dnc')).body;
    assert.deepEqual(left.data.map((e: { contact: string }) => e.contact), ['+447700900123']);
    assert.deepEqual(c.problems, [], 'no console or page errors');
  });
});
