/**
 * npm run conformance -- PATHS [--store pglite|postgres]
 * Runs conformance case files (folders or files) through both evaluators on one store: an in-memory
 * PGlite by default, or the PostgreSQL at DATABASE_URL. Prints one line per failing case and ends with
 * `N passed, N failed`; exits 1 when anything failed.
 */
import { Command } from 'commander';
import { openDb, type StoreConfig } from '../db/open.ts';
import { caseFiles, readCase } from './conformance/case.ts';
import { runCase } from './conformance/run-case.ts';

const program = new Command('conformance')
  .argument('<paths...>', 'case files or folders of *.json cases')
  .option('--store <kind>', 'pglite (in memory) or postgres (DATABASE_URL)', 'pglite')
  .parse();

const [paths] = program.processedArgs as [string[]];
const { store } = program.opts<{ store: string }>();
if (store !== 'pglite' && store !== 'postgres') program.error(`--store must be pglite or postgres, not ${store}`);
if (store === 'postgres' && !process.env.DATABASE_URL) program.error('--store postgres needs DATABASE_URL');
const cfg: StoreConfig = store === 'postgres' ? { kind: 'postgres', url: process.env.DATABASE_URL! } : { kind: 'pglite' };

const db = await openDb(cfg);
let passed = 0;
let failed = 0;
try {
  for (const file of caseFiles(paths)) {
    let lines: string[];
    try {
      lines = (await runCase(db, readCase(file))).map((f) => `FAIL ${file} [${f.path}] expected ${f.expected}, got ${f.got}`);
    } catch (err) {
      lines = [`FAIL ${file} [load] ${err instanceof Error ? err.message : String(err)}`];
    }
    if (lines.length === 0) passed++;
    else failed++;
    for (const l of lines) console.log(l);
  }
} finally {
  await db.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
