/**
 * One store's run of the import bench (bench/import.ts starts it in a process of its own):
 * `node --import tsx bench/import-child.ts <pglite | postgres> <file.csv> <temp dir>`.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import { ADMIN_URL, dropDatabase, recreateDatabase } from './pg-admin.ts';

const BENCH_DB = 'audience_import_bench';
const [store, file, dir] = process.argv.slice(2) as ['pglite' | 'postgres', string, string];

async function open(): Promise<{ db: Db; label: string; cleanup: () => Promise<void> }> {
  if (store === 'pglite') {
    const dataDir = join(dir, 'pglite');
    return { db: await openDb({ kind: 'pglite', dataDir }), label: 'PGlite (temp dir)', cleanup: async () => undefined };
  }
  const url = await recreateDatabase(BENCH_DB);
  return { db: await openDb({ kind: 'postgres', url }), label: `PostgreSQL (${new URL(url).host})`, cleanup: () => dropDatabase(BENCH_DB) };
}

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

let handle: Awaited<ReturnType<typeof open>>;
try {
  handle = await open();
} catch (err) {
  console.log(`${store}: skipped, ${ADMIN_URL} does not answer (${(err as Error).message})`);
  process.exit(0);
}
const { db, label } = handle;
try {
  const s = createServices({ db, clock: systemClock, imports: { dir: join(dir, `files-${store}`), ...(process.env.IMPORT_BATCH ? { batchSize: Number(process.env.IMPORT_BATCH) } : {}) } });
  const { workspace } = await s.workspaces.create({ name: 'Bench', timezone: 'Europe/London' });
  const scope = { workspaceId: workspace.id, timezone: workspace.timezone };
  let t = performance.now();
  const imp = await s.imports.create({ ...scope, file: { path: file, name: basename(file), size: statSync(file).size }, move: false });
  const analysed = (performance.now() - t) / 1000;
  await s.imports.run({ ...scope, id: imp.id, actor: { kind: 'system', id: 'bench' }, request: { mode: 'upsert', empty_cells: 'leave', tags: [], default_tag: true, list: { name: 'Bench' } } });
  t = performance.now();
  await s.imports.worker.runOne({ importId: imp.id });
  const ran = (performance.now() - t) / 1000;
  const done = await s.imports.get(workspace.id, imp.id);
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`${label}: ${done.status}: ${fmt(done.rows_read)} rows (${fmt(done.created)} created, ${fmt(done.rejected)} rejected) in ${ran.toFixed(1)} s = ${fmt(done.rows_read / ran)} rows/s; `
    + `analysis ${analysed.toFixed(1)} s (${fmt(done.rows_read / analysed)} rows/s); peak RSS ${mb(peak)}`);
} finally {
  await db.close();
  await handle.cleanup();
}
