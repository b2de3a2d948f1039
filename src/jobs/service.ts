import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { AudienceError, Errors } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { startLoop, type Loop } from '../workers/loop.ts';

const Q = loadQueries('jobs', [
  'insert-job', 'insert-items', 'set-total', 'get-job', 'claim-job', 'lock-own-job', 'batch-items', 'record-progress', 'delete-items', 'fail-job',
]);

export const JOB_KINDS = ['tag.assign', 'tag.remove', 'list.add', 'list.remove'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface BatchCounts {
  changed: number;
  unchanged: number;
  invalid: number;
}

/**
 * Applies one batch of a job's items inside the transaction that also records the job's progress.
 * Throwing an AudienceError fails the job for good (its tag was deleted); anything else is retried.
 */
export type BatchHandler = (tx: Queryable, args: { workspaceId: string; targetId: string; items: string[]; at: Date }) => Promise<BatchCounts>;

export interface Job extends BatchCounts {
  id: string;
  workspace_id: string;
  kind: JobKind;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  total: number;
  processed: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

interface Claimed {
  id: string;
  workspace_id: string;
  kind: JobKind;
  params: { targetId: string };
  total: number;
  processed: number;
  attempts: number;
}

export interface JobOptions {
  /** Items per batch; each batch is one transaction. */
  batchSize?: number;
  /** How long a claim holds without progress before another worker may resume the job. */
  leaseMs?: number;
  maxAttempts?: number;
}

/**
 * Durable background jobs for bulk work over many profiles: a table on the coordinator, claimed with
 * FOR UPDATE SKIP LOCKED (so several workers never take one job), processed in batches, each batch
 * committing its progress with its effects, so a job resumes after a restart where it stopped.
 */
export class JobService {
  private handlers?: Record<JobKind, BatchHandler>;
  private loop?: Loop;
  private readonly workerId = newId();
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly deps: { db: Db; clock: Clock } & JobOptions) {
    this.batchSize = deps.batchSize ?? 1000;
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.maxAttempts = deps.maxAttempts ?? 5;
  }

  /** Set once by the composition root; a Record so that a new job kind without a handler fails to compile. */
  handle(handlers: Record<JobKind, BatchHandler>): void {
    this.handlers = handlers;
  }

  /**
   * Queues a job over `items`: a list of profile ids, or a query whose rows are `{ profile_id }` (a rule's
   * matches, snapshotted into the job by one INSERT ... SELECT, so they never pass through memory).
   * `invalid` counts items already rejected (malformed ids).
   */
  async create(args: { workspaceId: string; kind: JobKind; targetId: string; items: readonly string[] | { sql: string; params: readonly unknown[] }; invalid: number }): Promise<Job> {
    const id = newId();
    const job = await this.deps.db.transaction(async (tx) => {
      await tx.query(Q['insert-job'], [id, args.workspaceId, args.kind, { targetId: args.targetId }, args.invalid, this.deps.clock.now()]);
      if (Array.isArray(args.items)) {
        await tx.query(Q['insert-items'], [id, args.items]);
      } else {
        const { sql, params } = args.items as { sql: string; params: readonly unknown[] };
        // The query comes from the rule compiler (bound values only); the job id is one more parameter.
        await tx.query(`INSERT INTO job_items (job_id, seq, profile_id) SELECT $${params.length + 1}::uuid, row_number() OVER (ORDER BY m.profile_id), m.profile_id FROM (${sql}) m`, [...params, id]);
      }
      const [row] = await tx.query<Job>(Q['set-total'], [id]);
      return row!;
    });
    this.loop?.nudge();
    return job;
  }

  async get(workspaceId: string, id: string): Promise<Job> {
    const [job] = await this.deps.db.query<Job>(Q['get-job'], [workspaceId, id]);
    if (!job) throw Errors.notFound({ resource: 'job', id });
    return job;
  }

  /** Runs queued jobs in the background until stop(). */
  start(opts: { idleMs?: number; onError?: (err: unknown) => void } = {}): Loop {
    this.loop = startLoop({ name: 'jobs', tick: () => this.runOne(), idleMs: opts.idleMs ?? 1000, onError: opts.onError });
    return this.loop;
  }

  /**
   * Claims one job and works on it, `maxBatches` batches at most (tests stop there to play a crash).
   * Resolves true when it found a job, so a loop asks again at once.
   */
  async runOne(opts: { maxBatches?: number } = {}): Promise<boolean> {
    const handlers = this.handlers;
    if (!handlers) throw new Error('JobService.handle() was not called');
    const now = this.deps.clock.now();
    const [job] = await this.deps.db.query<Claimed>(Q['claim-job'], [this.workerId, this.leaseUntil(now), now]);
    if (!job) return false;
    if (job.attempts > this.maxAttempts) {
      await this.fail(job.id, `gave up after ${this.maxAttempts} attempts`);
      return true;
    }
    let processed = job.processed;
    if (processed >= job.total) processed = await this.runBatch(job, handlers[job.kind]); // no items: finish it
    for (let batches = 0; processed < job.total && batches < (opts.maxBatches ?? Infinity); batches++) {
      try {
        processed = await this.runBatch(job, handlers[job.kind]);
      } catch (err) {
        if (!(err instanceof AudienceError)) throw err; // transient: the lease runs out and the job is resumed
        await this.fail(job.id, err.message);
        return true;
      }
      if (processed < 0) return true; // the lease was lost to another worker
    }
    return true;
  }

  /** One batch and its progress in one transaction. Returns the new resume point, or -1 when the job is no longer ours. */
  private runBatch(job: Claimed, handler: BatchHandler): Promise<number> {
    return this.deps.db.transaction(async (tx) => {
      const [own] = await tx.query<{ processed: number }>(Q['lock-own-job'], [job.id, this.workerId]);
      if (!own) return -1;
      const at = this.deps.clock.now();
      const end = Math.min(own.processed + this.batchSize, job.total);
      const items = (await tx.query<{ profile_id: string }>(Q['batch-items'], [job.id, own.processed, end])).map((r) => r.profile_id);
      const counts = items.length === 0 ? { changed: 0, unchanged: 0, invalid: 0 } : await handler(tx, { workspaceId: job.workspace_id, targetId: job.params.targetId, items, at });
      const [done] = await tx.query<{ status: Job['status'] }>(Q['record-progress'], [job.id, end, counts.changed, counts.unchanged, counts.invalid, this.leaseUntil(at), at]);
      if (done!.status === 'succeeded') await tx.query(Q['delete-items'], [job.id]);
      return end;
    });
  }

  private async fail(id: string, error: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await tx.query(Q['fail-job'], [id, error, this.deps.clock.now()]);
      await tx.query(Q['delete-items'], [id]);
    });
  }

  private leaseUntil(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }
}
