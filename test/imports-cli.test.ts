import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Db } from '../src/db/db.ts';
import { openDb } from '../src/db/open.ts';
import { CRM_EXPORT, CRM_PROFILES, CRM_REJECTED, longExport } from './imports-fixture.ts';
import { freshDb, forEachStore } from './stores.ts';

const BIN = fileURLToPath(new URL('../bin/audience.js', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs `audience ARGS` in a child process (a pipe: not a terminal) with the store given by `env`. */
function cli(args: string[], env: Record<string, string>, opts: { onOut?: (text: string, child: ChildProcess) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      opts.onOut?.(out, child);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

forEachStore('audience import (the CLI)', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'audience-cli-import-'));
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  let workspaceId: string;
  /** The store, opened after the CLI is done with it (PGlite's data dir has one user at a time). */
  const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDb(kind === 'postgres' ? { kind: 'postgres', url: env.DATABASE_URL! } : { kind: 'pglite', dataDir: env.AUDIENCE_DATA_DIR! });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  before(async () => {
    env = { AUDIENCE_IMPORT_DIR: join(dir, 'imports'), AUDIENCE_IMPORT_LEASE_SECONDS: '2' };
    if (kind === 'postgres') {
      const fresh = await freshDb('postgres');
      await fresh.db.close();
      env.DATABASE_URL = fresh.url!;
      drop = fresh.drop;
    } else {
      env.DATABASE_URL = '';
      env.AUDIENCE_DATA_DIR = join(dir, 'data');
    }
    const ws = await cli(['workspace', 'create', 'CLI test', '--timezone', 'Europe/London'], env);
    assert.equal(ws.code, 0, ws.err);
    workspaceId = /id ([0-9a-f-]{36})/.exec(ws.out)![1]!;
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (kind === 'postgres') await drop?.().catch(() => undefined);
  });

  test('a CRM export from the command line: mapping, list, progress lines, rejected rows with reasons', async () => {
    const file = join(dir, 'crm export.csv');
    writeFileSync(file, CRM_EXPORT);
    const map = 'Customer ID=external_id,E-mail=email,First Name=first_name,Phone=phone,City=city,Signup Date=created_at,Birthday=birthdate,Lifetime Value=lifetime_value,VIP=tag,Newsletter=consent:email,Notes=notes';
    const run = await cli(['import', file, '--map', map, '--list', 'CRM', '--mode', 'upsert', '--workspace', workspaceId], env);
    assert.equal(run.code, 0, run.err + run.out);
    assert.match(run.out, /crm export\.csv, utf-8-bom, delimiter ",", header on row 1: 9 rows, 14 columns/);
    assert.match(run.out, /Newsletter +→ skip \(looks like consent/);
    assert.match(run.out, /9 \/ 9 rows \(100\.0%\), [\d,]+ rows\/s/, 'a plain progress line (not a terminal)');
    assert.doesNotMatch(run.out, /\r|\x1b\[/, 'no terminal control characters in a pipe');
    assert.match(run.out, /done: 9 rows read, 4 created, 0 updated, 0 unchanged, 5 rejected/);
    const rejected: string[][] = parse(readFileSync(join(dir, 'crm export.rejected.csv')), { relax_column_count: true });
    assert.deepEqual(Object.fromEntries(rejected.slice(1).map((r) => [Number(r[0]), r[1]])), CRM_REJECTED);
    assert.match(rejected.find((r) => r[0] === '6')![2]!, /"31\/02\/2021" is not a valid date and time/);

    await withDb(async (db) => {
      const rows = await db.query<{ external_id: string; attributes: Record<string, unknown> }>('SELECT external_id, attributes FROM profiles ORDER BY external_id');
      assert.deepEqual(rows.map((r) => r.external_id), CRM_PROFILES);
      assert.equal(rows[0]!.attributes.notes, 'Prefers email,\r\ncalls on Fridays');
      assert.equal(rows[1]!.attributes.birthdate, '1979-03-04');
      const consent = await db.query<{ status: string; source: string }>('SELECT status, source FROM consents ORDER BY status');
      assert.deepEqual(consent.map((c) => [c.status, c.source]), [['subscribed', 'import'], ['subscribed', 'import'], ['unsubscribed', 'import']]);
      const members = await db.query<{ n: number }>("SELECT count(*) AS n FROM list_members m JOIN lists l ON l.id = m.list_id WHERE l.name = 'CRM'");
      assert.equal(members[0]!.n, 4);
    });

    const again = await cli(['import', file, '--map', map, '--list', 'CRM', '--workspace', workspaceId, '--no-default-tag'], env);
    assert.match(again.out, /done: 9 rows read, 0 created, 0 updated, 4 unchanged, 5 rejected/, again.err + again.out);
    await withDb(async (db) => {
      assert.equal((await db.query<{ n: number }>('SELECT count(*) AS n FROM profiles'))[0]!.n, 4, 'no duplicates');
    });
  });

  test('--analyze shows the columns and changes nothing; bad arguments are plain errors', async () => {
    const file = join(dir, 'contacts.csv');
    writeFileSync(file, 'Email;Renewal\nann@example.com;31/12/2030\n');
    const run = await cli(['import', file, '--analyze'], env);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /delimiter ";"/);
    assert.match(run.out, /Renewal +→ renewal:date/);
    const bad = await cli(['import', file, '--mode', 'sideways'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /--mode is one of "upsert", "create-only", "update-only"/);
    const unmapped = await cli(['import', file, '--map', 'Renewal=renewal'], env);
    assert.equal(unmapped.code, 1);
    assert.match(unmapped.err, /map at least one column to an identifier/);
  });

  test('killed mid-import and resumed: exactly the right profiles', { skip: kind === 'pglite' ? 'an embedded store killed mid-write is not what this shows; the worker test covers PGlite' : false }, async () => {
    const { csv, expected, rejected } = longExport(20_000, 5_000);
    const file = join(dir, 'long.csv');
    writeFileSync(file, csv);
    const map = 'id=external_id,email=email,first_name=first_name,city=city,score=score,joined=joined';
    let importId = '';
    const first = await cli(['import', file, '--map', map, '--workspace', workspaceId], { ...env, AUDIENCE_IMPORT_BATCH_ROWS: '500' }, {
      onOut: (out, child) => {
        importId ||= /Import ([0-9a-f-]{36})/.exec(out)?.[1] ?? '';
        // The first progress line means batches are committed: kill it the hard way.
        if (/\d+ \/ 20,000 rows/.test(out) && child.exitCode === null) child.kill('SIGKILL');
      },
    });
    assert.equal(first.signal, 'SIGKILL', `it was to be killed part way: ${first.out}`);
    assert.ok(importId, first.out + first.err);
    const mid = await withDb((db) => db.query<{ status: string; rows_read: number }>('SELECT status, rows_read FROM imports WHERE id = $1', [importId]));
    assert.equal(mid[0]!.status, 'running');
    assert.ok(mid[0]!.rows_read > 0 && mid[0]!.rows_read < 20_000, `stopped part way (${mid[0]!.rows_read})`);

    const resumed = await cli(['import', '--resume', importId, '--workspace', workspaceId, '--rejected', join(dir, 'long.rejected.csv')], env);
    assert.equal(resumed.code, 0, resumed.err + resumed.out);
    assert.match(resumed.out, new RegExp(`done: 20000 rows read, ${expected.size} created, ${20_000 - rejected - expected.size} updated, 0 unchanged, ${rejected} rejected`));
    await withDb(async (db) => {
      const rows = await db.query<{ external_id: string; score: number }>("SELECT external_id, (attributes->>'score')::int AS score FROM profiles WHERE external_id LIKE 'u%'");
      assert.equal(rows.length, expected.size);
      for (const r of rows) assert.equal(r.score, expected.get(r.external_id)!.score, r.external_id);
    });
    assert.equal(parse(readFileSync(join(dir, 'long.rejected.csv'))).length, rejected + 1);
  });
});
