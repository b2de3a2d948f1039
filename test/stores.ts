/**
 * Runs a test suite against every store: PGlite (in memory) and PostgreSQL.
 * PostgreSQL: a fresh database per suite, created through DATABASE_URL (default: the local server).
 * Without a server a PostgreSQL suite is skipped with a message, except under CI=true where it fails.
 */
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import pg from 'pg';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';

export type StoreKind = 'pglite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['pglite', 'postgres'];

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgAvailable: Promise<boolean> | undefined;
function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    // A loaded machine can take seconds to accept a connection: try a few times before deciding.
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
      try {
        await c.connect();
        await c.end();
        return true;
      } catch (err) {
        last = err;
        await c.end().catch(() => undefined);
        if (String(err).includes('ECONNREFUSED') && process.env.CI !== 'true') break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI but ${ADMIN_URL} does not answer: ${String(last)}`);
    return false;
  })();
  return pgAvailable;
}

/** A fresh, migrated database of the given kind and a function that removes it. */
export async function freshDb(kind: StoreKind): Promise<{ db: Db; url?: string; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDb({ kind: 'pglite' });
    return { db, drop: () => db.close() };
  }
  const name = `audience_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * `forEachStore('profiles API', (getDb) => { test(...) })` declares the suite once per store.
 * The body runs at declaration time; use before/after hooks inside it to open and close things.
 */
export function forEachStore(name: string, body: (kind: StoreKind) => void): void {
  for (const kind of STORE_KINDS) {
    describe(`${name} [${kind}]`, { skip: kind === 'postgres' ? skipReasonSync() : false }, () => body(kind));
  }
}

// Decided once at load: node:test needs to know about skipping when the suite is declared.
const skipPostgres = await (async () => (process.env.AUDIENCE_TEST_STORES === 'pglite' ? 'AUDIENCE_TEST_STORES=pglite' : (await postgresAvailable()) ? false : 'no PostgreSQL server answers at DATABASE_URL; skipped (it fails under CI=true)'))();
function skipReasonSync(): string | false {
  return skipPostgres;
}
