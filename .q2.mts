import { openDb } from './src/db/open.ts';
const db = await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/audience_bench_rt_small' });
const ws = '01900000-0000-7000-8000-00000000b001';
const ids = (await db.query<{ profile_id: string }>('select profile_id from profiles where workspace_id=$1 order by random() limit 2000', [ws])).map((r) => r.profile_id);
const segs = (await db.query<{ id: string }>('select id from segments where workspace_id=$1 order by random() limit 40', [ws])).map((r) => r.id);
for (let i = 0; i < 2; i++) {
const plan = await db.query<{ 'QUERY PLAN': string }>('EXPLAIN (ANALYZE, BUFFERS) SELECT profile_id, segment_id FROM segment_members WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) AND segment_id = ANY($3::uuid[])', [ws, ids, segs]);
console.log(plan.map((p) => p['QUERY PLAN'].slice(0, 140)).join('\n'));
const plan2 = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) SELECT e.profile_id, e.name, e.ts, e.properties
FROM unnest($3::text[], $4::timestamptz[]) AS b(name, lo)
JOIN events e ON e.name = b.name AND e.ts >= b.lo
WHERE e.workspace_id = $1 AND e.profile_id = ANY($2::uuid[])`, [ws, ids, ['page_view', 'purchase', 'search'], ['2026-02-01', '-infinity', '2025-12-01']]);
console.log(plan2.map((p) => p['QUERY PLAN'].slice(0, 140)).join('\n'));
}
await db.close();
