import type { ConsentService } from '../consent/service.ts';
import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { transactionWithRetry } from '../db/retry.ts';
import type { Clock } from '../shared/clock.ts';
import { AudienceError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { startLoop, type Loop } from '../workers/loop.ts';
import { isBlank } from './analyze.ts';
import { writeBatch } from './batch.ts';
import type { RunPlan } from './plan.ts';
import { isRejection, type PreparedRow, prepareRow, type Rejection } from './prepare.ts';
import { openRowFile, type RowFile } from './readers/open.ts';
import type { ImportFiles, ImportRow } from './store.ts';

const Q = loadQueries('imports', ['claim-import', 'lock-own-import', 'record-batch', 'finish-import', 'fail-import', 'release-import']);

export interface ImportWorkerOptions {
  /** Rows per batch; a batch, its resume point and its counts are one transaction. */
  batchSize?: number;
  /** How long a claim holds without a batch committing before another worker may resume the import. */
  leaseMs?: number;
  maxAttempts?: number;
}

interface Batch {
  rows: PreparedRow[];
  rejected: Rejection[];
  /** The resume point after it: the last row it consumed and the byte after that row (delimited text). */
  last: { row: number; end: number | null };
}

type Committed = { ok: true; row: ImportRow } | { ok: false } | { error: unknown };

/**
 * Runs imports in the background: claims a running import with FOR UPDATE SKIP LOCKED under a lease,
 * reads its file from the resume point (rows_done, and the byte after that row for delimited text), and
 * writes it in batches. Each batch commits with the new resume point and its counts, so a worker that
 * dies loses at most the batch in flight, and the next one — in this process after a restart, or another
 * process once the lease ran out — goes on from the last committed batch: no row is written twice or
 * skipped. Rows are read and checked while the previous batch is being written.
 */
export class ImportWorker {
  private readonly workerId = newId();
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private loop: Loop | undefined;
  private stopping = false;

  constructor(private readonly deps: { db: Db; clock: Clock; consent: ConsentService; files: ImportFiles; maxUnzippedBytes: number } & ImportWorkerOptions) {
    this.batchSize = deps.batchSize ?? 5000;
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.maxAttempts = deps.maxAttempts ?? 5;
  }

  /** Runs imports until stop(); at start it resumes the ones left running (once their lease ran out). */
  start(opts: { idleMs?: number; onError?: (err: unknown) => void } = {}): Loop {
    this.stopping = false;
    const loop = startLoop({ name: 'imports', tick: () => this.runOne(), idleMs: opts.idleMs ?? 2000, onError: opts.onError });
    this.loop = {
      nudge: loop.nudge,
      stop: async () => {
        this.stopping = true;
        await loop.stop();
      },
    };
    return this.loop;
  }

  /** Wakes the loop (an import was started in this process). */
  nudge(): void {
    this.loop?.nudge();
  }

  /**
   * Claims one running import (or `importId`) and works on it until it ends, is cancelled, or — tests
   * playing a crash — `maxBatches` batches are in (then it stops without giving the lease back).
   * `onProgress` hears each committed batch. Resolves true when it found an import.
   */
  async runOne(opts: { importId?: string; maxBatches?: number; onProgress?: (row: ImportRow) => void } = {}): Promise<boolean> {
    const now = this.deps.clock.now();
    const [imp] = await this.deps.db.query<ImportRow>(Q['claim-import'], [this.workerId, this.leaseUntil(now), now, opts.importId ?? null]);
    if (!imp) return false;
    if (imp.attempts > this.maxAttempts) {
      await this.fail(imp, `gave up after ${this.maxAttempts} attempts; the last error is in the server log`);
      return true;
    }
    const plan = imp.plan!;
    let file: RowFile;
    try {
      file = await openRowFile({ path: imp.file_path, name: imp.file_name }, {
        ...plan.read, reportBroken: true, resume: { afterRow: imp.rows_done, startByte: imp.byte_offset }, maxUnzippedBytes: this.deps.maxUnzippedBytes,
      });
    } catch (err) {
      if (!(err instanceof AudienceError)) throw err;
      await this.fail(imp, err.message);
      return true;
    }

    let batch: Batch = { rows: [], rejected: [], last: { row: imp.rows_done, end: imp.byte_offset } };
    let committedRows = imp.rows_done;
    let pending: Promise<Committed> | undefined;
    let batches = 0;
    /** Waits for the batch in flight; false when the import is no longer this worker's to run. */
    const settle = async (): Promise<boolean> => {
      if (!pending) return true;
      const done = await pending;
      pending = undefined;
      if ('error' in done) throw done.error;
      if (!done.ok) return false;
      committedRows = done.row.rows_done;
      opts.onProgress?.(done.row);
      return true;
    };
    /** Sends the current batch off (after the one in flight); false when the run must stop here. */
    const flush = async (): Promise<boolean> => {
      if (!(await settle())) return false;
      if (batches >= (opts.maxBatches ?? Infinity) || this.stopping) return false;
      const b = batch;
      batch = { rows: [], rejected: [], last: b.last };
      batches++;
      pending = this.commit(imp, plan, b, committedRows).then((r): Committed => r, (error: unknown) => ({ error }));
      return true;
    };

    try {
      for await (const row of file.rows) {
        batch.last = { row: row.row, end: row.end ?? null };
        if (row.row <= plan.data_after || (isBlank(row) && !row.error)) continue;
        const p = prepareRow(row, plan);
        if (isRejection(p)) batch.rejected.push(p);
        else batch.rows.push(p);
        if (batch.rows.length + batch.rejected.length >= this.batchSize && !(await flush())) return this.stop(imp, batches, opts.maxBatches);
      }
      if (!(await settle())) return this.stop(imp, batches, opts.maxBatches);
      if (batch.last.row > committedRows || batch.rows.length + batch.rejected.length > 0) {
        if (!(await flush()) || !(await settle())) return this.stop(imp, batches, opts.maxBatches);
      }
    } catch (err) {
      await pending; // never leave a transaction behind
      if (!(err instanceof AudienceError)) throw err; // transient: claimed again (this worker at once, or another after the lease)
      await this.fail(imp, err.message);
      return true;
    }
    const [done] = await this.deps.db.query<ImportRow>(Q['finish-import'], [imp.id, this.workerId, this.deps.clock.now()]);
    if (done) {
      opts.onProgress?.(done);
      await this.deps.files.remove(imp.file_path);
    }
    return true;
  }

  /** One batch, its resume point and counts, in one transaction (retried when it lost a race). */
  private commit(imp: ImportRow, plan: RunPlan, batch: Batch, expectedDone: number): Promise<{ ok: true; row: ImportRow } | { ok: false }> {
    return transactionWithRetry(this.deps.db, async (tx) => {
      const [own] = await tx.query<{ rows_done: number }>(Q['lock-own-import'], [imp.id, this.workerId]);
      // Cancelled, or the lease went to another worker (this one stalled): stop without writing.
      if (!own || own.rows_done !== expectedDone) return { ok: false as const };
      const at = this.deps.clock.now();
      const counts = await writeBatch(tx, { consent: this.deps.consent }, { workspaceId: imp.workspace_id, importId: imp.id, now: at, plan, rows: batch.rows, rejected: batch.rejected });
      const [row] = await tx.query<ImportRow>(Q['record-batch'], [
        imp.id, batch.last.row, batch.last.end, counts.read, counts.created, counts.updated, counts.unchanged, counts.rejected, this.leaseUntil(at), at,
      ]);
      return { ok: true as const, row: row! };
    });
  }

  /** The run stopped before the end: by request (the lease is given back) or after maxBatches (kept, as a crash would). */
  private async stop(imp: ImportRow, batches: number, maxBatches: number | undefined): Promise<boolean> {
    if (this.stopping && batches < (maxBatches ?? Infinity)) await this.deps.db.query(Q['release-import'], [imp.id, this.workerId, this.deps.clock.now()]);
    return true;
  }

  private async fail(imp: ImportRow, error: string): Promise<void> {
    const [row] = await this.deps.db.query(Q['fail-import'], [imp.id, error, this.deps.clock.now()]);
    if (row) await this.deps.files.remove(imp.file_path);
  }

  private leaseUntil(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }
}

