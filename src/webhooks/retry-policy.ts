/** When a failed delivery is tried again, and when it stops being tried. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failed one the delivery is `failed`. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles with each failure after that. */
  baseMs: number;
  capMs: number;
  /** Up to this fraction of the wait is added at random, so that retries to a receiver that comes back do not all land at once. */
  jitter: number;
}

/** 10 s, 20 s, 40 s ... capped at 1 h: 15 attempts span about 6.5 hours (7.5 with the most jitter). */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 15, baseMs: 10_000, capMs: 3_600_000, jitter: 0.2 };

/** The wait before the next attempt after `failedAttempts` failures (1 or more). */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const wait = Math.min(policy.baseMs * 2 ** Math.max(0, failedAttempts - 1), policy.capMs);
  return Math.round(wait * (1 + policy.jitter * random()));
}
