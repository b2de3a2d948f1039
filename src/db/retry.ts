import { Errors } from '../shared/errors.ts';
import type { Db, Queryable } from './db.ts';

/** Thrown inside a transaction when a concurrent write won a race (an identifier taken meanwhile): run it again. */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`retry: ${reason}`);
  }
}

// serialization_failure, deadlock_detected: PostgreSQL asks the client to run the transaction again.
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

const isRetryable = (err: unknown): boolean =>
  err instanceof RetryTransaction || RETRYABLE_SQLSTATES.has((err as { code?: unknown } | null)?.code as string);

/**
 * db.transaction(fn), run again (from scratch) when it lost a race. Past `attempts` the request gets a 503
 * (the client sends it again later), not a 500.
 */
export async function transactionWithRetry<T>(db: Db, fn: (tx: Queryable) => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction(fn);
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (i >= attempts) throw Errors.writeContention();
    }
  }
}
