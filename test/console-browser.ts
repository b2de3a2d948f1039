/**
 * What every browser test of the console shares: Debian's Chromium driven by playwright-core, a console
 * built from the current sources, a watcher that collects console and page errors, sign-in and
 * screenshots. Each page's suite is its own file (test/console-*.browser.test.ts) with its own server.
 * Without /usr/bin/chromium the suites are skipped with a message, except under CI=true where they fail.
 * AUDIENCE_SCREENSHOTS=1 saves screenshots under docs/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestServer } from './http.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHOTS = process.env.AUDIENCE_SCREENSHOTS ? join(ROOT, 'docs/screenshots') : undefined;
export const PASSWORD = 'console password';

if (!existsSync(CHROMIUM) && process.env.CI === 'true') {
  throw new Error(`${CHROMIUM} is missing; CI installs it (apt-get install -y chromium in .ci/run)`);
}
/** The `skip` option of a browser suite. */
export const skipBrowser: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium); skipped (it fails under CI=true)`;

/**
 * Builds web/dist when it is missing or older than a source file, so a test never runs a stale console.
 * Builds into a folder of its own and swaps it in, so suites running side by side never serve a half-built one.
 */
export function ensureConsoleBuilt(): void {
  const built = join(ROOT, 'web/dist/index.html');
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
  const sources = Math.max(newest(join(ROOT, 'web/src')), statSync(join(ROOT, 'web/index.html')).mtimeMs, statSync(join(ROOT, 'web/vite.config.ts')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  // One build at a time across the suites running side by side: the others wait for it, then find it fresh.
  const lock = join(ROOT, 'web/.dist-build-lock');
  try {
    mkdirSync(lock);
  } catch {
    const waitUntil = Date.now() + 300_000;
    while (existsSync(lock) && Date.now() < waitUntil) execFileSync('sleep', ['0.5']);
    rmSync(lock, { recursive: true, force: true });
    return ensureConsoleBuilt();
  }
  try {
    build(ROOT);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function build(ROOT: string): void {
  const out = join(ROOT, `web/dist.build-${process.pid}`);
  const old = join(ROOT, `web/dist.old-${process.pid}`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'web', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir'], { cwd: ROOT, stdio: 'inherit' });
  if (existsSync(join(ROOT, 'web/dist'))) renameSync(join(ROOT, 'web/dist'), old);
  renameSync(out, join(ROOT, 'web/dist'));
  rmSync(old, { recursive: true, force: true });
}

export interface ConsoleSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (assert it is empty at the end of a suite). */
  problems: string[];
  /** Collects errors of another page (a second context). */
  watch(p: Page): void;
  /** Saves a screenshot of the page (only with AUDIENCE_SCREENSHOTS=1), toasts hidden. */
  shot(name: string, fullPage?: boolean, p?: Page): Promise<void>;
  /** Signs in through the form and waits for People. */
  signIn(p: Page, email: string): Promise<void>;
  /** A new context at a viewport, its page watched. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches Chromium at 1280×900 with one page. `expectedStatuses` are HTTP statuses a suite causes on
 * purpose (Chromium logs every refused request as a console error); other console errors are problems.
 */
export async function openConsole(s: TestServer, opts: { expectedStatuses?: number[] } = {}): Promise<ConsoleSession> {
  ensureConsoleBuilt();
  const expected = new RegExp(`status of (${(opts.expectedStatuses ?? [401]).join('|')})`);
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error' && !expected.test(m.text())) problems.push(`console error: ${m.text()}`);
    });
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  const newPage = async (viewport = { width: 1280, height: 900 }) => {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const p = await context.newPage();
    watch(p);
    return p;
  };
  const page = await newPage();
  return {
    browser, context: contexts[0]!, page, problems, watch, newPage,
    async shot(name, fullPage = true, p = page) {
      if (!SHOTS) return;
      mkdirSync(SHOTS, { recursive: true });
      // Passing confirmations ("Tagged …") would cover the page.
      const toasts = (visibility: string) => p.evaluate((v) => document.querySelector<HTMLElement>('.toasts')?.style.setProperty('visibility', v), visibility);
      await toasts('hidden');
      await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
      await toasts('visible');
    },
    async signIn(p, email) {
      await p.goto(`${s.url}/people`);
      await p.getByLabel('Email').fill(email);
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('heading', { name: 'People' }).waitFor();
    },
    async close() {
      await browser.close();
    },
  };
}

// Built when a suite imports this module, before its server starts: a server only serves a console
// that existed when it started.
if (!skipBrowser) ensureConsoleBuilt();
