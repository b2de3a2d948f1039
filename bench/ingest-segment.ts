/**
 * The Segment-shaped half of `npm run bench -- ingest`: events/s of POST /v1/batch as Segment's and
 * RudderStack's SDKs send it (Basic auth with a write key, gzipped body, sentAt, context with device and
 * OS), on PGlite and PostgreSQL. Bodies are built and gzipped before the clock starts; the clients run in
 * this process (so the figure is a little conservative: they share the server's event loop).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import { ADMIN_URL, dropDatabase, recreateDatabase } from './pg-admin.ts';

const BATCHES = 50;
const BATCH_SIZE = 1000;
const USERS = 10_000;
const CLIENTS = 4;
const BENCH_DB = 'audience_bench_segment';
const NAMES = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Application Opened'];

function message(i: number, seed: number): Record<string, unknown> {
  const user = (i * 7919 + seed * 104_729) % USERS;
  return {
    type: i % 10 === 0 ? 'page' : 'track', userId: `user-${user}`, event: NAMES[i % NAMES.length], name: 'Product', messageId: randomUUID(),
    timestamp: new Date(Date.now() - 60_000 + (i % 1000)).toISOString(),
    properties: { sku: `sku-${i % 500}`, price: (i % 100) + 0.5, currency: 'EUR' },
    context: { library: { name: 'analytics-node', version: '3.1.0' }, device: { type: 'ios', manufacturer: 'Apple' }, os: { name: 'iOS', version: '17.4' }, locale: 'en-US', ip: '203.0.113.7' },
    integrations: {},
  };
}

async function run(label: string, target: number, db: Db): Promise<void> {
  const services = createServices({ db, clock: systemClock });
  const app = await buildApp({ services, logger: false });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1/batch`;
    const { workspace } = await services.workspaces.create({ name: 'Bench' });
    const { key } = await services.workspaces.createKey(workspace.id, { kind: 'write', name: 'bench' });
    const headers = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const bodies = (n: number, seed: number) => Array.from({ length: n }, (_, r) => {
      const json = JSON.stringify({ batch: Array.from({ length: BATCH_SIZE }, (_, k) => message(r * BATCH_SIZE + k, seed)), sentAt: new Date().toISOString(), writeKey: key });
      return { json: json.length, gz: Uint8Array.from(gzipSync(json)) };
    });
    const send = async (list: { gz: Uint8Array<ArrayBuffer> }[], concurrency: number) => {
      let next = 0;
      let failed = 0;
      const latencies: number[] = [];
      const start = performance.now();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < list.length) {
          const body = list[next++]!.gz;
          const t0 = performance.now();
          const res = await fetch(url, { method: 'POST', headers, body });
          const json = (await res.json()) as { success?: boolean; errors?: unknown[] };
          latencies.push(performance.now() - t0);
          if (!res.ok || !json.success) failed += BATCH_SIZE;
          else failed += json.errors?.length ?? 0;
        }
      }));
      return { ms: performance.now() - start, failed, latencies: latencies.sort((a, b) => a - b) };
    };
    await send(bodies(4, 1), 2); // warm-up
    const list = bodies(BATCHES, 2);
    const r = await send(list, CLIENTS);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE workspace_id = $1', [workspace.id]) as [{ n: number }];
    const kb = (b: number) => (b / 1024).toFixed(0);
    const pct = (p: number) => r.latencies[Math.min(r.latencies.length - 1, Math.floor((p / 100) * r.latencies.length))]!.toFixed(0);
    console.log(`${label}: POST /v1/batch Segment-shaped, gzip (${kb(list[0]!.json)} KB → ${kb(list[0]!.gz.length)} KB a batch), ${BATCHES} x ${BATCH_SIZE} events, ${USERS} users, ${CLIENTS} clients: ` +
      `${(BATCHES * BATCH_SIZE - r.failed).toLocaleString('en-US')} stored in ${(r.ms / 1000).toFixed(2)} s = ${Math.round((BATCHES * BATCH_SIZE - r.failed) / (r.ms / 1000)).toLocaleString('en-US')} events/s ` +
      `(target ${target.toLocaleString('en-US')}) (batch p50 ${pct(50)} ms, p99 ${pct(99)} ms; ${n.toLocaleString('en-US')} events in the store${r.failed ? `, ${r.failed} NOT stored` : ''})`);
  } finally {
    await app.close();
  }
}

/** `only`: 'pglite' or 'postgres' to run one store. */
export async function runSegmentIngestBench(only?: string): Promise<void> {
  if (only !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'audience-bench-'));
    const db = await openDb({ kind: 'pglite', dataDir: dir });
    try {
      await run('PGlite (temp dir)', 15_000, db);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (only === 'pglite') return;
  let url: string;
  try {
    url = await recreateDatabase(BENCH_DB);
  } catch (err) {
    console.log(`PostgreSQL: skipped, ${ADMIN_URL} does not answer (${(err as Error).message})`);
    return;
  }
  const db = await openDb({ kind: 'postgres', url });
  try {
    await run(`PostgreSQL (${new URL(url).host}/${BENCH_DB})`, 20_000, db);
  } finally {
    await db.close();
    await dropDatabase(BENCH_DB);
  }
}
