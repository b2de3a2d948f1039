/**
 * The realtime bench's load generator, in a worker thread so that it does not share the server's event
 * loop. Two jobs:
 * - 'flood': POST /v1/batch as fast as `concurrency` clients go, for `seconds`;
 * - 'paced': `rate` events/s in batches of `batchSize`, each batch carrying one probe event of a new
 *   profile; a poller (its own connection) reads the transition log every few ms and records, per
 *   probe, the time from the batch's 2xx to its transition being readable; and `ticks` events whose
 *   one-minute window exit is timed against its exact instant.
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

export interface LoadJob {
  url: string;
  key: string;
  dbUrl: string;
  workspaceId: string;
  mode: 'flood' | 'paced';
  seconds: number;
  batchSize: number;
  /** flood: concurrent requests. */
  concurrency: number;
  /** paced: events per second. */
  rate: number;
  /** Existing users u1..uN. */
  users: number;
  seed: number;
  /** Unique per run: probe and tick profiles must be new ones. */
  run: string;
  /** Bench clock = wall clock + offset (ms). */
  offsetMs: number;
  probeSegment: string;
  tickSegment: string;
  probeEvent: string;
  tickEvent: string;
  /** paced: window probes to send in the first seconds. */
  ticks: number;
}

export interface LoadResult {
  ms: number;
  stored: number;
  failed: number;
  batchLatencies: number[];
  /** 2xx → transition readable, per probe (paced). */
  probeLatencies: number[];
  probesMissing: number;
  /** Exit readable − exact exit instant, per tick (paced). */
  tickLateness: number[];
  ticksMissing: number;
}

const NAMES = ['page_view', 'screen_view', 'app_launch', 'product_view', 'search', 'add_to_cart', 'session_start', 'purchase', 'email_open', 'push_open'];

function events(job: LoadJob, batch: number, n: number): Record<string, unknown>[] {
  // Shifted by the run: a later run reusing the build must not send the same users the same events (they
  // would already be in the segments those events enter, and the run would write few transitions).
  const shift = Number.parseInt(job.run, 36) % job.users;
  return Array.from({ length: n }, (_, k) => {
    const i = batch * 1_000_003 + k * 7919 + job.seed * 104_729 + shift;
    return {
      type: 'track', userId: `u${1 + (i % job.users)}`, event: NAMES[(i >>> 3) % NAMES.length], messageId: randomUUID(),
      properties: { amount: (i % 200) + 0.5 },
    };
  });
}

async function post(job: LoadJob, batch: unknown[]): Promise<{ ok: boolean; results: { status: string; profile_id?: string }[] }> {
  const res = await fetch(`${job.url}/v1/batch`, {
    method: 'POST', headers: { authorization: `Bearer ${job.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ batch }),
  });
  const json = (await res.json()) as { results?: { status: string; profile_id?: string }[] };
  return { ok: res.ok, results: json.results ?? [] };
}

async function flood(job: LoadJob): Promise<LoadResult> {
  const out: LoadResult = { ms: 0, stored: 0, failed: 0, batchLatencies: [], probeLatencies: [], probesMissing: 0, tickLateness: [], ticksMissing: 0 };
  const bodies = Array.from({ length: 64 }, (_, b) => events(job, b, job.batchSize));
  const start = performance.now();
  const end = start + job.seconds * 1000;
  let next = 0;
  const client = async () => {
    while (performance.now() < end) {
      const b = next++;
      const batch = bodies[b % bodies.length]!.map((e) => ({ ...e, messageId: randomUUID() }));
      const t0 = performance.now();
      const r = await post(job, batch);
      out.batchLatencies.push(performance.now() - t0);
      for (const x of r.results) x.status === 'stored' ? out.stored++ : out.failed++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  out.ms = performance.now() - start;
  return out;
}

async function paced(job: LoadJob): Promise<LoadResult> {
  const out: LoadResult = { ms: 0, stored: 0, failed: 0, batchLatencies: [], probeLatencies: [], probesMissing: 0, tickLateness: [], ticksMissing: 0 };
  const db = new pg.Client({ connectionString: job.dbUrl });
  await db.connect();
  const [{ max }] = (await db.query('SELECT coalesce(max(id), 0)::text AS max FROM segment_transitions WHERE workspace_id = $1', [job.workspaceId])).rows;
  let cursor = max as string;
  const acked = new Map<string, number>(); // probe profile → 2xx time (performance.now)
  const seen = new Map<string, number>(); // probe profile → first time its transition was read
  const tickExact = new Map<string, number>(); // tick profile → exact exit instant as performance.now
  const tickSeen = new Map<string, number>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const rows = (await db.query(
        `SELECT id::text, profile_id, segment_id, kind FROM segment_transitions
         WHERE workspace_id = $1 AND id > $2::bigint AND segment_id = ANY($3::uuid[]) ORDER BY id`,
        [job.workspaceId, cursor, [job.probeSegment, job.tickSegment]],
      )).rows as { id: string; profile_id: string; segment_id: string; kind: string }[];
      const t = performance.now();
      for (const r of rows) {
        cursor = r.id;
        if (r.segment_id === job.probeSegment && r.kind === 'enter' && !seen.has(r.profile_id)) seen.set(r.profile_id, t);
        if (r.segment_id === job.tickSegment && r.kind === 'exit' && !tickSeen.has(r.profile_id)) tickSeen.set(r.profile_id, t);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  })();

  // Window probes: one-minute windows that close while the load runs.
  const wallToPerf = (wall: number) => performance.now() + (wall - Date.now());
  if (job.ticks > 0) {
    const batch = Array.from({ length: job.ticks }, (_, i) => {
      const benchTs = Date.now() + job.offsetMs - 50_000 + i * 250; // exits 10 s .. 10 + ticks/4 s from now
      return { type: 'track', userId: `tick-${job.run}-${i}`, event: job.tickEvent, timestamp: new Date(benchTs).toISOString(), messageId: randomUUID() };
    });
    const r = await post(job, batch);
    r.results.forEach((x, i) => {
      const benchTs = Date.parse(batch[i]!.timestamp);
      if (x.profile_id) tickExact.set(x.profile_id, wallToPerf(benchTs + 60_000 + 1 - job.offsetMs));
    });
  }

  const perSecond = job.rate / job.batchSize;
  const start = performance.now();
  const total = Math.round(job.seconds * perSecond);
  const inflight: Promise<void>[] = [];
  for (let b = 0; b < total; b++) {
    const due = start + (b / perSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const batch: Record<string, unknown>[] = events(job, b, job.batchSize - 1);
    batch.push({ type: 'track', userId: `probe-${job.run}-${b}`, event: job.probeEvent, messageId: randomUUID() });
    inflight.push((async () => {
      const t0 = performance.now();
      const r = await post(job, batch);
      const t1 = performance.now();
      out.batchLatencies.push(t1 - t0);
      for (const x of r.results) x.status === 'stored' ? out.stored++ : out.failed++;
      const probe = r.results[batch.length - 1]?.profile_id;
      if (probe) acked.set(probe, t1);
    })());
  }
  await Promise.all(inflight);
  out.ms = performance.now() - start;
  // Give the last transitions (and the window exits) time to show up.
  const waitUntil = Math.max(performance.now() + 2000, ...[...tickExact.values()].map((t) => t + 2000));
  while (performance.now() < waitUntil && (seen.size < acked.size || tickSeen.size < tickExact.size)) await new Promise((r) => setTimeout(r, 20));
  polling = false;
  await poller;
  await db.end();
  for (const [p, t] of acked) {
    const s = seen.get(p);
    // The poller may read a transition before the 2xx reaches the client: that counts as 0.
    if (s === undefined) out.probesMissing++;
    else out.probeLatencies.push(Math.max(0, s - t));
  }
  for (const [p, exact] of tickExact) {
    const s = tickSeen.get(p);
    if (s === undefined) out.ticksMissing++;
    else out.tickLateness.push(s - exact);
  }
  return out;
}

if (parentPort) {
  const job = workerData as LoadJob;
  parentPort.postMessage(await (job.mode === 'flood' ? flood(job) : paced(job)));
}
