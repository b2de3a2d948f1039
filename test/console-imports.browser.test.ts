/**
 * The Imports wizard in a real browser (see console-browser.ts), against a real server (PGlite): a file is
 * dropped on the page, analysed, mapped (with the warnings the analysis gives), run while the page polls
 * its progress, and the result shows and downloads the rejected rows. The API then has the profiles.
 * The import worker is driven by the test (the server's loop is not started), so the progress bar is seen
 * at 0 %, part way, and done, without timing luck.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { openConsole, PASSWORD, skipBrowser, type ConsoleSession } from './console-browser.ts';
import { upload } from './files.ts';
import { startServer, type TestServer } from './http.ts';

/** Five rows: two are bad (an email without a domain, a birthday that is no date). */
const CSV = [
  'Email,First name,Birthday,Plan,VIP',
  'ann@example.com,Ann,1990-05-17,gold,yes',
  'bob@example,Bob,1985-01-02,silver,no',
  'cy@example.com,Cy,not a date,gold,yes',
  'di@example.com,Di,1979-12-31,bronze,',
  'ed@example.com,Ed,2001-02-03,gold,x',
].join('\n') + '\n';

describe('console: the Imports wizard', { skip: skipBrowser }, () => {
  let s: TestServer;
  let c: ConsoleSession;
  let page: Page;
  let importId = '';
  let secondId = '';
  const worker = () => s.services.imports.worker;
  const progress = () => page.getByRole('progressbar', { name: 'Import progress' });

  before(async () => {
    // One row per batch, so the progress moves in steps the test can see.
    s = await startServer('pglite', { imports: { batchSize: 1 } });
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    // A refused file type is shown on purpose (415).
    c = await openConsole(s, { expectedStatuses: [401, 415] });
    page = c.page;
  });
  after(async () => {
    await c?.close();
    await s?.close();
  });

  test('the empty history, then a refused file shows its error', async () => {
    await c.signIn(page, 'admin@example.com');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Imports' }).click();
    await page.getByRole('heading', { name: 'Imports' }).waitFor();
    await page.getByText('No imports yet.').waitFor();
    await page.getByRole('link', { name: 'New import' }).click();
    await page.getByRole('heading', { name: 'New import' }).waitFor();
    await page.getByLabel('File to import').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await page.getByRole('alert').filter({ hasText: 'notes.pdf' }).waitFor();
  });

  test('drop a CSV: the analysis shows the columns, samples, types and the values that do not fit', async () => {
    // A real drop: a DataTransfer holding the file, dispatched on the drop area.
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'spring fair.csv', { type: 'text/csv' }));
      return dt;
    }, CSV);
    await page.getByTestId('file-drop').dispatchEvent('drop', { dataTransfer });
    await page.getByRole('heading', { name: 'Map the columns' }).waitFor();
    importId = new URL(page.url()).pathname.split('/').pop()!;
    assert.match(importId, /^[0-9a-f-]{36}$/);

    const facts = page.getByTestId('analysis-facts');
    await facts.getByText('comma').waitFor();
    await facts.getByText('row 1').waitFor();
    assert.match(await facts.innerText(), /Data rows\s+5/);
    // Read with another delimiter: one column; then back to commas.
    await page.getByText('Not read right? Change how the file is read').click();
    await page.getByLabel('Delimiter').selectOption(';');
    await page.getByRole('button', { name: 'Analyse again' }).click();
    await facts.getByText('semicolon').waitFor();
    assert.match(await facts.innerText(), /Columns\s+1\b/);
    await page.getByLabel('Delimiter').selectOption(',');
    await page.getByRole('button', { name: 'Analyse again' }).click();
    await facts.getByText('comma').waitFor();
    assert.match(await facts.innerText(), /Columns\s+5\b/);

    // Suggestions: Email an identifier, Birthday the standard birthdate (a date), VIP a new attribute.
    assert.equal(await page.getByLabel('Map column Email').inputValue(), 'email');
    assert.equal(await page.getByLabel('Map column Birthday').inputValue(), 'attribute');
    assert.equal(await page.getByLabel('Attribute for Birthday').inputValue(), 'birthdate');
    const birthday = page.locator('li[data-column="Birthday"]');
    await birthday.getByText('standard, date').waitFor();
    await birthday.getByText('Expects date').waitFor();
    await page.getByRole('list', { name: 'Sample values of First name' }).getByText('Ann').waitFor();
    await page.getByTestId('warning-Email').filter({ hasText: '1 of 5 values do not fit' }).waitFor();
    await page.getByTestId('warning-Birthday').filter({ hasText: '1 of 5 values do not fit' }).waitFor();

    // Map Plan to a new text attribute named plan, VIP to a tag; skipping First name would drop it.
    await page.getByLabel('Map column Plan').selectOption('attribute');
    await page.getByLabel('Type of Plan').selectOption('string');
    await page.getByLabel('Map column VIP').selectOption('tag');
    await page.locator('li[data-column="VIP"]').getByText('Expects yes / no').waitFor();
    assert.equal(await page.getByTestId('warning-VIP').count(), 0, 'yes, no, x and empty cells all fit a tag');
    // A choice some values do not fit warns at once: First name as a number.
    await page.getByLabel('Map column First name').selectOption('attribute');
    await page.getByLabel('Attribute for First name').fill('shoe_size');
    await page.getByLabel('Type of First name').selectOption('number');
    await page.getByTestId('warning-First name').filter({ hasText: '5 of 5 values do not fit' }).waitFor();
    await page.getByLabel('Attribute for First name').fill('first_name');
    await page.getByTestId('warning-First name').waitFor({ state: 'detached' });

    await page.getByLabel('Add every imported profile to a list').fill('Spring fair');
    await page.getByLabel('Tag every imported profile').fill('fair-2026');
    await c.shot('imports-mapping');
  });

  test('run: the progress bar follows the worker to the end; the result lists the rejected rows', async () => {
    await page.getByRole('button', { name: 'Import 5 rows' }).click();
    await page.getByRole('heading', { name: 'Importing…' }).waitFor();
    await progress().and(page.locator('[aria-valuenow="0"]')).waitFor();

    assert.equal(await worker().runOne({ maxBatches: 2 }), true); // two rows, then the worker pauses
    await progress().and(page.locator('[aria-valuenow="40"]')).waitFor();
    await page.getByText('2 of 5 rows').waitFor();

    assert.equal(await worker().runOne(), true); // the same worker goes on to the end
    await page.getByRole('heading', { name: 'Imported' }).waitFor();
    const count = (k: string) => page.getByTestId(`count-${k}`).locator('dd').innerText();
    assert.deepEqual([await count('read'), await count('created'), await count('rejected')], ['5', '3', '2']);
    await page.getByRole('link', { name: 'Spring fair' }).waitFor();

    const rejected = page.locator('table.rejected-rows tbody tr');
    await rejected.first().waitFor();
    const rows = await rejected.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.map((r) => r.slice(0, 3)), [['3', 'Email', 'bob@example'], ['4', 'Birthday', 'not a date']]);
    assert.match(rows[0]![3]!, /not a valid email/);
    assert.match(rows[1]![3]!, /not a valid date/);
    await c.shot('imports-result');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download rejected rows (CSV)' }).click()]);
    assert.equal(download.suggestedFilename(), 'spring fair rejected rows.csv');
    const csv: string[][] = parse(await readFile((await download.path())!, 'utf8'));
    assert.deepEqual(csv[0], ['row', 'column', 'reason', 'Email', 'First name', 'Birthday', 'Plan', 'VIP']);
    assert.deepEqual(csv.slice(1).map((r) => [r[0], r[1], r[3], r[5]]), [['3', 'Email', 'bob@example', '1985-01-02'], ['4', 'Birthday', 'cy@example.com', 'not a date']]);
  });

  test('the API has the good rows as profiles, with the list, the tags and the attributes', async () => {
    const inList = await s.call('GET', `/v1/profiles?list=${encodeURIComponent('Spring fair')}&limit=50`);
    assert.equal(inList.status, 200, JSON.stringify(inList.body));
    assert.equal(inList.body.total, 3);
    const byEmail = new Map<string, any>();
    for (const p of inList.body.data) byEmail.set(p.attributes.email, (await s.call('GET', `/v1/profiles/${p.id}`)).body);
    assert.deepEqual([...byEmail.keys()].sort(), ['ann@example.com', 'di@example.com', 'ed@example.com']);
    const ann = byEmail.get('ann@example.com');
    assert.deepEqual([ann.attributes.first_name, ann.attributes.birthdate, ann.attributes.plan], ['Ann', '1990-05-17', 'gold']);
    assert.ok(ann.tags.includes('fair-2026') && ann.tags.includes('VIP'), JSON.stringify(ann.tags));
    assert.ok(ann.tags.some((t: string) => t.startsWith('import ')), 'the default tag');
    assert.ok(!byEmail.get('di@example.com').tags.includes('VIP'), 'an empty VIP cell adds no tag');
    assert.ok(byEmail.get('ed@example.com').tags.includes('VIP'), '"x" is a yes');
    const attrs = (await s.call('GET', '/v1/attributes')).body.data;
    assert.equal(attrs.find((a: any) => a.name === 'plan').type, 'string');
    const bob = await s.call('GET', '/v1/profiles?q=bob');
    assert.equal(bob.body.data.length, 0, 'a rejected row made no profile');
  });

  test('the history lists the import; it opens again at its result, also at phone width', async () => {
    const list = (await s.call('GET', '/v1/imports')).body.data;
    assert.deepEqual(list.map((i: any) => [i.id, i.status, i.counts.created, i.counts.rejected]), [[importId, 'done', 3, 2]]);

    await page.getByRole('link', { name: '← All imports' }).click();
    await page.getByRole('heading', { name: 'Imports' }).waitFor();
    const row = page.locator('table tbody tr').filter({ hasText: 'spring fair.csv' });
    await row.getByText('Done').waitFor();
    assert.match(await row.innerText(), /\b5\b[\s\S]*\b3\b[\s\S]*\b2\b/);
    await row.getByRole('button', { name: 'Rejected rows (CSV)' }).waitFor();
    await row.getByRole('link', { name: 'spring fair.csv' }).click();
    await page.getByRole('heading', { name: 'Imported' }).waitFor();

    // At phone width every step fits the screen: the result, the history, the upload and the mapping.
    const second = await upload({ url: `${s.url}/v1/imports`, key: s.apiKey, file: { name: 'second.csv', data: CSV } });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const phone = await c.newPage({ width: 390, height: 844 });
    await c.signIn(phone, 'admin@example.com');
    const fits = async (path: string, heading: string) => {
      await phone.goto(`${s.url}${path}`);
      await phone.getByRole('heading', { name: heading }).waitFor();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${path} is ${overflow}px wider than a phone`);
    };
    await fits(`/imports/${importId}`, 'Rejected rows (2)');
    await fits('/imports', 'Imports');
    await fits('/imports/new', 'Choose a file');
    await fits(`/imports/${second.body.id}`, 'Map the columns');
    await phone.close();
    secondId = second.body.id;
  });

  test('a running import is cancelled from its page; the worker then leaves it alone', async () => {
    await page.goto(`${s.url}/imports/${secondId}`);
    await page.getByRole('button', { name: 'Import 5 rows' }).click();
    await page.getByRole('heading', { name: 'Importing…' }).waitFor();
    await page.getByRole('button', { name: 'Cancel import' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this import?' });
    await dialog.getByText('The rows already imported stay').waitFor();
    await dialog.getByRole('button', { name: 'Cancel import' }).click();
    await page.getByRole('heading', { name: 'Cancelled', exact: true }).waitFor();
    assert.equal(await worker().runOne(), false, 'nothing left to run');
    const after = (await s.call('GET', `/v1/imports/${secondId}`)).body;
    assert.deepEqual([after.status, after.counts.read], ['cancelled', 0]);
    assert.deepEqual(c.problems, []);
  });
});
