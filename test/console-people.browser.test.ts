/**
 * People in a real browser (see console-browser.ts): a filter's "select all N that match" adds every match
 * to a list (one request) or tags them (more than one page of them, over this server's lowered sync limit:
 * a background job whose progress shows) and exports them all; a profile lists its segments from
 * GET /v1/profiles/{id}/segments with "why?" on demand; a segment's size chart draws from its history;
 * People fits a phone.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Loop } from '../src/workers/loop.ts';
import { openConsole, PASSWORD, skipBrowser, type ConsoleSession } from './console-browser.ts';
import { startServer, type TestServer } from './http.ts';

/** More UK profiles than one page of the table (50), so "all that match" is more than what is shown. */
const UK = 55;
const ELSEWHERE = 15;
/** Bulk changes over this many profiles become a job here: the 15 French are one request, the 55 Britons a job. */
const SYNC_LIMIT = 20;

describe('People, profiles and segment charts in Chromium', { skip: skipBrowser }, () => {
  let s: TestServer;
  let c: ConsoleSession;
  let page: Page;
  const uk = new Set<string>();
  const fr = new Set<string>();
  let jobs: Loop | undefined;
  const seg: Record<string, string> = {};

  before(async () => {
    s = await startServer('pglite', { limits: { bulkSyncLimit: SYNC_LIMIT } });
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'editor@example.com', password: PASSWORD, role: 'editor' });
    for (let i = 0; i < UK + ELSEWHERE; i++) {
      // Interleaved (11 of every 14 in the UK), so the French are spread over the id order.
      const home = i % 14 < 11 ? { city: 'Leeds', country: 'UK' } : { city: 'Lyon', country: 'FR' };
      const res = await s.call('POST', '/v1/profiles', {
        externalId: `p${i}`, email: `person${i}@example.com`, attributes: { first_name: `Person${i}`, last_name: home.country === 'UK' ? 'Briton' : 'Lyonnais', ...home },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      (home.country === 'UK' ? uk : fr).add(res.body.id);
    }
    assert.equal(uk.size, UK, 'the seed has the intended split');
    for (const [name, rule] of [['UK people', { attribute: 'country', op: 'is', value: 'UK' }], ['Leeds', { attribute: 'city', op: 'is', value: 'Leeds' }]] as const) {
      seg[name] = (await s.call('POST', '/v1/segments', { name, rule })).body.id;
    }
    // The worker builds both (a transition log for the chart, stored rows for the profile); an hour later
    // one more segment is made and not built, so the profile page shows a live answer too.
    await s.services.membership.drain();
    s.clock.advance(3_600_000);
    seg.Named = (await s.call('POST', '/v1/segments', { name: 'Named Person', rule: { attribute: 'first_name', op: 'starts_with', value: 'Person' } })).body.id;

    c = await openConsole(s);
    page = c.page;
  });
  after(async () => {
    await jobs?.stop();
    await c?.close();
    await s?.close();
  });

  /** The ids of the profiles a quick filter of the API selects. */
  const idsWith = async (filter: string): Promise<Set<string>> => {
    const res = await s.call('GET', `/v1/profiles?${filter}&limit=500`);
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, res.body.total);
    return new Set(res.body.data.map((p: { id: string }) => p.id));
  };

  test('filter by country, select all that match, add them to a list: exactly the French are in it', async () => {
    await c.signIn(page, 'editor@example.com');
    await page.getByText(`${UK + ELSEWHERE} profiles`).waitFor();
    await page.getByLabel('country').fill('FR');
    await page.getByLabel('country').press('Enter');
    await page.getByText(`${ELSEWHERE} match these filters`).waitFor();
    await page.getByRole('button', { name: `Select all ${ELSEWHERE} that match` }).click();
    const bar = page.getByRole('region', { name: 'Selected profiles' });
    await bar.getByText(`All ${ELSEWHERE} that match selected`).waitFor();
    await bar.getByLabel('List to add to').fill('France');
    await bar.getByRole('button', { name: 'Add to list' }).click();
    await page.getByText(`Added to "France": ${ELSEWHERE} profile(s)`).waitFor();
    assert.deepEqual(await idsWith('list=France'), fr);
  });

  test('filter by country UK, select all that match (more than a page), tag them: a job, its progress, then exactly the UK profiles have the tag', async () => {
    await page.getByLabel('country').fill('UK');
    await page.getByLabel('country').press('Enter');
    await page.getByText(`${UK} match these filters`).waitFor();
    assert.equal(await page.getByRole('row', { name: /Lyonnais/ }).count(), 0);
    assert.equal(await page.getByRole('table', { name: 'People' }).locator('tbody tr').count(), 50, 'one page of the table');
    await page.getByRole('button', { name: `Select all ${UK} that match` }).click();
    const bar = page.getByRole('region', { name: 'Selected profiles' });
    await bar.getByText(`All ${UK} that match selected`).waitFor();
    await bar.getByLabel('Tag to add').fill('uk-promo');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    // Over the sync limit: a 202 and a job, whose progress shows until a job worker runs it.
    await page.getByRole('status').filter({ hasText: `Tagged "uk-promo": 0 of ${UK} done` }).waitFor();
    jobs = s.services.jobs.start({ idleMs: 100 });
    await page.getByText(`Tagged "uk-promo": ${UK} profile(s)`).waitFor();
    await page.getByRole('status').filter({ hasText: 'Tagged "uk-promo": ' }).filter({ hasText: ' done' }).waitFor({ state: 'detached' });
    assert.deepEqual(await idsWith('tag=uk-promo'), uk);
  });

  test('export CSV of the whole filter: every match, not one page', async () => {
    await page.getByRole('button', { name: `Select all ${UK} that match` }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('region', { name: 'Selected profiles' }).getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'people.csv');
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    assert.match(lines[0]!, /^id,external_id,email/);
    assert.equal(lines.length - 1, UK);
    assert.deepEqual(new Set(lines.slice(1).map((l) => l.split(',')[0])), uk);
    await page.getByRole('region', { name: 'Selected profiles' }).getByRole('button', { name: 'Clear selection' }).click();
  });

  test('a profile lists its segments (stored with when it entered, and a live one); "why?" explains on demand', async () => {
    const explains: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/explain/')) explains.push(r.url()); });
    await page.getByRole('link', { name: 'Person0 Briton' }).click();
    await page.getByRole('heading', { name: 'Person0 Briton' }).waitFor();
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Segments' }) });
    for (const name of ['UK people', 'Leeds', 'Named Person']) await card.getByRole('link', { name }).waitFor();
    await card.locator('li', { hasText: 'UK people' }).getByText(/^since /).waitFor();
    await card.locator('li', { hasText: 'Named Person' }).getByText('segment building').waitFor();
    assert.equal(explains.length, 0, 'no explain call until "why?" is pressed');

    await card.locator('li', { hasText: 'UK people' }).getByRole('button', { name: 'why?' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('.explain-tree').waitFor();
    assert.ok((await dialog.locator('.tick').count()) >= 1, 'the country condition holds');
    assert.equal(explains.length, 1);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test("a segment's page draws its size over time from the history endpoint", async () => {
    const history = page.waitForResponse((r) => r.url().includes(`/v1/segments/${seg['UK people']}/history`) && r.status() === 200);
    await page.goto(`${s.url}/segments/${seg['UK people']}`);
    await history;
    const chart = page.getByRole('img', { name: `Segment size over time, now ${UK}` });
    await chart.locator('canvas').waitFor();
    const box = await chart.locator('canvas').boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, 'the canvas has a size');
    await page.getByText(`Now ${UK}`).waitFor();
  });

  test('People at phone width: the page does not scroll sideways (the table scrolls in its own box)', async () => {
    const p = await c.newPage({ width: 390, height: 844 });
    await c.signIn(p, 'editor@example.com');
    await p.getByText(`${UK + ELSEWHERE} profiles`).waitFor();
    await p.getByRole('button', { name: `Select all ${UK + ELSEWHERE} that match (everyone)` }).waitFor();
    const sizes = await p.evaluate(() => {
      const wrap = document.querySelector('.table-wrap')!;
      return { page: document.documentElement.scrollWidth, view: window.innerWidth, wrapScroll: getComputedStyle(wrap).overflowX, wrapWidth: wrap.clientWidth };
    });
    assert.ok(sizes.page <= 390, `the page is ${sizes.page}px wide at ${sizes.view}px`);
    assert.equal(sizes.wrapScroll, 'auto');
    assert.ok(sizes.wrapWidth <= 390);
  });

  test('no console errors', () => {
    assert.deepEqual(c.problems, []);
  });
});
