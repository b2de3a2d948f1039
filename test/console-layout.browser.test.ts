/**
 * Every main page of the console at desktop (1280 px) and phone (390 px) width: it renders its heading,
 * the page itself never scrolls sideways (wide tables scroll inside their own box), the main navigation
 * is reachable with the keyboard alone, and no page logs an error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openConsole, PASSWORD, skipBrowser, type ConsoleSession } from './console-browser.ts';
import { startServer, type TestServer } from './http.ts';

describe('console layout at desktop and phone width', { skip: skipBrowser }, () => {
  let s: TestServer;
  let c: ConsoleSession;
  const pages: [path: string, heading: string | RegExp][] = [];

  before(async () => {
    s = await startServer('pglite');
    await s.services.users.create({ workspaceId: s.workspaceId, email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    const p = await s.call('POST', '/v1/profiles', {
      externalId: 'u1', email: 'a.very.long.address.that.could.widen.a.phone.page@example.com',
      attributes: { first_name: 'Ann', last_name: 'Lee', city: 'London', country: 'UK' },
    });
    await s.call('POST', '/v1/track', { userId: 'u1', event: 'purchase', properties: { amount: 40 } });
    const seg = await s.call('POST', '/v1/segments', { name: 'Londoners', rule: { attribute: 'city', op: 'is', value: 'London' } });
    const list = await s.call('POST', '/v1/lists', { name: 'Newsletter' });
    pages.push(
      ['/people', 'People'], [`/people/${p.body.id}`, 'Ann Lee'], ['/segments', 'Segments'], ['/segments/new', /segment/i],
      [`/segments/${seg.body.id}`, 'Londoners'], ['/tags', 'Tags'], ['/lists', 'Lists'], [`/lists/${list.body.id}`, 'Newsletter'],
      ['/imports', 'Imports'], ['/dnc', 'Do-Not-Contact'], ['/settings', 'Settings'],
    );
    c = await openConsole(s);
  });
  after(async () => {
    await c?.close();
    await s?.close();
  });

  /** How far the page is wider than the window (0 when it fits). */
  const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  /** The texts that reach past the window's right edge outside a box that scrolls (for the failure message). */
  const culprits = (p: Page) => p.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n && out.length < 5; n = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(n);
      if (range.getBoundingClientRect().right <= document.documentElement.clientWidth) continue;
      let scrolls = false;
      for (let a = n.parentElement; a && !scrolls; a = a.parentElement) scrolls = ['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX);
      if (!scrolls) out.push(`"${(n.textContent ?? '').slice(0, 40)}" in <${n.parentElement?.tagName.toLowerCase()} class="${n.parentElement?.className}">`);
    }
    return out.join(', ');
  });

  for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
    test(`every main page renders at ${label} width without widening the page`, async () => {
      const p = await c.newPage(viewport);
      await c.signIn(p, 'admin@example.com');
      for (const [path, heading] of pages) {
        await p.goto(`${s.url}${path}`);
        await p.getByRole('heading', { name: heading }).first().waitFor();
        await p.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
        const wider = await overflow(p);
        assert.ok(wider <= 1, `${path} at ${viewport.width} px is ${wider} px wider than the window: ${await culprits(p)}`);
      }
      await p.context().close();
    });
  }

  test('the main navigation is reachable with the keyboard', async () => {
    const p = await c.newPage();
    await c.signIn(p, 'admin@example.com');
    const reached: string[] = [];
    for (let i = 0; i < 20 && !reached.includes('Settings'); i++) {
      await p.keyboard.press('Tab');
      reached.push(await p.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.closest('nav[aria-label="Main"]') ? el.textContent ?? '' : '';
      }));
    }
    for (const name of ['People', 'Segments', 'Tags', 'Lists', 'Imports', 'Do-Not-Contact', 'Settings']) assert.ok(reached.includes(name), `Tab reaches ${name} (reached: ${reached.filter(Boolean).join(', ')})`);
    // Back to Segments with Shift+Tab, then Enter opens it.
    for (let i = reached.lastIndexOf('Settings'); i > reached.indexOf('Segments'); i--) await p.keyboard.press('Shift+Tab');
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Segments' }).first().waitFor();
    assert.equal(new URL(p.url()).pathname, '/segments');
    await p.context().close();
    assert.deepEqual(c.problems, [], 'no console or page errors');
  });
});
