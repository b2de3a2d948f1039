/**
 * The load generator of the ingest bench, run in a worker thread so that building and sending requests
 * does not share the server's event loop. Bodies are built before the clock starts.
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadJob {
  url: string;
  key: string;
  mode: 'batch' | 'track';
  requests: number;
  batchSize: number;
  users: number;
  /** Concurrent requests in flight from this worker. */
  concurrency: number;
  seed: number;
}

export interface LoadResult {
  ms: number;
  latencies: number[];
  events: number;
  stored: number;
  failed: number;
}

const NAMES = ['page_viewed', 'product_viewed', 'added_to_cart', 'checkout_started', 'purchase', 'app_opened'];

function message(i: number, job: LoadJob): Record<string, unknown> {
  const user = (i * 7919 + job.seed * 104_729) % job.users;
  return {
    type: 'track',
    userId: `user-${user}`,
    event: NAMES[i % NAMES.length],
    messageId: randomUUID(),
    timestamp: new Date(Date.UTC(2026, 2, 1) + i * 1000 + job.seed).toISOString(),
    properties: { path: `/products/${i % 500}`, amount: (i % 100) + 0.5, currency: 'EUR' },
  };
}

async function run(job: LoadJob): Promise<LoadResult> {
  const bodies: string[] = [];
  for (let r = 0; r < job.requests; r++) {
    if (job.mode === 'track') bodies.push(JSON.stringify(message(r, job)));
    else bodies.push(JSON.stringify({ batch: Array.from({ length: job.batchSize }, (_, k) => message(r * job.batchSize + k, job)) }));
  }
  const headers = { authorization: `Bearer ${job.key}`, 'content-type': 'application/json' };
  const path = job.mode === 'track' ? '/v1/track' : '/v1/batch';
  const latencies: number[] = [];
  let stored = 0;
  let failed = 0;
  let next = 0;
  const start = performance.now();
  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t0 = performance.now();
      const res = await fetch(job.url + path, { method: 'POST', headers, body });
      const json = (await res.json()) as { status?: string; results?: { status: string }[] };
      latencies.push(performance.now() - t0);
      if (!res.ok) failed += job.mode === 'track' ? 1 : job.batchSize;
      else if (json.results) for (const r of json.results) r.status === 'stored' ? stored++ : failed++;
      else if (json.status === 'stored') stored++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  return { ms: performance.now() - start, latencies, events: job.requests * (job.mode === 'track' ? 1 : job.batchSize), stored, failed };
}

if (parentPort) parentPort.postMessage(await run(workerData as LoadJob));
