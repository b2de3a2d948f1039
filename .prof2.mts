import { openDb } from './src/db/open.ts';
import type { Db, Queryable } from './src/db/db.ts';
import { MembershipWorker } from './src/membership/worker.ts';
import { createServices } from './src/services.ts';
import { randomUUID } from 'node:crypto';
const db0 = await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/audience_bench_rt_small' });
const stats = new Map<string, { n: number; ms: number }>();
const wrap = (q: Queryable): Queryable => ({
  async query(sql, params) {
    const t = performance.now();
    try { return await q.query(sql, params); } finally {
      const k = sql.replace(/\s+/g, ' ').slice(0, 80);
      const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t; stats.set(k, s);
    }
  },
});
const db: Db = { ...db0, query: wrap(db0).query, transaction: (fn) => db0.transaction((tx) => fn(wrap(tx))) };
const clock = { now: () => new Date('2026-03-15T12:20:00Z') };
const ws = '01900000-0000-7000-8000-00000000b001';
const services = createServices({ db: db0, clock });
const w = new MembershipWorker({ db, clock, options: { changeBatch: Number(process.env.CB ?? 2000) } });
await w.drain();
stats.clear();
const NAMES = ['page_view', 'screen_view', 'app_launch', 'product_view', 'search', 'add_to_cart', 'session_start', 'purchase', 'email_open', 'push_open'];
let t = performance.now();
for (let b = 0; b < 10; b++) {
  const messages = Array.from({ length: 1000 }, (_, k) => ({ type: 'track', userId: `u${1 + ((b * 1000 + k) * 7919) % 20000}`, event: NAMES[k % 10], messageId: randomUUID(), properties: { amount: 5 } }));
  await services.events.ingest({ workspaceId: ws, timezone: 'UTC', messages, path: String });
}
console.log('ingest 10k', (performance.now() - t).toFixed(0));
const [c] = await db0.query('select count(*) n from profile_changes');
console.log('changes', c);
t = performance.now();
let js = 0;
const r = await w.drain();
console.log('drain', (performance.now() - t).toFixed(0), r);
let q = 0;
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) { console.log(s.n, s.ms.toFixed(0), k); }
for (const s of stats.values()) q += s.ms;
console.log('query total', q.toFixed(0));
await db0.close();
