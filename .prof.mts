import { openDb } from './src/db/open.ts';
import type { Db, Queryable } from './src/db/db.ts';
import { MembershipWorker } from './src/membership/worker.ts';
const db0 = await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/audience_bench_rt_small' });
const stats = new Map<string, { n: number; ms: number }>();
const wrap = (q: Queryable): Queryable => ({
  async query(sql, params) {
    const t = performance.now();
    try { return await q.query(sql, params); } finally {
      const k = sql.replace(/\s+/g, ' ').slice(0, 90);
      const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t; stats.set(k, s);
    }
  },
});
const db: Db = { ...db0, query: wrap(db0).query, transaction: (fn) => db0.transaction((tx) => fn(wrap(tx))) };
const clock = { now: () => new Date('2026-03-15T12:10:00Z') };
// force rebuild of everything
await db0.query('TRUNCATE segment_members, segment_transitions, membership_due, membership_sweeps, segment_builds');
const w = new MembershipWorker({ db, clock });
const t = performance.now();
let steps = 0;
while ((await w.runOnce()).more && steps < 30) steps++;
console.log('steps', steps, ((performance.now() - t) / 1000).toFixed(1), 's');
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(s.n, s.ms.toFixed(0), k);
await db0.close();
