import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openDb } from '../src/db/open.ts';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import pg from 'pg';
const c = new pg.Client('postgres://postgres@127.0.0.1/postgres'); await c.connect(); await c.query('DROP DATABASE IF EXISTS prof_tmp WITH (FORCE)'); await c.query('CREATE DATABASE prof_tmp'); await c.end();
const db = await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1/prof_tmp', poolSize: 1 });
const ticks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const times = new Map<string, number>();
const [{ pid }] = await db.query<any>('SELECT pg_backend_pid() AS pid');
const wrapQ = (q: any) => { const orig = q.query.bind(q); q.query = async (sql: string, p: any) => { const t0 = ticks(pid); try { return await orig(sql, p); } finally { const k = sql.replace(/\s+/g, ' ').slice(0, 60); times.set(k, (times.get(k) ?? 0) + ticks(pid) - t0); } }; return q; };
const origTx = db.transaction.bind(db);
db.transaction = (fn: any) => origTx((tx: any) => fn(wrapQ(tx)));
const s = createServices({ db, clock: systemClock });
const { workspace } = await s.workspaces.create({ name: 'x' });
const NAMES = ['page_viewed', 'product_viewed', 'added_to_cart', 'checkout_started', 'purchase', 'app_opened'];
const mk = (i: number) => ({ type: 'track', userId: `user-${(i * 7919) % 10000}`, event: NAMES[i % 6], messageId: randomUUID(), timestamp: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), properties: { path: `/p/${i % 500}`, amount: 1.5, currency: 'EUR' } });
let pg0 = 0, node0 = process.cpuUsage();
const all = Array.from({ length: 40 }, (_, b) => Array.from({ length: 1000 }, (_, k) => mk(b * 1000 + k)));
for (let b = 0; b < 40; b++) {
  if (b === 10) { times.clear(); pg0 = ticks(pid); node0 = process.cpuUsage(); }
  const msgs = all[b]!;
  await s.events.ingest({ workspaceId: workspace.id, timezone: 'UTC', messages: msgs, path: (i) => `batch[${i}]` });
}
const n = process.cpuUsage(node0);
console.log('postgres backend CPU ms/batch', ((ticks(pid) - pg0) / 30).toFixed(1), ' node CPU ms/batch (incl. building messages)', ((n.user + n.system) / 1000 / 30).toFixed(1));
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) console.log((v / 30).toFixed(1).padStart(8), 'backend cpu ms/batch', k);
await db.close();
