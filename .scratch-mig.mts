import { openDb } from './src/db/open.ts';
const t = performance.now();
const db = await openDb({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/audience_bench_segments' });
console.log('migrated', performance.now() - t);
await db.query('VACUUM ANALYZE');
console.log('vacuumed', performance.now() - t);
await db.close();
