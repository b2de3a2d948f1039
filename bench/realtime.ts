/**
 * `npm run bench -- realtime`: real-time membership on PostgreSQL over the segments bench dataset
 * (1,000,000 profiles, 10,000,000 events; kept between runs in the database audience_bench_realtime),
 * with 100 segments (bench/realtime-segments.ts). The server and the membership worker run in this
 * process, as `npm start` runs them; the load comes from a worker thread. Prints:
 *   1. the build of the 100 segments (bulk backfill + due-instant sweep);
 *   2. flood: events/s through POST /v1/batch with the worker keeping up, and the backlog it leaves;
 *   3. paced at 2,000 events/s: p50/p99 from a batch's 2xx to its probe event's transition being
 *      readable, and how late one-minute windows close against their exact instant.
 * The clock runs at real speed from the dataset's `now`, so the dataset's windows are current.
 * The build takes long (the bulk queries of the age and birthday segments dominate); a later run reuses
 * it and goes on from where the clock stopped (`npm run bench -- realtime rebuild` starts over).
 */
import { Worker } from 'node:worker_threads';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import type { Clock } from '../src/shared/clock.ts';
import { newId } from '../src/shared/ids.ts';
import { databaseExists, databaseUrl, recreateDatabase } from './pg-admin.ts';
import type { LoadJob, LoadResult } from './realtime-load.ts';
import { Profile } from './realtime-profile.ts';
import { benchSegments, PROBE_EVENT, TICK_EVENT } from './realtime-segments.ts';
import { datasetMarker, generateDataset, specKey, WORKSPACE_ID, type DatasetSpec } from './segments-data.ts';

const DB_NAME = process.env.BENCH_DB ?? 'audience_bench_realtime';
const NOW = '2026-03-15T12:00:00Z';
const SPEC: DatasetSpec = {
  seed: 42,
  profiles: Number(process.env.BENCH_PROFILES ?? 1_000_000),
  events: Number(process.env.BENCH_EVENTS ?? 10_000_000),
  now: NOW,
};
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 30);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 75);
const PACED_RATE = 2000;

const log = (s: string) => console.log(s);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The dataset, and an external_id identity per profile so that the tracking API finds them (u1..uN). */
async function openBenchDb(url: string): Promise<Db> {
  const marker = `${specKey(SPEC)} +identities`;
  if (await databaseExists(DB_NAME)) {
    const db = await openDb({ kind: 'postgres', url, poolSize: 12 });
    const [row] = await db.query<{ t: string | null }>(`SELECT to_regclass('bench_realtime')::text AS t`);
    if (row?.t && (await db.query<{ spec: string }>('SELECT spec FROM bench_realtime'))[0]?.spec === marker) {
      log(`reusing the dataset in ${DB_NAME} (${marker})`);
      return db;
    }
    await db.close();
  }
  await recreateDatabase(DB_NAME);
  const db = await openDb({ kind: 'postgres', url, poolSize: 12 });
  log(`generating ${fmt(SPEC.profiles)} profiles and ${fmt(SPEC.events)} events in ${DB_NAME}`);
  const t = performance.now();
  if ((await datasetMarker(db)) !== specKey(SPEC)) await generateDataset(db, SPEC, log);
  await db.query(
    `INSERT INTO identities (workspace_id, kind, value, profile_id, created_at)
     SELECT workspace_id, 'external_id', external_id, profile_id, created_at FROM profiles WHERE workspace_id = $1`, [WORKSPACE_ID]);
  await db.query('CREATE TABLE bench_realtime (spec text NOT NULL)');
  await db.query('INSERT INTO bench_realtime (spec) VALUES ($1)', [marker]);
  await db.query('ANALYZE');
  log(`  ready in ${fmt((performance.now() - t) / 1000)} s`);
  return db;
}

/** Whether the 100 bench segments are there and built (a run left them). */
async function builtBefore(db: Db, names: readonly string[]): Promise<boolean> {
  const rows = await db.query<{ name: string; built: boolean }>(
    `SELECT s.name, coalesce(b.phase IS NULL AND b.built_version = s.version, false) AS built
     FROM segments s LEFT JOIN segment_builds b ON b.segment_id = s.id WHERE s.workspace_id = $1`, [WORKSPACE_ID]);
  const built = new Set(rows.filter((r) => r.built).map((r) => r.name));
  return rows.length === names.length && names.every((n) => built.has(n));
}

/** Back to the generated state: no segments, no membership, none of the bench's own events and profiles. */
async function reset(db: Db): Promise<void> {
  const t = performance.now();
  await db.query('DELETE FROM segments WHERE workspace_id = $1', [WORKSPACE_ID]);
  for (const table of ['segment_members', 'segment_transitions', 'membership_due', 'membership_sweeps', 'profile_changes', 'segment_builds', 'api_keys']) {
    await db.query(`TRUNCATE ${table}`);
  }
  await db.query("DELETE FROM events WHERE workspace_id = $1 AND message_id NOT LIKE 'e%'", [WORKSPACE_ID]);
  await db.query("DELETE FROM identities WHERE workspace_id = $1 AND value NOT LIKE 'u%'", [WORKSPACE_ID]);
  await db.query("DELETE FROM profiles WHERE workspace_id = $1 AND (external_id IS NULL OR external_id NOT LIKE 'u%')", [WORKSPACE_ID]);
  await db.query('VACUUM ANALYZE events');
  log(`reset to the generated dataset in ${fmt((performance.now() - t) / 1000, 1)} s`);
}

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./realtime-load.ts', import.meta.url).href)}); })`;
    const w = new Worker(boot, { eval: true, workerData: job });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

/**
 * `step`: 'prepare' only generates (or checks) the dataset; 'rebuild' builds the segments again;
 * 'flood' or 'paced' runs only that part. BENCH_PROFILE=1 adds where the time went (realtime-profile.ts).
 */
export async function runRealtimeBench(step?: string): Promise<void> {
  const url = new URL(databaseUrl(DB_NAME));
  log(`realtime bench: Node ${process.version}, PostgreSQL at ${url.host}; clock starts at ${NOW} and runs at real speed`);
  const db = await openBenchDb(url.toString());
  if (step === 'prepare') return db.close();
  const specs = benchSegments();
  const reuse = step !== 'rebuild' && (await builtBefore(db, specs.map((s) => s.key)));
  if (!reuse) await reset(db);
  // The bench clock runs at real speed from the dataset's `now`, or, reusing a build, from just after the
  // last instant the stored membership was evaluated at (time must not go backwards for it).
  const [last] = await db.query<{ at: Date | null }>('SELECT max(at) AS at FROM segment_transitions WHERE workspace_id = $1', [WORKSPACE_ID]);
  const start = reuse && last?.at ? last.at.getTime() + 60_000 : Date.parse(NOW);
  const offsetMs = start - Date.now();
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  log(`bench clock starts at ${new Date(start).toISOString()}`);
  const profile = process.env.BENCH_PROFILE ? new Profile() : undefined;
  const services = createServices({ db: profile ? profile.wrap(db) : db, clock });
  const { key } = await services.workspaces.createKey(WORKSPACE_ID, { kind: 'secret', name: 'bench' });
  const errors: unknown[] = [];
  const worker = services.membership;
  profile?.watch(worker);
  const loop = worker.start({ idleMs: 50, onError: (err) => errors.push(err) });
  const ids = new Map((await db.query<{ id: string; name: string }>('SELECT id, name FROM segments WHERE workspace_id = $1', [WORKSPACE_ID])).map((r) => [r.name, r.id]));

  if (reuse) {
    log('1. build: reusing the 100 segments built by an earlier run (`npm run bench -- realtime rebuild` builds them again)');
  } else {
    // 1. 100 segments, built with the worker running.
    for (const s of specs) ids.set(s.key, newId());
    const resolve = (rule: unknown): unknown => JSON.parse(JSON.stringify(rule), (k, v) => (k === 'segment' && typeof v === 'string' && v.startsWith('@') ? ids.get(v.slice(1)) : v));
    await db.query(
      `INSERT INTO segments (id, workspace_id, name, rule, version, created_at, updated_at)
       SELECT id, $1, name, rule, 1, $4, $4 FROM unnest($2::uuid[], $3::text[], $5::jsonb[]) AS t(id, name, rule)`,
      [WORKSPACE_ID, specs.map((s) => ids.get(s.key)), specs.map((s) => s.key), clock.now(), specs.map((s) => JSON.stringify(resolve(s.rule)))],
    );
    const t0 = performance.now();
    let lastLog = t0;
    for (;;) {
      const [b] = await db.query<{ members: number; seed: number; done: number; sweep: string | null }>(
        `SELECT count(*) FILTER (WHERE phase = 'members') AS members, count(*) FILTER (WHERE phase = 'seed') AS seed,
           count(*) FILTER (WHERE phase IS NULL AND built_version = 1) AS done,
           (SELECT cursor::text FROM membership_sweeps LIMIT 1) AS sweep FROM segment_builds WHERE workspace_id = $1`, [WORKSPACE_ID]);
      if (b!.done === specs.length) break;
      if (performance.now() - lastLog > 60_000) {
        log(`  build: ${b!.done} done, ${b!.members} paging, ${b!.seed} waiting for the sweep (at ${b!.sweep ?? '-'}), ${fmt((performance.now() - t0) / 1000)} s`);
        lastLog = performance.now();
      }
      await sleep(200);
    }
    const buildS = (performance.now() - t0) / 1000;
    const [m] = await db.query<{ members: number; due: number }>(
      'SELECT (SELECT count(*) FROM segment_members WHERE workspace_id = $1) AS members, (SELECT count(*) FROM membership_due WHERE workspace_id = $1) AS due', [WORKSPACE_ID]);
    log(`1. build: 100 segments over ${fmt(SPEC.profiles)} profiles in ${fmt(buildS, 1)} s: ${fmt(m!.members)} memberships, ${fmt(m!.due)} profiles with a due instant`);
  }
  // What autovacuum does some minutes after a build: statistics, and the visibility map that lets the
  // per-profile lookups be index-only scans.
  const v0 = performance.now();
  for (const t of ['segment_members', 'membership_due', 'events', 'profiles']) await db.query(`VACUUM (ANALYZE) ${t}`);
  log(`   vacuum analyze: ${fmt((performance.now() - v0) / 1000, 1)} s`);

  const app = await buildApp({ services, logger: false });
  app.addHook('onResponse', async (req) => {
    if (req.method !== 'GET') worker.nudge();
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, key, dbUrl: url.toString(), workspaceId: WORKSPACE_ID,
    users: SPEC.profiles, offsetMs, probeSegment: ids.get('probe')!, tickSegment: ids.get('tick')!, probeEvent: PROBE_EVENT, tickEvent: TICK_EVENT, run: Date.now().toString(36),
  };
  const backlog = async () => (await db.query<{ n: number }>('SELECT count(*) AS n FROM profile_changes'))[0]!.n;
  while ((await backlog()) > 0) await sleep(200); // what an earlier run left

  // 2. Flood: ingest alone (worker paused), the worker alone (draining that backlog), then both together.
  let loop2 = loop;
  let sustained = NaN;
  try {
    await load({ ...base, mode: 'flood', seconds: 3, batchSize: 1000, concurrency: 2, rate: 0, seed: 1, ticks: 0 }); // warm-up
    while ((await backlog()) > 0) await sleep(100);
    if (step !== 'paced') sustained = await floodPhases();
    if (step !== 'flood') await pacedPhase();
  } finally {
    await app.close();
    await loop2.stop();
    if (errors.length) log(`worker errors: ${errors.length}, first: ${String(errors[0])}`);
    await db.close();
  }

  async function floodPhases(): Promise<number> {
    await loop2.stop();
    const alone = await load({ ...base, mode: 'flood', seconds: 15, batchSize: 1000, concurrency: 4, rate: 0, seed: 4, ticks: 0 });
    const queued = await backlog();
    const d0 = performance.now();
    loop2 = worker.start({ idleMs: 50, onError: (err) => errors.push(err) });
    while ((await backlog()) > 0) await sleep(20);
    const drainAloneS = (performance.now() - d0) / 1000;
    log(`2a. ingest alone (worker paused): ${fmt(alone.stored)} events in 15 s = ${fmt(alone.stored / (alone.ms / 1000))} events/s ` +
      `(batch p50 ${fmt(pct(alone.batchLatencies, 50))} ms); ${fmt(queued)} change records queued`);
    log(`2b. worker alone: drained them in ${fmt(drainAloneS, 1)} s = ${fmt(alone.stored / drainAloneS)} events/s (${fmt(queued / drainAloneS)} change records/s)`);

    const before = await db.query<{ n: number }>('SELECT count(*) AS n FROM segment_transitions');
    profile?.reset();
    const f0 = performance.now();
    const flood = await load({ ...base, mode: 'flood', seconds: FLOOD_SECONDS, batchSize: 1000, concurrency: 4, rate: 0, seed: 2, ticks: 0 });
    const left = await backlog();
    while ((await backlog()) > 0) await sleep(50);
    const totalS = (performance.now() - f0) / 1000;
    const drainS = totalS - flood.ms / 1000;
    const after = await db.query<{ n: number }>('SELECT count(*) AS n FROM segment_transitions');
    log(`2c. both: POST /v1/batch x 1,000 events, 4 clients, ${FLOOD_SECONDS} s: ${fmt(flood.stored)} stored = ${fmt(flood.stored / (flood.ms / 1000))} events/s ingested ` +
      `(batch p50 ${fmt(pct(flood.batchLatencies, 50))} ms, p99 ${fmt(pct(flood.batchLatencies, 99))} ms${flood.failed ? `, ${flood.failed} NOT stored` : ''}); ` +
      `backlog at the end ${fmt(left)} change records, drained in ${fmt(drainS, 1)} s → sustained with membership current: ${fmt(flood.stored / totalS)} events/s; ` +
      `${fmt(after[0]!.n - before[0]!.n)} transitions`);
    if (profile) log(profile.report('2c', totalS * 1000));
    return flood.stored / totalS;
  }

  async function pacedPhase(): Promise<void> {
    // 3. Paced at 2,000 events/s with probes and one-minute windows.
    profile?.reset();
    const paced = await load({ ...base, mode: 'paced', seconds: PACED_SECONDS, batchSize: 100, concurrency: 0, rate: PACED_RATE, seed: 3, ticks: 200 });
    log(`3. paced: ${fmt(PACED_RATE)} events/s for ${PACED_SECONDS} s (batches of 100, one probe each): ${fmt(paced.stored)} stored; ` +
      `2xx → transition readable p50 ${fmt(pct(paced.probeLatencies, 50), 1)} ms, p99 ${fmt(pct(paced.probeLatencies, 99), 1)} ms, max ${fmt(pct(paced.probeLatencies, 100), 1)} ms ` +
      `over ${fmt(paced.probeLatencies.length)} probes${paced.probesMissing ? ` (${paced.probesMissing} never seen)` : ''}; batch p99 ${fmt(pct(paced.batchLatencies, 99))} ms`);
    log(`   window exits (${fmt(paced.tickLateness.length)} one-minute windows closing under that load): late by p50 ${fmt(pct(paced.tickLateness, 50))} ms, ` +
      `p99 ${fmt(pct(paced.tickLateness, 99))} ms, max ${fmt(pct(paced.tickLateness, 100))} ms${paced.ticksMissing ? ` (${paced.ticksMissing} never seen)` : ''}`);
    if (profile) log(profile.report('3', paced.ms));
    const p99 = pct(paced.probeLatencies, 99);
    const maxLate = pct(paced.tickLateness, 100);
    log(`targets: ≥ 10,000 events/s sustained: ${fmt(sustained)} ${sustained >= 10_000 ? 'met' : Number.isNaN(sustained) ? '(not run)' : 'MISSED'}; ` +
      `p99 ≤ 100 ms at 2,000 events/s: ${fmt(p99, 1)} ms ${p99 <= 100 ? 'met' : 'MISSED'}; exits within 1 s: max ${fmt(maxLate)} ms ${maxLate <= 1000 ? 'met' : 'MISSED'}`);
  }
}
