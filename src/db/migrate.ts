import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const CITUS_FILE = fileURLToPath(new URL('./citus.sql', import.meta.url));
const LOCK_KEY = 4_242_001; // advisory lock: one process migrates at a time

/** Applies the versioned SQL files in order, each in its own transaction, once. Same files for every store. */
export async function migrate(db: Db): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await execScript(tx, readFileSync(MIGRATIONS_DIR + file, 'utf8'));
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      applied.push(file);
    }
    // Citus only: distribute / replicate tables (a DO block that does nothing elsewhere).
    await execScript(tx, readFileSync(CITUS_FILE, 'utf8'));
    return applied;
  });
}

/** Runs a multi-statement script. Statements are split on semicolons at line ends, outside $$ bodies. */
async function execScript(tx: { query: Db['query'] }, script: string): Promise<void> {
  for (const stmt of splitStatements(script)) await tx.query(stmt);
}

export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let buf = '';
  let inDollar = false;
  for (const line of script.split('\n')) {
    const trimmed = line.trim();
    if (!inDollar && (trimmed.startsWith('--') || trimmed === '')) continue;
    buf += line + '\n';
    const dollars = line.split('$$').length - 1;
    if (dollars % 2 === 1) inDollar = !inDollar;
    if (!inDollar && trimmed.endsWith(';')) {
      out.push(buf.trim());
      buf = '';
    }
  }
  if (buf.trim()) out.push(buf.trim());
  return out;
}
