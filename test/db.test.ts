import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../src/db/db.ts';
import { forEachStore, freshDb } from './stores.ts';

forEachStore('store basics', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => ({ db, drop } = await freshDb(kind)));
  after(() => drop());

  test('type parsing is set on purpose: date stays text, timestamptz is a Date, int8/numeric are numbers', async () => {
    const [row] = await db.query<Record<string, unknown>>(
      "SELECT '2026-01-01'::date AS d, '2026-01-01 10:00'::timestamp AS ts, '2026-01-01T10:00:00Z'::timestamptz AS tz, 5::int8 AS i, 1.5::numeric AS n",
    );
    assert.equal(row!.d, '2026-01-01');
    assert.equal(row!.ts, '2026-01-01 10:00:00');
    assert.ok(row!.tz instanceof Date);
    assert.equal((row!.tz as Date).toISOString(), '2026-01-01T10:00:00.000Z');
    assert.equal(row!.i, 5);
    assert.equal(row!.n, 1.5);
  });

  test('migrations are applied once and recorded', async () => {
    const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.ok(rows.some((r) => r.version === '001_init.sql'));
  });

  test('a transaction that throws rolls back', async () => {
    await db.query('CREATE TABLE t_rollback (x int)');
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t_rollback VALUES ($1)', [1]);
        throw new Error('boom');
      }),
    );
    const rows = await db.query('SELECT * FROM t_rollback');
    assert.equal(rows.length, 0);
  });

  test('array parameters bind as arrays (bulk inserts use unnest)', async () => {
    const rows = await db.query<{ x: number }>('SELECT unnest($1::int[]) AS x', [[1, 2, 3]]);
    assert.deepEqual(rows.map((r) => r.x), [1, 2, 3]);
  });

  test('IANA time zones work in SQL', async () => {
    const [row] = await db.query<{ d: string }>("SELECT (($1::timestamptz) AT TIME ZONE 'Asia/Tokyo')::date AS d", ['2026-03-15T15:00:00Z']);
    assert.equal(row!.d, '2026-03-16');
  });
});

forEachStore('change records', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => ({ db, drop } = await freshDb(kind)));
  after(() => drop());

  test('recordChanges writes one row per change with its names, in the caller transaction', async () => {
    const { recordChanges } = await import('../src/membership/changes.ts');
    const ws = '01900000-0000-7000-8000-000000000001';
    const p1 = '01900000-0000-7000-8000-000000000002';
    await db.transaction((tx) =>
      recordChanges(tx, { workspaceId: ws, at: new Date('2026-01-01T00:00:00Z'), changes: [
        { profileId: p1, kind: 'event', names: ['purchase', "it's \"quoted\" {a,b}"] },
        { profileId: p1, kind: 'erase' },
      ] }),
    );
    const rows = await db.query<{ kind: string; names: string[] }>('SELECT kind, names FROM profile_changes ORDER BY id');
    assert.deepEqual(rows, [
      { kind: 'event', names: ['purchase', "it's \"quoted\" {a,b}"] },
      { kind: 'erase', names: [] },
    ]);
  });
});
