/**
 * `npm run bench -- import [rows] [pglite | postgres]`: generates a CSV of 1,000,000 rows and 12 columns in
 * a temp dir (quoted fields, day-first dates, a few broken rows) and imports it into PostgreSQL and PGlite,
 * each in a child process of its own so that its peak RSS is its own. Prints the analysis time, rows/s of
 * the run and the peak RSS. Targets (2 cores): >= 25,000 rows/s into PostgreSQL, peak RSS <= 300 MB.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CITIES = ['London', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Lisbon', 'Dublin', 'Vienna', 'Prague', 'Oslo'];
const PLANS = ['free', 'basic', 'pro', 'enterprise'];

/** id, email, phone, first name, last name, city, country, birthdate (DD/MM/YYYY), signed up (ISO), plan, score, vip. */
export async function generateCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('Customer ID,Email,Phone,First Name,Last Name,City,Country,Birthday,Signed Up,Plan,Score,VIP\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const day = (i % 28) + 1;
    const month = (i % 12) + 1;
    const email = i % 10_000 === 9_999 ? `broken-${i}` : `user${i}@example.com`;
    chunk += `C${i},${email},+44 7${String(i).padStart(9, '0')},First${i % 5000},"Last${i % 7000}, Jr",${CITIES[i % 10]},GB,`
      + `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${1950 + (i % 50)},2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z,`
      + `${PLANS[i % 4]},${(i % 1000) / 10},${i % 3 === 0 ? 'yes' : 'no'}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export async function runImportBench(args: string[]): Promise<void> {
  const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const only = args.find((a) => a === 'pglite' || a === 'postgres');
  const dir = mkdtempSync(join(tmpdir(), 'audience-import-bench-'));
  try {
    const file = join(dir, 'profiles.csv');
    const t0 = performance.now();
    await generateCsv(file, rows);
    console.log(`import bench: Node ${process.version}; ${rows.toLocaleString('en-US')} rows x 12 columns, ${(statSync(file).size / 1e6).toFixed(0)} MB, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const child = fileURLToPath(new URL('./import-child.ts', import.meta.url));
    for (const store of ['postgres', 'pglite'] as const) {
      if (only && only !== store) continue;
      try {
        // The heap is capped as a server would be run (NODE_OPTIONS): an import's working set is a few batches,
        // but without a cap V8 lets garbage pile up to the RSS target before it collects.
        execFileSync(process.execPath, ['--max-old-space-size=160', '--import', 'tsx', child, store, file, dir], { stdio: 'inherit' });
      } catch (err) {
        console.log(`${store}: the run failed (${(err as Error).message.split('\n')[0]})`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
