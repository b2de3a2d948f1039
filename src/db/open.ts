import { mkdirSync } from 'node:fs';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite-driver.ts';
import { openPostgres } from './pg-driver.ts';

export type StoreConfig = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string; poolSize?: number };

/** Opens the configured store and brings its schema up to date. */
export async function openDb(cfg: StoreConfig): Promise<Db> {
  let db: Db;
  if (cfg.kind === 'postgres') {
    db = await openPostgres(cfg.url, { max: cfg.poolSize });
  } else {
    if (cfg.dataDir) mkdirSync(cfg.dataDir, { recursive: true });
    db = await openPglite(cfg.dataDir);
  }
  await migrate(db);
  return db;
}
