/**
 * Where the realtime bench's time goes (BENCH_PROFILE=1): a Db wrapper that sums the wall time of every
 * statement by its named query (src/db/queries/*.sql; other SQL by its first words), and the membership
 * worker's steps (duration, change records and due profiles per step). Wall time of concurrent statements
 * adds up, so the sums show what waits on PostgreSQL, not elapsed time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Db, Queryable } from '../src/db/db.ts';
import { parseNamedQueries } from '../src/db/queries.ts';
import type { MembershipWorker, StepResult } from '../src/membership/worker.ts';

const dir = new URL('../src/db/queries/', import.meta.url);
const names = new Map<string, string>();
for (const f of readdirSync(dir)) {
  if (!f.endsWith('.sql')) continue;
  for (const [name, sql] of parseNamedQueries(readFileSync(new URL(f, dir), 'utf8'))) names.set(sql, `${f.replace(/\.sql$/, '')}:${name}`);
}
const label = (sql: string) => names.get(sql) ?? sql.replace(/\s+/g, ' ').trim().slice(0, 40);

interface Sum { n: number; ms: number }

export class Profile {
  readonly queries = new Map<string, Sum>();
  readonly steps: { ms: number; changes: number; due: number; transitions: number }[] = [];

  /** The same Db, timing every statement. */
  wrap(db: Db): Db {
    const timed = (q: Queryable): Queryable => ({
      query: async (sql, params) => {
        const t = performance.now();
        try {
          return await q.query(sql, params);
        } finally {
          this.add(label(sql), performance.now() - t);
        }
      },
    });
    const outer = timed(db);
    return {
      dialect: db.dialect,
      query: outer.query as Db['query'],
      transaction: (fn) => {
        const t = performance.now();
        return db.transaction((tx) => fn(timed(tx))).finally(() => this.add('(transaction, whole)', performance.now() - t));
      },
      close: () => db.close(),
    };
  }

  /** Times each step of the worker. */
  watch(worker: MembershipWorker): void {
    const run = worker.runOnce.bind(worker);
    worker.runOnce = async (args) => {
      const t = performance.now();
      const r: StepResult = await run(args);
      if (r.changes + r.due > 0) this.steps.push({ ms: performance.now() - t, changes: r.changes, due: r.due, transitions: r.transitions });
      return r;
    };
  }

  reset(): void {
    this.queries.clear();
    this.steps.length = 0;
  }

  private add(key: string, ms: number): void {
    const s = this.queries.get(key);
    if (s) {
      s.n++;
      s.ms += ms;
    } else this.queries.set(key, { n: 1, ms });
  }

  report(title: string, wallMs: number): string {
    const pct = (xs: number[], p: number) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
    };
    const ms = this.steps.map((s) => s.ms);
    const busy = ms.reduce((a, b) => a + b, 0);
    const lines = [
      `   profile (${title}): ${this.steps.length} worker steps with work, busy ${(busy / wallMs * 100).toFixed(0)}% of ${(wallMs / 1000).toFixed(1)} s; ` +
        `step p50 ${pct(ms, 50).toFixed(0)} ms, p99 ${pct(ms, 99).toFixed(0)} ms; change records per step p50 ${pct(this.steps.map((s) => s.changes), 50)}, ` +
        `max ${pct(this.steps.map((s) => s.changes), 100)}; due per step p50 ${pct(this.steps.map((s) => s.due), 50)}`,
    ];
    for (const [k, s] of [...this.queries].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18)) {
      lines.push(`     ${k.padEnd(44)} ${String(s.n).padStart(7)} × ${(s.ms / s.n).toFixed(2).padStart(7)} ms = ${(s.ms / 1000).toFixed(1).padStart(6)} s`);
    }
    return lines.join('\n');
  }
}
