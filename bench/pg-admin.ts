/**
 * The benches' PostgreSQL databases: each bench works in a database of its own on the server named by
 * DATABASE_URL (default: the local server), made and dropped through its maintenance database.
 */
import pg from 'pg';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on the maintenance connection (database names cannot be bind parameters). */
export async function admin(sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** The URL of database `name` on the same server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function databaseExists(name: string): Promise<boolean> {
  return (await admin(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length > 0;
}

/** Drops `name` if it exists and creates it empty; returns its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  await dropDatabase(name);
  await admin(`CREATE DATABASE ${name}`);
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
