/**
 * `npm run bench -- segments`: preview counts of four rules on a generated dataset (median of 5 after a
 * warm-up), on PostgreSQL and on PGlite, and the per-profile in-memory check (p50/p99 over 10,000
 * profiles). The datasets are kept between runs (a marker says what they hold): PostgreSQL in the
 * database audience_bench_segments, PGlite in a data directory (BENCH_PGLITE_DIR).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';
import { evaluate, membersQuery, parseRule, type Facts, type RuleNode } from '../src/rules/index.ts';
import { loadFacts } from '../src/membership/facts.ts';
import { createServices } from '../src/services.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { databaseExists, databaseUrl, recreateDatabase } from './pg-admin.ts';
import { datasetMarker, generateDataset, specKey, WORKSPACE_ID, type DatasetSpec } from './segments-data.ts';

const PG_DB = 'audience_bench_segments';
const PGLITE_DIR = process.env.BENCH_PGLITE_DIR ?? join(tmpdir(), 'audience-bench-segments-pglite');
const NOW = '2026-03-15T12:00:00Z';
const PG_SPEC: DatasetSpec = { seed: 42, profiles: 1_000_000, events: 10_000_000, now: NOW };
/** PGlite (single-threaded WASM) gets a fifth of the data unless told otherwise: generating 10M events there takes long. */
const PGLITE_SPEC: DatasetSpec = {
  seed: 42,
  profiles: Number(process.env.BENCH_PGLITE_PROFILES ?? 200_000),
  events: Number(process.env.BENCH_PGLITE_EVENTS ?? 2_000_000),
  now: NOW,
};
const RUNS = 5;
const SLOW_MS = 5000;
const MEMORY_PROFILES = 10_000;
/** The earliest instant the rules' event windows look at (30 days before now). */
const WINDOW_START = Date.parse(NOW) - 30 * 86_400_000;

const lo = { attribute: 'city', op: 'starts_with', value: 'Lo' };
const age = [{ attribute: 'age', op: 'gte', value: 25 }, { attribute: 'age', op: 'lte', value: 40 }];
const purchases = { event: 'purchase', count: { op: 'gte', value: 3 }, time: { op: 'within_last', amount: 30, unit: 'day' } };
const launched = { event: 'app_launch', count: { op: 'gte', value: 1 }, time: { op: 'within_last', amount: 30, unit: 'day' } };
const QUERIES = [
  { name: 'Q1 city starts_with "Lo" and age 25–40', rule: { all: [lo, ...age] }, pgTarget: 50 },
  { name: 'Q2 purchase count ≥ 3 in the last 30 days', rule: purchases, pgTarget: 30 },
  { name: 'Q3 Q1 and Q2 and not tag vip', rule: { all: [lo, ...age, purchases, { not: { tag: 'vip' } }] }, pgTarget: 80 },
  { name: 'Q4 not (app_launch ≥ 1 in the last 30 days)', rule: { not: launched }, pgTarget: 250 },
] as const;
const PGLITE_TARGET = 1000;

interface Store {
  label: string;
  spec: DatasetSpec;
  /** Opens the store, generating the dataset when it does not hold this one. */
  open: () => Promise<Db>;
}

interface QueryResult { count: number; countMs: number; previewMs?: number; runs: number }
interface StoreResult { store: Store; queries: QueryResult[]; memory?: { p50: number; p99: number; rule: string; factsMs: number } }

const log = (s: string) => console.log(s);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function ready(db: Db, spec: DatasetSpec, label: string): Promise<Db> {
  if ((await datasetMarker(db)) === specKey(spec)) {
    log(`${label}: reusing the dataset (${specKey(spec)})`);
    // openDb has just applied any new migration to the kept dataset; one that rewrites profiles (014)
    // clears the visibility map the index-only counts rely on, and nothing here waits for autovacuum.
    // On a dataset already vacuumed this skips every page (about a second).
    await db.query('VACUUM (ANALYZE) profiles');
    return db;
  }
  log(`${label}: generating ${spec.profiles.toLocaleString('en-US')} profiles and ${spec.events.toLocaleString('en-US')} events`);
  await generateDataset(db, spec, log);
  return db;
}

/** The PostgreSQL dataset (database audience_bench_segments), generated on first use; the console bench shares it. */
export function postgresStore(): Store {
  const url = databaseUrl(PG_DB);
  const label = `PostgreSQL (${new URL(url).host}/${PG_DB})`;
  return {
    label,
    spec: PG_SPEC,
    open: async () => {
      if (await databaseExists(PG_DB)) {
        const db = await openDb({ kind: 'postgres', url });
        if ((await datasetMarker(db)) === specKey(PG_SPEC)) return ready(db, PG_SPEC, label);
        await db.close();
      }
      return ready(await openDb({ kind: 'postgres', url: await recreateDatabase(PG_DB) }), PG_SPEC, label);
    },
  };
}

function pgliteStore(): Store {
  const label = `PGlite (${PGLITE_DIR})`;
  return {
    label,
    spec: PGLITE_SPEC,
    open: async () => {
      if (existsSync(PGLITE_DIR)) {
        const db = await openDb({ kind: 'pglite', dataDir: PGLITE_DIR });
        if ((await datasetMarker(db)) === specKey(PGLITE_SPEC)) return ready(db, PGLITE_SPEC, label);
        await db.close();
        rmSync(PGLITE_DIR, { recursive: true, force: true });
      }
      mkdirSync(PGLITE_DIR, { recursive: true });
      return ready(await openDb({ kind: 'pglite', dataDir: PGLITE_DIR }), PGLITE_SPEC, label);
    },
  };
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function benchQueries(db: Db): Promise<QueryResult[]> {
  const services = createServices({ db, clock: new ManualClock(NOW) });
  const scope = { workspaceId: WORKSPACE_ID, timezone: 'UTC' };
  const out: QueryResult[] = [];
  for (const q of QUERIES) {
    const node = parseRule(q.rule, { attributeType: () => undefined, segment: () => undefined });
    const sql = membersQuery({ ...scope, node, now: new Date(NOW), mode: 'count' });
    const count = async () => (await db.query<{ count: number }>(sql.sql, sql.params))[0]!.count;
    const warm = await time(count); // warm-up: plans, caches
    // A query far past any target is timed once more, not five times (it would hold the bench for minutes).
    const runs = warm.ms > SLOW_MS ? 1 : RUNS;
    const counts: number[] = [];
    for (let i = 0; i < runs; i++) counts.push((await time(count)).ms);
    // The endpoint itself: parse with the workspace's catalog, count and the 20-profile sample together.
    const previews: number[] = [];
    if (runs === RUNS) {
      await services.segments.preview(scope, q.rule);
      for (let i = 0; i < RUNS; i++) previews.push((await time(() => services.segments.preview(scope, q.rule))).ms);
    }
    const previewMs = previews.length ? median(previews) : undefined;
    out.push({ count: warm.value, countMs: median(counts), previewMs, runs });
    log(`  ${q.name}: ${warm.value.toLocaleString('en-US')} profiles, count ${median(counts).toFixed(1)} ms (${runs} run${runs > 1 ? 's' : ''})` +
      (previewMs !== undefined ? `, preview ${previewMs.toFixed(1)} ms` : ', preview not timed (too slow)'));
  }
  return out;
}

/** Loads the facts of 10,000 profiles spread over the dataset, then times evaluate() of Q3 per profile. */
async function benchMemory(db: Db, spec: DatasetSpec): Promise<StoreResult['memory']> {
  const nodes: RuleNode[] = QUERIES.map((q) => parseRule(q.rule, { attributeType: () => undefined, segment: () => undefined }));
  const step = Math.max(1, Math.floor(spec.profiles / MEMORY_PROFILES));
  const ids = Array.from({ length: Math.min(MEMORY_PROFILES, spec.profiles) }, (_, i) => `01900000-0000-7000-8000-${(1 + i * step).toString(16).padStart(12, '0')}`);
  // Loaded as the membership worker loads them: in batches, events of the rules' names in their windows.
  const needs = { tags: true, lists: false, consent: false, dnc: false, events: new Map([['app_launch', WINDOW_START], ['purchase', WINDOW_START]]) };
  const facts: Facts[] = [];
  const t = performance.now();
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = await loadFacts(db, { workspaceId: WORKSPACE_ID, profileIds: ids.slice(i, i + 1000), needs });
    facts.push(...batch.values());
  }
  const factsMs = (performance.now() - t) / ids.length;
  const ctx = { now: new Date(NOW), timezone: 'UTC' };
  const q3 = nodes[2]!;
  for (const f of facts) for (const n of nodes) evaluate(n, f, ctx); // warm-up: JIT, compiled closures
  const ns: number[] = [];
  let matches = 0;
  for (const f of facts) {
    const t0 = process.hrtime.bigint();
    if (evaluate(q3, f, ctx)) matches++;
    ns.push(Number(process.hrtime.bigint() - t0));
  }
  ns.sort((a, b) => a - b);
  log(`  in memory: ${facts.length.toLocaleString('en-US')} profiles, Q3 p50 ${(pct(ns, 50) / 1000).toFixed(2)} µs, p99 ${(pct(ns, 99) / 1000).toFixed(2)} µs (facts loaded in batches of 1,000: ${factsMs.toFixed(3)} ms/profile; ${matches} match Q3)`);
  return { p50: pct(ns, 50) / 1000, p99: pct(ns, 99) / 1000, rule: 'Q3', factsMs };
}

function printTable(results: StoreResult[]): void {
  const rows: string[][] = [['', ...results.flatMap((r) => [`${r.store.label.split(' ')[0]} count`, 'preview', 'target'])]];
  QUERIES.forEach((q, i) => {
    rows.push([q.name, ...results.flatMap((r) => {
      const target = r.store.label.startsWith('PostgreSQL') ? q.pgTarget : PGLITE_TARGET;
      const x = r.queries[i]!;
      return [`${x.countMs.toFixed(1)} ms${x.runs < RUNS ? ' (1 run)' : ''}${x.countMs <= target ? '' : ' MISS'}`, x.previewMs === undefined ? '—' : `${x.previewMs.toFixed(1)} ms`, `≤ ${target} ms`];
    })]);
  });
  rows.push(['in-memory check Q3, p50 / p99', ...results.flatMap((r) => r.memory
    ? [`${r.memory.p50.toFixed(2)} / ${r.memory.p99.toFixed(2)} µs${r.memory.p99 <= 50 ? '' : ' MISS'}`, '', 'p99 ≤ 50 µs'] : ['', '', ''])]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log('');
  for (const r of results) console.log(`${r.store.label}: ${r.store.spec.profiles.toLocaleString('en-US')} profiles, ${r.store.spec.events.toLocaleString('en-US')} events; matches ${r.queries.map((q) => q.count.toLocaleString('en-US')).join(' / ')}`);
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
}

/** `only`: 'postgres' or 'pglite' to run one store. */
export async function runSegmentsBench(only?: string): Promise<void> {
  // Timings on a shared machine mean little without its load: print it.
  console.log(`segments bench: Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; now = ${NOW}; median of ${RUNS} after a warm-up`);
  const results: StoreResult[] = [];
  for (const store of [postgresStore(), pgliteStore()]) {
    if (only && !store.label.toLowerCase().startsWith(only.toLowerCase())) continue;
    let db: Db;
    try {
      db = await store.open();
    } catch (err) {
      log(`${store.label}: skipped (${(err as Error).message})`);
      continue;
    }
    try {
      log(`${store.label}:`);
      const queries = await benchQueries(db);
      // The in-memory check does not depend on the store: it runs once, on the first one.
      const memory = results.length === 0 ? await benchMemory(db, store.spec) : undefined;
      results.push({ store, queries, memory });
    } finally {
      await db.close();
    }
  }
  printTable(results);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}
