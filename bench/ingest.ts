/**
 * `npm run bench -- ingest`: events/s of POST /v1/batch (1,000 events a batch, over HTTP, a few
 * concurrent clients) and the latency of single POST /v1/track, on PGlite and on PostgreSQL.
 * The server runs in this process; the clients run in a worker thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import type { LoadJob, LoadResult } from './load.ts';
import { ADMIN_URL, dropDatabase, recreateDatabase } from './pg-admin.ts';

const BATCHES = 50;
const BATCH_SIZE = 1000;
const USERS = 10_000;
const CLIENTS = 4;
const TRACKS = 2000;
const BENCH_DB = 'audience_bench';

interface Store {
  label: string;
  /** events/s the issue asks for on the project's 2-core machine. */
  target: number;
  open: () => Promise<Db>;
  cleanup: () => Promise<void>;
}

function pgliteStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'audience-bench-'));
  return {
    label: 'PGlite (temp dir)',
    target: 15_000,
    open: () => openDb({ kind: 'pglite', dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresStore(): Store {
  return {
    label: `PostgreSQL (${new URL(ADMIN_URL).host}/${BENCH_DB})`,
    target: 20_000,
    open: async () => openDb({ kind: 'postgres', url: await recreateDatabase(BENCH_DB) }),
    cleanup: () => dropDatabase(BENCH_DB),
  };
}

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // A worker runs JavaScript: register tsx in it, then import the TypeScript load generator.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./load.ts', import.meta.url).href)}); })`;
    const w = new Worker(boot, { eval: true, workerData: job });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function benchStore(store: Store): Promise<void> {
  const db = await store.open();
  const services = createServices({ db, clock: systemClock });
  const app = await buildApp({ services, logger: false });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const { apiKey: key } = await services.workspaces.create({ name: 'Bench' });
    const base = { url, key, batchSize: BATCH_SIZE, users: USERS };

    await load({ ...base, mode: 'batch', requests: 4, concurrency: 2, seed: 1 }); // warm-up: JIT, plans, first profiles
    const b = await load({ ...base, mode: 'batch', requests: BATCHES, concurrency: CLIENTS, seed: 2 });
    const bl = [...b.latencies].sort((x, y) => x - y);
    console.log(`${store.label}: POST /v1/batch  ${BATCHES} x ${fmt(BATCH_SIZE)} events, ${fmt(USERS)} users, ${CLIENTS} clients: ` +
      `${fmt(b.stored)} stored in ${fmt(b.ms / 1000, 2)} s = ${fmt(b.stored / (b.ms / 1000))} events/s (target ${fmt(store.target)}) ` +
      `(batch p50 ${fmt(pct(bl, 50))} ms, p99 ${fmt(pct(bl, 99))} ms${b.failed ? `, ${b.failed} NOT stored` : ''})`);

    const t = await load({ ...base, mode: 'track', requests: TRACKS, concurrency: 1, seed: 3 });
    const tl = [...t.latencies].sort((x, y) => x - y);
    console.log(`${store.label}: POST /v1/track  ${fmt(TRACKS)} single requests, one at a time: ` +
      `p50 ${fmt(pct(tl, 50), 2)} ms, p99 ${fmt(pct(tl, 99), 2)} ms${t.failed ? `, ${t.failed} NOT stored` : ''}`);
  } finally {
    await app.close();
    await db.close();
    await store.cleanup();
  }
}

/** `only`: 'pglite' or 'postgres' to run one store. */
export async function runIngestBench(only?: string): Promise<void> {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`ingest bench: Node ${process.version}, ${cpus().length} CPUs, load average ${load}; server in this process, clients in a worker thread`);
  if (only !== 'postgres') await benchStore(pgliteStore());
  if (only === 'pglite') return;
  try {
    await benchStore(postgresStore());
  } catch (err) {
    console.log(`PostgreSQL: skipped, ${ADMIN_URL} does not answer (${(err as Error).message})`);
  }
}
