import { randomUUID } from 'node:crypto';
import { openDb } from '../src/db/open.ts';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import pg from 'pg';
const kind = process.argv[2];
let db;
if (kind === 'pglite') db = await openDb({ kind: 'pglite', dataDir: '/work/main/.bench/prof/pgl-' + Date.now() });
else { const c = new pg.Client('postgres://postgres@127.0.0.1/postgres'); await c.connect(); await c.query('DROP DATABASE IF EXISTS prof_tmp WITH (FORCE)'); await c.query('CREATE DATABASE prof_tmp'); await c.end(); db = await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1/prof_tmp' }); }
const times = new Map<string, number>();
if (process.env.SQL) await db.query(process.env.SQL);
const wrapQ = (q: any) => { const orig = q.query.bind(q); q.query = async (sql: string, p: any) => { const c0 = process.cpuUsage(); try { return await orig(sql, p); } finally { const c = process.cpuUsage(c0); const k = sql.replace(/\s+/g, ' ').slice(0, 60); times.set(k, (times.get(k) ?? 0) + (c.user + c.system) / 1000); } }; return q; };
const origTx = db.transaction.bind(db);
db.transaction = async (fn: any) => { const c0 = process.cpuUsage(); let inner = 0; const r = await origTx(async (tx: any) => { const c1 = process.cpuUsage(); const x = await fn(wrapQ(tx)); const c2 = process.cpuUsage(c1); inner = (c2.user + c2.system) / 1000; return x; }); const c = process.cpuUsage(c0); times.set('tx overhead (begin/commit)', (times.get('tx overhead (begin/commit)') ?? 0) + (c.user + c.system) / 1000 - inner); return r; };
wrapQ(db);
const s = createServices({ db, clock: systemClock });
const { workspace } = await s.workspaces.create({ name: 'x' });
const NAMES = ['page_viewed', 'product_viewed', 'added_to_cart', 'checkout_started', 'purchase', 'app_opened'];
const mk = (i: number) => ({ type: 'track', userId: `user-${(i * 7919) % 10000}`, event: NAMES[i % 6], messageId: randomUUID(), timestamp: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(), properties: { path: `/p/${i % 500}`, amount: 1.5, currency: 'EUR' } });
for (let b = 0; b < 30; b++) {
  if (b === 10) { times.clear(); (globalThis as any).cpu0 = process.cpuUsage(); }
  const msgs = Array.from({ length: 1000 }, (_, k) => mk(b * 1000 + k));
  const t = performance.now();
  await s.events.ingest({ workspaceId: workspace.id, timezone: 'UTC', messages: msgs, path: (i) => `batch[${i}]` });
  if (b >= 10) times.set('TOTAL', (times.get('TOTAL') ?? 0) + performance.now() - t);
}
const cu = process.cpuUsage((globalThis as any).cpu0); console.log('CPU ms/batch', ((cu.user + cu.system) / 1000 / 20).toFixed(1));
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) console.log((v / 20).toFixed(1).padStart(8), 'cpu ms/batch', k);
await db.close();
