import type { Db } from '../db/db.ts';
import type { Clock } from '../shared/clock.ts';
import { startLoop, type Loop } from '../workers/loop.ts';
import { fanOut } from './fan-out.ts';
import type { DeliverySender } from './sender.ts';

export interface WebhookWorkerOptions {
  /** Transitions read per webhook per fan-out batch, and deliveries attempted at once (default 200). */
  batchSize?: number;
}

/**
 * The webhook delivery worker. It learns of new transitions from the log (never from the writer
 * calling it): each step fans new transitions out into deliveries, then sends the due ones.
 * Several processes may run it on one database: the locks in fanOut and the sender's claims keep
 * each delivery with one of them at a time.
 */
export class WebhookWorker {
  private readonly batchSize: number;

  constructor(private readonly deps: { db: Db; clock: Clock; sender: DeliverySender } & WebhookWorkerOptions) {
    this.batchSize = deps.batchSize ?? 200;
  }

  /** One step: fan out, then send what is due. Resolves true when it did something (there may be more). */
  async runOnce(): Promise<boolean> {
    const more = await fanOut(this.deps, this.batchSize);
    const sent = await this.deps.sender.sendDue(this.batchSize);
    return more || sent > 0;
  }

  /** Runs steps in the background until stop(); polls every `idleMs` (default 1 s) when idle. */
  start(opts: { idleMs?: number; onError?: (err: unknown) => void } = {}): Loop {
    return startLoop({ name: 'webhooks', tick: () => this.runOnce(), idleMs: opts.idleMs ?? 1000, onError: opts.onError });
  }
}
