import { randomUUID } from 'node:crypto';
import { openDb } from '../src/db/open.ts';
const kind = process.argv[2];
const db = kind === 'pglite' ? await openDb({ kind: 'pglite', dataDir: '/work/main/.bench/prof/m-' + Date.now() }) : await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1/prof_tmp' });
await db.query('TRUNCATE events');
const ws = randomUUID();
const pids = Array.from({ length: 10000 }, () => randomUUID());
async function time(label: string, fn: (b: number) => Promise<unknown>) {
  for (let b = 0; b < 3; b++) await fn(b);
  const t = performance.now();
  for (let b = 0; b < 10; b++) await fn(b);
  console.log(label.padEnd(40), ((performance.now() - t) / 10).toFixed(1), 'ms');
}
const rows = () => Array.from({ length: 1000 }, (_, i) => ({ p: pids[(i * 7919) % 10000], m: randomUUID(), n: 'page_viewed', t: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), pr: { path: `/p/${i}`, amount: 1.5, currency: 'EUR' } }));
await time('unnest jsonb[]', async () => { const r = rows(); await db.query(`INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, p, m, n, t, pr, c, now() FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::jsonb[]) AS u(p, m, n, t, pr, c) ON CONFLICT DO NOTHING RETURNING profile_id, message_id`, [ws, r.map(x => x.p), r.map(x => x.m), r.map(x => x.n), r.map(x => x.t), r.map(x => JSON.stringify(x.pr)), r.map(() => null)]); });
await time('unnest no returning', async () => { const r = rows(); await db.query(`INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, p, m, n, t, pr, c, now() FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::jsonb[]) AS u(p, m, n, t, pr, c)`, [ws, r.map(x => x.p), r.map(x => x.m), r.map(x => x.n), r.map(x => x.t), r.map(x => JSON.stringify(x.pr)), r.map(() => null)]); });
await time('json_to_recordset', async () => { const r = rows(); await db.query(`INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, p, m, n, t, pr, null, now() FROM json_to_recordset($2::json) AS u(p uuid, m text, n text, t timestamptz, pr jsonb) ON CONFLICT DO NOTHING RETURNING profile_id, message_id`, [ws, JSON.stringify(r)]); });
await time('multi-row VALUES', async () => { const r = rows(); const ph: string[] = []; const ps: unknown[] = [ws]; r.forEach((x, i) => { ps.push(x.p, x.m, x.n, x.t, JSON.stringify(x.pr)); const b = i * 5 + 2; ph.push(`($1, $${b}, $${b+1}, $${b+2}, $${b+3}, $${b+4}, null, now())`); }); await db.query(`INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) VALUES ${ph.join(',')} ON CONFLICT DO NOTHING RETURNING profile_id, message_id`, ps); });
await time('changes subquery 2000', async () => { await db.query(`INSERT INTO profile_changes (workspace_id, profile_id, kind, names, created_at) SELECT $1, p, k, ARRAY(SELECT jsonb_array_elements_text(n)), now() FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS t(p, k, n)`, [ws, [...pids.slice(0, 2000)], pids.slice(0, 2000).map(() => 'event'), pids.slice(0, 2000).map(() => '["page_viewed"]')]); });
await time('changes no names 2000', async () => { await db.query(`INSERT INTO profile_changes (workspace_id, profile_id, kind, names, created_at) SELECT $1, p, k, '{}', now() FROM unnest($2::uuid[], $3::text[]) AS t(p, k)`, [ws, [...pids.slice(0, 2000)], pids.slice(0, 2000).map(() => 'event')]); });
await time('changes json_to_recordset 2000', async () => { await db.query(`INSERT INTO profile_changes (workspace_id, profile_id, kind, names, created_at) SELECT $1, p, k, n, now() FROM json_to_recordset($2::json) AS t(p uuid, k text, n text[])`, [ws, JSON.stringify(pids.slice(0, 2000).map(p => ({ p, k: 'event', n: ['page_viewed'] })))]); });
await db.close();
