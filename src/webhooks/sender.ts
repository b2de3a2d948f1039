import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import { pingBody, type DeliveryEvent } from './payload.ts';
import { postJson } from './post.ts';
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import { signatureHeader } from './signature.ts';

const Q = loadQueries('webhooks', ['claim-due', 'claim-delivery', 'insert-ping', 'record-attempt']);

export interface SenderOptions {
  /** How long a receiver has to answer (default 10 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Jitter source; tests pin it. */
  random?: () => number;
}

/** A delivery taken for one attempt. The secret stays in here: it is never logged or returned. */
interface Claimed {
  id: string;
  event: DeliveryEvent;
  body: string;
  attempts: number;
  url: string;
  secret: string;
}

// A claim outlives the request's timeout by this much, so that recording the outcome never races a re-claim.
const LEASE_MARGIN_MS = 5_000;

/**
 * Sends deliveries: claims them (a lease in next_attempt_at, so a crash mid-attempt only delays a
 * retry), signs and POSTs each, and records the outcome, with exponential backoff after a failure.
 */
export class DeliverySender {
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: { db: Db; clock: Clock } & SenderOptions) {
    this.timeoutMs = deps.timeoutMs ?? 10_000;
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
  }

  /** Claims up to `limit` due deliveries and attempts them all at once; resolves how many it took. */
  async sendDue(limit: number): Promise<number> {
    const now = this.deps.clock.now();
    const claimed = await this.deps.db.query<Claimed>(Q['claim-due'], [now, this.leaseEnd(now), limit]);
    await Promise.all(claimed.map((d) => this.attempt(d)));
    return claimed.length;
  }

  /** One attempt now at one delivery of the workspace's webhook, whatever its status. False when there is no such delivery. */
  async sendNow(args: { workspaceId: string; webhookId: string; deliveryId: string }): Promise<boolean> {
    const now = this.deps.clock.now();
    const [claimed] = await this.deps.db.query<Claimed>(Q['claim-delivery'], [args.workspaceId, args.webhookId, args.deliveryId, now, this.leaseEnd(now)]);
    if (!claimed) return false;
    await this.attempt(claimed);
    return true;
  }

  /** Sends a ping to the workspace's webhook now; resolves its delivery id, or undefined when there is no such webhook. */
  async ping(args: { workspaceId: string; webhookId: string }): Promise<string | undefined> {
    const id = newId();
    const now = this.deps.clock.now();
    const body = pingBody({ deliveryId: id, createdAt: now, webhookId: args.webhookId });
    const [claimed] = await this.deps.db.query<Claimed>(Q['insert-ping'], [id, args.workspaceId, args.webhookId, body, now, this.leaseEnd(now)]);
    if (!claimed) return undefined;
    await this.attempt(claimed);
    return id;
  }

  private async attempt(d: Claimed): Promise<void> {
    const timestamp = String(Math.floor(this.deps.clock.now().getTime() / 1000));
    const outcome = await postJson({
      url: d.url, body: d.body, timeoutMs: this.timeoutMs,
      headers: {
        'user-agent': 'Audience-Webhooks/1',
        'audience-webhook-id': d.id,
        'audience-webhook-timestamp': timestamp,
        'audience-webhook-signature': signatureHeader({ secret: d.secret, timestamp, body: d.body }),
      },
    });
    const now = this.deps.clock.now();
    // A ping answers "does the endpoint work now?": it is not retried.
    const final = outcome.ok || d.event === 'ping' || d.attempts >= this.retry.maxAttempts;
    const status = outcome.ok ? 'succeeded' : final ? 'failed' : 'pending';
    const next = final ? now : new Date(now.getTime() + retryDelayMs(this.retry, d.attempts, this.deps.random));
    await this.deps.db.query(Q['record-attempt'], [d.id, d.attempts, status, next, outcome.status, outcome.error, outcome.ok ? now : null]);
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.timeoutMs + LEASE_MARGIN_MS);
  }
}
