import { openDb } from './src/db/open.ts';
import { parseRule } from './src/rules/parse.ts';
import { membersQuery } from './src/rules/sql/members-query.ts';
const db = await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/audience_bench_rt_small' });
const ws = '01900000-0000-7000-8000-00000000b001';
for (const rule of [
  { all: [{ attribute: 'age', op: 'gte', value: 18 }, { attribute: 'age', op: 'lte', value: 24 }] },
  { event: 'page_view', time: { op: 'within_last', amount: 30, unit: 'day' } },
  { event: 'purchase', count: { op: 'gte', value: 3 }, time: { op: 'within_last', amount: 30, unit: 'day' } },
  { attribute: 'birthdate', op: 'anniversary_within', amount: 7, unit: 'day' },
]) {
  const node = parseRule(rule, { attributeType: () => undefined, segment: () => undefined });
  for (const mode of ['ids', 'count'] as const) {
    const q = membersQuery({ workspaceId: ws, node, now: new Date('2026-03-15T12:10:00Z'), timezone: 'UTC', mode, ...(mode === 'ids' ? { limit: 20000 } : {}) });
    const t = performance.now();
    const r = await db.query(q.sql, q.params);
    console.log(mode, JSON.stringify(rule).slice(0, 60), r.length, (performance.now() - t).toFixed(0), 'ms');
    if (mode === 'ids') {
      const plan = await db.query<{ 'QUERY PLAN': string }>('EXPLAIN ' + q.sql, q.params);
      console.log(plan.map((p) => p['QUERY PLAN']).slice(0, 8).join('\n'));
    }
  }
}
await db.close();
