import pg from 'pg';
import type { Db, Queryable } from './db.ts';
import { TYPE_PARSERS } from './db.ts';

/** A PostgreSQL server through a pool. Type parsers are per pool, never global. */
export async function openPostgres(connectionString: string, opts: { max?: number; onIdleError?: (err: Error) => void } = {}): Promise<Db> {
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      TYPE_PARSERS[oid] ?? pg.types.getTypeParser(oid, format as 'text'),
  };
  // JIT off: segment counts are short, many-clause queries; JIT compiled them for seconds to save
  // milliseconds (bench/segments.ts). This workload has no long analytical scans that would repay it.
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 10, types: types as never, options: '-c jit=off' });
  // An idle connection dropped by the server (restart, failover, DROP DATABASE … FORCE) must not crash
  // the process: the pool discards it and opens a new one on the next query.
  pool.on('error', (err) => opts.onIdleError?.(err));
  // Fail fast (and clearly) when the server is not there.
  const probe = await pool.connect();
  probe.release();
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query(sql, params) {
      const res = await c.query(sql, params as unknown[] | undefined);
      return res.rows;
    },
  });
  return {
    dialect: 'postgres',
    query: wrap(pool).query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
