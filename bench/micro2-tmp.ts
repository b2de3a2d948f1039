import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createRequire } from 'node:module';
const utils = createRequire(import.meta.url)('pg/lib/utils');
const c = new pg.Client('postgres://postgres@127.0.0.1/prof_tmp'); await c.connect();
const ws = randomUUID();
const pids = Array.from({ length: 10000 }, () => randomUUID());
const rows = () => Array.from({ length: 1000 }, (_, i) => ({ p: pids[(i * 7919) % 10000], m: randomUUID(), n: 'page_viewed', t: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), pr: { path: `/p/${i}`, amount: 1.5, currency: 'EUR' } }));
for (let k = 0; k < 6; k++) {
const r = rows();
const params = [ws, r.map(x => x.p), r.map(x => x.m), r.map(x => x.n), r.map(x => x.t), r.map(x => JSON.stringify(x.pr)), r.map(() => null)];
const t0 = performance.now();
await c.query('BEGIN');
const t1 = performance.now();
const res = await c.query(`INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, p, m, n, t, pr, c, now() FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::jsonb[]) AS u(p, m, n, t, pr, c) ON CONFLICT DO NOTHING RETURNING profile_id, message_id`, params);
const t2 = performance.now();
await c.query('COMMIT');
const t3 = performance.now();
const x = pg.prepareValue ? 0 : 0;
console.log('begin', (t1-t0).toFixed(1), 'insert', (t2-t1).toFixed(1), 'commit', (t3-t2).toFixed(1));
}
const r = rows();
const t = performance.now();
for (let i = 0; i < 10; i++) { for (const arr of [r.map(x => x.p), r.map(x => x.m), r.map(x => x.n), r.map(x => x.t), r.map(x => JSON.stringify(x.pr))]) utils.prepareValue(arr); }
console.log('serialize', ((performance.now() - t) / 10).toFixed(1));
await c.end();
