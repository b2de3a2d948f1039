/**
 * The membership worker. Each step finds the workspaces with work (change records, due profiles,
 * segments to build, deleted segments with members left) and, per workspace, inside a transaction
 * holding that workspace's advisory lock (try-lock: a workspace another process holds is skipped):
 *   1. reads the definitions (cached per fingerprint), starts builds for new or changed segments,
 *      claims change records and due profiles and writes the differences (incremental.ts), and exits
 *      one chunk of a deleted segment's members (deletions.ts);
 *   2. in a second transaction, one build step if any (build.ts).
 * The lock makes one workspace's transitions commit one transaction after another, so their ids grow in
 * commit order (the change feed's promise), and two processes never evaluate one profile at once.
 * `now` is read after the lock is taken, so evaluations of a workspace never go back in time.
 */
import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { startLoop, type Loop } from '../workers/loop.ts';
import { buildStep, startBuilds, type BuildOptions } from './build.ts';
import { DefinitionsCache, type Definitions } from './definitions.ts';
import { exitDeletedStep } from './deletions.ts';
import { processQueues } from './incremental.ts';

const Q = loadQueries('membership', ['workspaces-with-work', 'try-lock-workspace', 'forget-workspace', 'analyze-members', 'vacuum-changes', 'vacuum-due']);

/** First key of the two-part advisory lock; the second is hashtext(workspace id). */
const LOCK_SPACE = 4_242_004;

export interface MembershipOptions extends BuildOptions {
  /** Change records claimed per transaction. */
  changeBatch: number;
  /** Due profiles claimed per transaction. */
  dueBatch: number;
  /** Every this many steps, look for workspaces whose definitions changed with nothing queued (a rule changed through what it reaches). */
  fullCheckEvery: number;
  /** Run ANALYZE on segment_members after builds changed this many rows. */
  analyzeAfter: number;
  /** VACUUM a queue (profile_changes, membership_due) after this many of its rows were claimed. */
  vacuumAfter: number;
  /** Members of a deleted segment exited per transaction. */
  deleteChunk: number;
}

export const DEFAULT_MEMBERSHIP_OPTIONS: MembershipOptions = { changeBatch: 2000, dueBatch: 2000, pageSize: 20_000, sweepChunk: 1000, fullCheckEvery: 20, analyzeAfter: 500_000, deleteChunk: 5000, vacuumAfter: 20_000 };

export interface StepResult {
  /** There is more work right now (a batch was full, a build goes on). */
  more: boolean;
  changes: number;
  due: number;
  transitions: number;
  /** Workspaces skipped because another process held their lock. */
  busy: number;
}

export class MembershipWorker {
  private readonly defs = new DefinitionsCache();
  private readonly opts: MembershipOptions;
  private steps = 0;
  private unanalyzed = 0;
  /** Queue rows claimed (deleted) since that queue was last vacuumed, and the vacuum under way. */
  private readonly claimed = { changes: 0, due: 0 };
  private vacuuming: Promise<void> | undefined;
  private readonly built = new WeakSet<Definitions>();
  /** Definitions seen with no deleted segment left to empty (a deletion changes the definitions). */
  private readonly emptied = new WeakSet<Definitions>();
  private loop: Loop | undefined;
  private readonly reported = new Set<string>();
  private onError: ((err: unknown) => void) | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; options?: Partial<MembershipOptions>; onError?: (err: unknown) => void }) {
    this.opts = { ...DEFAULT_MEMBERSHIP_OPTIONS, ...deps.options };
    this.onError = deps.onError;
  }

  /**
   * One step over every workspace with work. `now` fixes the evaluation instant (tests); without it each
   * workspace reads the clock once its lock is held.
   */
  async runOnce(args: { now?: Date } = {}): Promise<StepResult> {
    const rows = await this.deps.db.query<{ workspace_id: string }>(Q['workspaces-with-work'], [args.now ?? this.deps.clock.now()]);
    const workspaces = new Set(rows.map((r) => r.workspace_id));
    if (this.steps++ % this.opts.fullCheckEvery === 0) for (const w of await this.defs.changed(this.deps.db)) workspaces.add(w);
    const total: StepResult = { more: false, changes: 0, due: 0, transitions: 0, busy: 0 };
    for (const workspace_id of workspaces) {
      const r = await this.stepWorkspace(workspace_id, args.now);
      total.more ||= r.more;
      total.changes += r.changes;
      total.due += r.due;
      total.transitions += r.transitions;
      total.busy += r.busy;
    }
    this.noteClaims(total);
    return total;
  }

  /** runOnce until nothing is left (tests and the CLI); returns the sums. */
  async drain(args: { now?: Date; maxSteps?: number } = {}): Promise<StepResult> {
    const sum: StepResult = { more: false, changes: 0, due: 0, transitions: 0, busy: 0 };
    for (let i = 0; i < (args.maxSteps ?? 10_000); i++) {
      const r = await this.runOnce(args);
      sum.changes += r.changes;
      sum.due += r.due;
      sum.transitions += r.transitions;
      sum.busy += r.busy;
      if (!r.more && r.busy === 0) {
        await this.vacuuming;
        return sum;
      }
    }
    await this.vacuuming;
    return { ...sum, more: true };
  }

  /** Runs in the background: steps while there is work, else sleeps `idleMs` or until nudge(). */
  start(args: { idleMs?: number; onError?: (err: unknown) => void } = {}): Loop {
    if (this.loop) return this.loop;
    if (args.onError) this.onError = args.onError;
    const loop = startLoop({
      name: 'membership',
      tick: async () => (await this.runOnce()).more,
      idleMs: args.idleMs ?? 50,
      onError: (err) => this.onError?.(err),
    });
    this.loop = loop;
    return {
      nudge: () => loop.nudge(),
      stop: async () => {
        this.loop = undefined;
        await loop.stop();
        await this.vacuuming;
      },
    };
  }

  /** Wakes the background loop (a write in this process has just committed). */
  nudge(): void {
    this.loop?.nudge();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.vacuuming;
    this.loop = undefined;
  }

  private async stepWorkspace(workspaceId: string, fixedNow: Date | undefined): Promise<StepResult> {
    const out: StepResult = { more: false, changes: 0, due: 0, transitions: 0, busy: 0 };
    const building = await this.locked(workspaceId, fixedNow, async (tx, defs, now) => {
      // Builds start only when definitions change, so once every segment is built at these definitions
      // (the same object while the fingerprint holds) there is nothing to look at.
      const b = this.built.has(defs) ? false : await startBuilds(tx, defs, now);
      if (!b) this.built.add(defs);
      // PGlite has one connection, held by this transaction: read through it there.
      const reader = this.deps.db.dialect === 'postgres' ? this.deps.db : tx;
      const r = await processQueues(tx, { reader, defs, now, changeLimit: this.opts.changeBatch, dueLimit: this.opts.dueBatch });
      Object.assign(out, r);
      out.more = r.changes === this.opts.changeBatch || r.due === this.opts.dueBatch;
      if (!this.emptied.has(defs)) {
        const d = await exitDeletedStep(tx, { workspaceId, now, chunk: this.opts.deleteChunk });
        if (d.pending) out.more = true;
        else this.emptied.add(defs);
        out.transitions += d.transitions;
      }
      return b;
    });
    if (building === LOCKED) return { ...out, busy: 1 };
    if (building) {
      const stepped = await this.locked(workspaceId, fixedNow, (tx, defs, now) => buildStep(tx, { defs, now, ...this.opts }));
      if (stepped === LOCKED) out.busy = 1;
      else if (stepped) {
        out.more ||= stepped.worked;
        await this.noteBulkWrites(stepped.written);
      }
    }
    return out;
  }

  /**
   * The queues are claimed by deleting rows, and a claim (and workspaces-with-work) walks its index from
   * the oldest entry: over every dead entry until a VACUUM removes them. Autovacuum can take many minutes
   * to come round when it is busy with large tables (measured: 800,000 dead change records never vacuumed
   * during the realtime bench; the claim and the work lookup read the whole 4,000-page index each step,
   * 20-40% of a step). So the worker vacuums a queue itself every `vacuumAfter` claims, on the pool, beside
   * its steps (one at a time; VACUUM cannot run in a transaction and does not block inserts or claims).
   */
  private noteClaims(r: StepResult): void {
    this.claimed.changes += r.changes;
    this.claimed.due += r.due;
    if (this.vacuuming) return;
    const tables = (['changes', 'due'] as const).filter((k) => this.claimed[k] >= this.opts.vacuumAfter);
    if (tables.length === 0) return;
    for (const k of tables) this.claimed[k] = 0;
    this.vacuuming = (async () => {
      for (const k of tables) await this.deps.db.query(Q[k === 'changes' ? 'vacuum-changes' : 'vacuum-due']);
    })().catch((err) => this.onError?.(err)).finally(() => (this.vacuuming = undefined));
  }

  /**
   * Builds grow segment_members by millions of rows faster than autovacuum re-analyzes it, and with
   * stale statistics the planner scans a segment's members instead of looking profiles up by key.
   */
  private async noteBulkWrites(rows: number): Promise<void> {
    this.unanalyzed += rows;
    if (this.unanalyzed < this.opts.analyzeAfter) return;
    this.unanalyzed = 0;
    await this.deps.db.query(Q['analyze-members']);
  }

  /** fn in a transaction holding the workspace's lock, with its definitions and `now`; LOCKED when another process has it. */
  private locked<T>(workspaceId: string, fixedNow: Date | undefined, fn: (tx: Queryable, defs: Definitions, now: Date) => Promise<T>): Promise<T | typeof LOCKED | undefined> {
    return this.deps.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>(Q['try-lock-workspace'], [LOCK_SPACE, workspaceId]);
      if (!lock?.locked) return LOCKED;
      const defs = await this.defs.load(tx, workspaceId);
      if (!defs) {
        await tx.query(Q['forget-workspace'], [workspaceId]); // the workspace is gone
        return undefined;
      }
      this.reportInvalid(defs);
      return fn(tx, defs, fixedNow ?? this.deps.clock.now());
    });
  }

  /** A segment whose rule no longer parses keeps its stored members; say so once per definitions. */
  private reportInvalid(defs: Definitions): void {
    for (const bad of defs.invalid) {
      const key = `${bad.id}:${bad.error}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.onError?.(new Error(`segment ${bad.id} ("${bad.name}") is not maintained: ${bad.error}`));
    }
  }
}

const LOCKED = Symbol('locked');
