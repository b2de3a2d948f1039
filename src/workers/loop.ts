/**
 * A background worker loop: calls `tick` until it reports no more work, then sleeps `idleMs`
 * (or until `nudge()` is called by a writer in this process). A nudge during a tick is kept: the tick may
 * have read its queue before that write committed, so the loop ticks again at once instead of sleeping
 * (else the write waits up to `idleMs`). Errors are logged and retried after a pause; `stop()` waits for
 * the current tick. Every background worker (membership, webhooks, jobs) uses it.
 */
export interface Loop {
  nudge(): void;
  stop(): Promise<void>;
}

export interface LoopOptions {
  name: string;
  /** Does one unit of work; resolves true when there may be more right away. */
  tick: () => Promise<boolean>;
  idleMs: number;
  /** Pause after a failed tick (default 1 s). */
  errorPauseMs?: number;
  onError?: (err: unknown) => void;
}

export function startLoop(opts: LoopOptions): Loop {
  let stopped = false;
  let nudged = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref?.();
    }).finally(() => {
      clearTimeout(timer);
      wake = undefined;
    });

  const run = (async () => {
    while (!stopped) {
      let more = false;
      nudged = false;
      try {
        more = await opts.tick();
      } catch (err) {
        opts.onError?.(err);
        await sleep(opts.errorPauseMs ?? 1000);
        continue;
      }
      if (!more && !nudged && !stopped) await sleep(opts.idleMs);
    }
  })();

  return {
    nudge: () => {
      nudged = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await run;
    },
  };
}
