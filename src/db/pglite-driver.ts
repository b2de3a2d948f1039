import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';
import { TYPE_PARSERS } from './db.ts';

/** Embedded PostgreSQL (WASM). `dataDir` undefined keeps everything in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = await PGlite.create(dataDir, { parsers: TYPE_PARSERS });
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query(sql, params) {
      const res = await q.query(sql, params as unknown[] | undefined);
      return res.rows as never[];
    },
  });
  const base = wrap(pg);
  return {
    dialect: 'pglite',
    query: base.query,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
}
