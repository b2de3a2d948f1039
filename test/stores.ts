/**
 * Runs a test suite against every store: PGlite (in memory) and PostgreSQL.
 * PostgreSQL: a fresh database per suite, created through DATABASE_URL (default: the local server).
 * Without a server a PostgreSQL suite is skipped with a message, except under CI=true where it fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Where a store's data lives: enough to open it again once closed (a server restart, test/http.ts). */
export type StoreLocation = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

/**
 * A fresh, migrated database of the given kind and a function that removes it. A PGlite is in memory
 * unless `onDisk` (then it has a location, like every PostgreSQL one).
 */
export async function freshDb(kind: StoreKind, opts: { onDisk?: boolean } = {}): Promise<{ db: Db; url?: string; location?: StoreLocation; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    if (!opts.onDisk) {
      const db = await openDb({ kind: 'pglite' });
      return { db, drop: () => db.close() };
    }
    const location: StoreLocation = { kind: 'pglite', dataDir: mkdtempSync(join(tmpdir(), 'audience-pglite-')) };
    const db = await reopenDb(location);
    return { db, location, drop: async () => {
      await db.close();
      await removeStore(location);
    } };
  }
  const name = `audience_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const location: StoreLocation = { kind: 'postgres', url: url.toString() };
  const db = await reopenDb(location);
  return {
    db,
    url: location.url,
    location,
    drop: async () => {
      await db.close();
      await removeStore(location);
    },
  };
}

/** Opens (and migrates) a store created by freshDb and closed since. */
export function reopenDb(location: StoreLocation): Promise<Db> {
  return openDb(location.kind === 'pglite' ? location : { ...location, poolSize: 5 });
}

/** Removes a store's data; close it first. */
export async function removeStore(location: StoreLocation): Promise<void> {
  if (location.kind === 'pglite') {
    rmSync(location.dataDir, { recursive: true, force: true });
    return;
  }
  const a = new pg.Client({ connectionString: ADMIN_URL });
  await a.connect();
  await a.query(`DROP DATABASE IF EXISTS ${new URL(location.url).pathname.slice(1)} WITH (FORCE)`);
  await a.end();
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
