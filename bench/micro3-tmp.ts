import { openDb } from '../src/db/open.ts';
const db = await openDb(process.argv[2] === 'mem' ? { kind: 'pglite' } : { kind: 'pglite', dataDir: '/work/main/.bench/prof/m3-' + Date.now() });
for (const s of ['shared_buffers', 'wal_buffers', 'fsync', 'synchronous_commit', 'full_page_writes', 'work_mem', 'max_wal_size', 'checkpoint_timeout', 'wal_level']) console.log(s, (await db.query<any>(`SHOW ${s}`))[0]);
async function time(label: string, sql: string, params: unknown[] = []) {
  for (let b = 0; b < 3; b++) await db.query(sql, params);
  const t = performance.now();
  for (let b = 0; b < 10; b++) await db.query(sql, params);
  console.log(label.padEnd(40), ((performance.now() - t) / 10).toFixed(1), 'ms');
}
const ws = '01900000-0000-7000-8000-000000000001';
await time('events 1000, one ws, 10k profiles', `INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, ('01900000-0000-7000-8000-' || lpad((random()*10000)::int::text, 12, '0'))::uuid, gen_random_uuid()::text, 'page_viewed', now(), '{"path":"/p/1","amount":1.5,"currency":"EUR"}', null, now() FROM generate_series(1,1000) g`, [ws]);
await time('same + returning', `INSERT INTO events (workspace_id, profile_id, message_id, name, ts, properties, context, received_at) SELECT $1, ('01900000-0000-7000-8000-' || lpad((random()*10000)::int::text, 12, '0'))::uuid, gen_random_uuid()::text, 'page_viewed', now(), '{"path":"/p/1","amount":1.5,"currency":"EUR"}', null, now() FROM generate_series(1,1000) g RETURNING profile_id, message_id`, [ws]);
await time('return 1000 rows', `SELECT g::text AS a, gen_random_uuid() AS b FROM generate_series(1,1000) g`);
await time('return 1 json row', `SELECT json_agg(json_build_array(g::text, gen_random_uuid())) FROM generate_series(1,1000) g`);
await time('return uuid[]', `SELECT array_agg(gen_random_uuid()) FROM generate_series(1,1000) g`);
await db.close();
