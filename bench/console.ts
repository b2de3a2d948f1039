/**
 * `npm run bench -- console`: the web console on the segments bench's PostgreSQL dataset (1M profiles,
 * 10M events; generated on first use and kept, see segments.ts), served by the real HTTP app, driven by
 * Debian's Chromium (playwright-core), headless:
 *
 * - time to interactive of People and Segments: navigation start → the page usable (People: table rows
 *   and the total count shown; Segments: rows with their member counts), seen by a MutationObserver in
 *   the page (console-probes.ts). Cold: a new browser context (empty cache) each run; warm: the same
 *   page loaded again (scripts cached, server warm).
 * - preview round trip while typing a rule in the segment builder: a city prefix typed a character at a
 *   time (120 ms apart, faster than the builder's 300 ms debounce, so the last key triggers the request),
 *   timed from fetch called to the count for that rule on screen, and from the last key to the same.
 * - the JavaScript the browser loads for a cold /people, gzipped (level 9, as a server or CDN would).
 *
 * The server runs in this process (as test/http.ts starts one) with a clock fixed at the dataset's `now`
 * and no background workers. Segment member counts come from the stored membership once the membership
 * worker has built the segments, else from the bulk query (counted live on every list request): the
 * bench says which. `npm run bench -- console build` first lets the worker build them (once: the
 * builds stay in the database), which is the state of a server that has run for a minute or two.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { CHROMIUM, ensureConsoleBuilt, PASSWORD } from '../test/console-browser.ts';
import { PROBES } from './console-probes.ts';
import { WORKSPACE_ID } from './segments-data.ts';
import { postgresStore } from './segments.ts';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 10);
const EMAIL = 'console-bench@example.com';
const TARGET = { loadMs: 1500, previewMs: 300, jsKb: 300 };
/** Prefixes of the dataset's cities, each matching a different number of profiles (the count changes every time). */
const PREFIXES = ['Lon', 'Par', 'Ber', 'Mad', 'Los', 'Rom', 'Lis', 'Ams', 'Lyo', 'Vie', 'Lod', 'Mun', 'Mil', 'Pra', 'Dub', 'War', 'Bru', 'Osl', 'Sto', 'Cop'];
const KEY_DELAY_MS = 120;
const DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

const log = (s: string) => console.log(s);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile. */
const pct = (xs: number[], p: number) => sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** When a resource's request started and its response ended, ms since navigation start. */
interface Span { start: number; end: number }
interface Timings { cold: number[]; warm: number[]; api: Map<string, number[]>; waterfall: Map<string, Span[]> }

/** Times `path` loading: `runs` cold loads (each in a new context) each followed by a warm one. */
async function timeLoads(browser: Browser, open: () => Promise<BrowserContext>, url: string, path: string, runs: number): Promise<Timings & { scripts: Map<string, Buffer> }> {
  const out: Timings & { scripts: Map<string, Buffer> } = { cold: [], warm: [], api: new Map(), waterfall: new Map(), scripts: new Map() };
  for (let i = 0; i < runs; i++) {
    const context = await open();
    const page = await context.newPage();
    // Time of each API call of the cold load (request sent → response headers; Fastify writes a JSON
    // answer at once, so this is the server's time plus the wait for a connection), by method and path.
    const coldCalls = new Set<Request>();
    let cold = true;
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (r) => { if (cold && r.request().resourceType() === 'script') scripts.set(new URL(r.url()).pathname, r.body()); });
    page.on('request', (req) => { if (cold && new URL(req.url()).pathname.startsWith('/v1/')) coldCalls.add(req); });
    page.on('response', (res) => {
      const req = res.request();
      if (!coldCalls.has(req)) return;
      const key = `${req.method()} ${new URL(req.url()).pathname}`;
      out.api.set(key, [...(out.api.get(key) ?? []), req.timing().responseStart - req.timing().requestStart]);
    });
    out.cold.push(await readyAt(page, url + path));
    for (const [name, span] of await waterfall(page)) out.waterfall.set(name, [...(out.waterfall.get(name) ?? []), span]);
    cold = false;
    out.warm.push(await readyAt(page, url + path));
    if (i === 0) for (const [path, body] of scripts) out.scripts.set(path, await body);
    await context.close();
  }
  return out;
}

async function readyAt(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const t = await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready, undefined, { timeout: 60_000, polling: 50 });
  return (await t.jsonValue()) as number;
}

/** The page's document, scripts and API calls (the first of each path), from the Resource Timing API. */
async function waterfall(page: Page): Promise<Map<string, Span>> {
  const entries = await page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map((e) => ({ name: new URL(e.name).pathname, start: e.startTime, end: (e as PerformanceResourceTiming).responseEnd })));
  const out = new Map<string, Span>();
  for (const e of entries) {
    const name = e.name.startsWith('/assets/') ? (e.name.endsWith('.js') ? 'JS' : 'CSS') : e.name.startsWith('/v1/') ? e.name : 'HTML';
    if (!out.has(name)) out.set(name, { start: e.start, end: e.end });
  }
  return out;
}

interface PreviewSample { value: string; count: number; keyMs: number; roundTripMs: number; serverMs: number }

/** Types each prefix into a "city starts with" condition and times its count onto the screen. */
async function timePreview(page: Page, url: string): Promise<PreviewSample[]> {
  await page.goto(`${url}/segments/new`);
  await page.getByTestId('preview-count').filter({ hasText: /^\d/ }).waitFor({ timeout: 60_000 });
  await page.getByLabel('Add a condition').selectOption('attribute');
  await page.getByLabel('Attribute', { exact: true }).selectOption('city');
  await page.getByLabel('Operator').selectOption('starts_with');
  const input = page.getByLabel('Value', { exact: true });
  const samples: PreviewSample[] = [];
  for (const value of PREFIXES) {
    await input.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(value, { delay: KEY_DELAY_MS });
    // The request for the full value, answered, and then the count it holds shown with no "updating…".
    const handle = await page.waitForFunction((v) => {
      const w = window as unknown as {
        __keys: number[]; __previews: { rule: { all: { value?: string }[] }; start: number; end?: number; count?: number }[];
        __counts: { t: number; text: string }[];
      };
      const req = w.__previews.findLast((p) => p.rule.all?.[0]?.value === v);
      if (req?.end === undefined) return undefined;
      const shown = new Intl.NumberFormat().format(req.count!);
      const seen = w.__counts.find((c) => c.t >= req.end! && c.text.startsWith(shown) && !c.text.includes('updating'));
      if (!seen) return undefined;
      return { key: w.__keys.filter((k) => k <= req.start).at(-1)!, start: req.start, end: req.end, shown: seen.t, count: req.count! };
    }, value, { timeout: 60_000, polling: 50 });
    const r = (await handle.jsonValue()) as { key: number; start: number; end: number; shown: number; count: number };
    samples.push({ value, count: r.count, keyMs: r.shown - r.key, roundTripMs: r.shown - r.start, serverMs: r.end - r.start });
  }
  return samples;
}

/** Gzipped and raw size of the scripts a page loaded, as received. */
function scriptSizes(scripts: Map<string, Buffer>): { gzip: number; raw: number; files: { path: string; gzip: number }[] } {
  const files = [...scripts].map(([path, body]) => ({ path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }));
  return { gzip: files.reduce((s, f) => s + f.gzip, 0), raw: files.reduce((s, f) => s + f.raw, 0), files };
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
}

const ms = (x: number) => `${Math.round(x)} ms`;
const verdict = (x: number, target: number) => (x <= target ? 'ok' : 'MISS');

/** `build`: first let the membership worker build every segment (the state of a server that has run a while). */
export async function runConsoleBench(mode?: string): Promise<void> {
  log(`console bench: Node ${process.version}, ${cpus().length} cores, load average ${load()}; ${RUNS} runs per page`);
  ensureConsoleBuilt();
  // A private copy of the built console: test suites running meanwhile may rebuild web/dist under the server.
  const consoleDir = mkdtempSync(join(tmpdir(), 'audience-console-bench-'));
  cpSync(DIST, consoleDir, { recursive: true });
  const store = postgresStore();
  const db = await store.open();
  const services = createServices({ db, clock: new ManualClock(store.spec.now) });
  const app = await buildApp({ services, logger: false, consoleDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  if (mode === 'build') {
    const t = performance.now();
    const r = await services.membership.drain({ maxSteps: 100_000 });
    log(`membership worker: segments built in ${((performance.now() - t) / 1000).toFixed(0)} s (${r.transitions.toLocaleString('en-US')} transitions)${r.more ? ', NOT finished' : ''}`);
  }
  const listed = await services.segments.list({ workspaceId: WORKSPACE_ID, timezone: 'UTC', sort: 'name', desc: false, limit: 500 });
  const counts = `segments: ${listed.data.map((v) => `${v.name} ${v.member_count.toLocaleString('en-US')} (${v.status === 'ready' ? 'stored count' : 'counted live'})`).join(', ')}`;
  log(counts);
  if (!(await services.users.list(WORKSPACE_ID)).some((u) => u.email === EMAIL)) {
    await services.users.create({ workspaceId: WORKSPACE_ID, email: EMAIL, password: PASSWORD, role: 'admin' });
  }
  // One sign-in; each cold context gets its cookie (signing in per context would meet the sign-in rate limit).
  const res = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  const cookie = /^([^=]+)=([^;]*)/.exec(res.headers.get('set-cookie') ?? '');
  if (!res.ok || !cookie) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const open = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: cookie[1]!, value: cookie[2]!, url }]);
    await context.addInitScript({ content: PROBES });
    return context;
  };
  try {
    log(`server at ${url}; timing /people`);
    const people = await timeLoads(browser, open, url, '/people', RUNS);
    log(`timing /segments (load average ${load()})`);
    const segments = await timeLoads(browser, open, url, '/segments', RUNS);
    log(`timing the builder's preview (load average ${load()})`);
    const context = await open();
    const preview = await timePreview(await context.newPage(), url);
    await context.close();
    const js = scriptSizes(people.scripts);

    console.log('');
    const rows = [['', 'median', 'p95', 'target', '']];
    for (const [name, t] of [['People', people], ['Segments', segments]] as const) {
      rows.push([`${name} time to interactive, cold`, ms(pct(t.cold, 50)), ms(pct(t.cold, 95)), `≤ ${TARGET.loadMs} ms`, verdict(pct(t.cold, 95), TARGET.loadMs)]);
      rows.push([`${name} time to interactive, warm`, ms(pct(t.warm, 50)), ms(pct(t.warm, 95)), `≤ ${TARGET.loadMs} ms`, verdict(pct(t.warm, 95), TARGET.loadMs)]);
    }
    const trip = preview.map((p) => p.roundTripMs);
    rows.push(['Preview: request → count shown', ms(pct(trip, 50)), ms(pct(trip, 95)), `p95 ≤ ${TARGET.previewMs} ms`, verdict(pct(trip, 95), TARGET.previewMs)]);
    rows.push(['Preview: server answer (fetch → body read)', ms(pct(preview.map((p) => p.serverMs), 50)), ms(pct(preview.map((p) => p.serverMs), 95)), '', '']);
    rows.push(['Preview: last key → count shown (with 300 ms debounce)', ms(pct(preview.map((p) => p.keyMs), 50)), ms(pct(preview.map((p) => p.keyMs), 95)), '', '']);
    rows.push([`First-page JS for /people (${js.files.length} files), gzipped`, `${(js.gzip / 1024).toFixed(1)} kB`, '', `≤ ${TARGET.jsKb} kB`, verdict(js.gzip / 1024, TARGET.jsKb)]);
    printTable(rows);
    console.log(`\nscripts loaded by a cold /people (raw ${(js.raw / 1024).toFixed(1)} kB): ${js.files.map((f) => `${f.path} ${(f.gzip / 1024).toFixed(1)} kB`).join(', ')}`);
    console.log(`preview samples (city starts with …): ${preview.map((p) => `${p.value} ${p.count.toLocaleString('en-US')} in ${Math.round(p.roundTripMs)} ms`).join(', ')}`);
    for (const [name, t] of [['People', people], ['Segments', segments]] as const) {
      const calls = [...t.api].map(([k, v]) => [k, pct(v, 50)] as const).sort((a, b) => b[1] - a[1]);
      console.log(`${name} cold load, API calls by median time: ${calls.map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
      const steps = [...t.waterfall].map(([k, v]) => [k, pct(v.map((x) => x.start), 50), pct(v.map((x) => x.end), 50)] as const).sort((a, b) => a[1] - b[1]);
      console.log(`${name} cold load, medians since navigation start (request start–response end): ${steps.map(([k, a, b]) => `${k} ${Math.round(a)}–${Math.round(b)}`).join(', ')}; usable ${ms(pct(t.cold, 50))}`);
    }
    console.log(counts);
    console.log(`load average at the end: ${load()}`);
  } finally {
    await browser.close();
    await app.close();
    await db.close();
    rmSync(consoleDir, { recursive: true, force: true });
  }
}
