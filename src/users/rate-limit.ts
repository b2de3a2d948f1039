import type { Clock } from '../shared/clock.ts';

/**
 * A fixed-window counter per key, in memory (one process; behind several processes each limits on
 * its own, which still bounds guessing). `hit` counts an attempt and says whether it is allowed.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly o: { clock: Clock; max: number; windowMs: number }) {}

  /** Counts one attempt; `allowed` is false past the limit, with the seconds until the window ends. */
  hit(key: string): { allowed: boolean; retryAfterSeconds: number } {
    const now = this.o.clock.now().getTime();
    if (this.windows.size > 50_000) this.prune(now);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.o.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= this.o.max, retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.o.windowMs - now) / 1000)) };
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.o.windowMs) this.windows.delete(k);
  }
}
