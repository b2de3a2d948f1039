import { randomUUID } from 'node:crypto';
import { openDb } from '../src/db/open.ts';
const kind = process.argv[2];
const db = kind === 'pglite' ? await openDb({ kind: 'pglite', dataDir: '/work/main/.bench/prof/ab-' + Date.now() }) : await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1/prof_tmp' });
const ws = randomUUID();
const pids = Array.from({ length: 10000 }, () => randomUUID());
const rows = () => Array.from({ length: 1000 }, (_, i) => ({ p: pids[(i * 7919 + Math.floor(Math.random() * 10000)) % 10000], m: randomUUID(), n: 'page_viewed', t: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), pr: { path: `/p/${i}`, amount: 1.5, currency: 'EUR' }, c: null }));
const variants: Record<string, () => Promise<unknown>> = {
  unnest: async () => { const r = rows(); return db.query(`WITH u AS (SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::jsonb[]) WITH ORDINALITY AS u(p, m, n, t, pr, c, i)), ins AS (INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, p, m, n, t, pr, c, now() FROM u ON CONFLICT DO NOTHING RETURNING profile_id, message_id) SELECT coalesce(array_agg((u.i - 1)::int), '{}') AS d FROM u WHERE NOT EXISTS (SELECT 1 FROM ins s WHERE s.profile_id = u.p AND s.message_id = u.m)`, [ws, r.map(x => x.p), r.map(x => x.m), r.map(x => x.n), r.map(x => x.t), r.map(x => JSON.stringify(x.pr)), r.map(() => null)]); },
  json: async () => { const r = rows(); return db.query(`WITH u AS (SELECT * FROM ROWS FROM (json_to_recordset($2::json) AS (p uuid, m text, n text, t timestamptz, pr jsonb, c jsonb)) WITH ORDINALITY AS u(p, m, n, t, pr, c, i)), ins AS (INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, p, m, n, t, pr, c, now() FROM u ON CONFLICT DO NOTHING RETURNING profile_id, message_id) SELECT coalesce(array_agg((u.i - 1)::int), '{}') AS d FROM u WHERE NOT EXISTS (SELECT 1 FROM ins s WHERE s.profile_id = u.p AND s.message_id = u.m)`, [ws, JSON.stringify(r)]); },
  lookupRows: async () => db.query(`SELECT i.kind, i.value, i.profile_id FROM unnest($1::text[], $2::text[]) u(kind, value) JOIN identities i ON i.workspace_id = $3 AND i.kind = u.kind AND i.value = u.value`, [pids.slice(0, 1000).map(() => 'external_id'), pids.slice(0, 1000).map((_, i) => `user-${i}`), ws]),
  lookupJson: async () => db.query(`SELECT coalesce(json_agg(json_build_array(i.kind, i.value, i.profile_id)), '[]') AS r FROM json_to_recordset($1::json) u(k text, v text) JOIN identities i ON i.workspace_id = $2 AND i.kind = u.k AND i.value = u.v`, [JSON.stringify(pids.slice(0, 1000).map((_, i) => ({ k: 'external_id', v: `user-${i}` }))), ws]),
};
await db.query(`INSERT INTO identities (workspace_id, kind, value, profile_id, created_at) SELECT $1, 'external_id', 'user-' || g, gen_random_uuid(), now() FROM generate_series(0, 9999) g`, [ws]);
const cpu: Record<string, number> = {}; const wall: Record<string, number> = {};
for (let round = 0; round < 12; round++) for (const [k, fn] of Object.entries(variants)) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await fn();
  if (round < 2) continue;
  const c = process.cpuUsage(c0); cpu[k] = (cpu[k] ?? 0) + (c.user + c.system) / 1000; wall[k] = (wall[k] ?? 0) + performance.now() - t0;
}
for (const k of Object.keys(variants)) console.log(kind, k.padEnd(12), 'cpu', (cpu[k]! / 10).toFixed(1), 'wall', (wall[k]! / 10).toFixed(1));
await db.close();
