import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { Errors } from '../shared/errors.ts';
import { isUuid, newId } from '../shared/ids.ts';
import { WEBHOOK_EVENTS, type DeliveryEvent, type WebhookEvent } from './payload.ts';
import type { DeliverySender } from './sender.ts';
import { generateSecret } from './signature.ts';

const Q = loadQueries('webhooks', [
  'insert-webhook', 'get-webhook', 'list-webhooks', 'update-webhook', 'delete-webhook', 'known-segments', 'workspace-head',
  'get-delivery', 'page-deliveries',
]);

export interface Webhook {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  segment_ids: string[] | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookInput {
  url: string;
  description?: string | null;
  events: readonly WebhookEvent[];
  /** null or absent: every segment. */
  segment_ids?: readonly string[] | null;
  active?: boolean;
}

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: string;
  event: DeliveryEvent;
  transition_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  /** The body sent (the same on every attempt). */
  payload: unknown;
}

type DeliveryRow = Omit<Delivery, 'payload'> & { body: string };

/** Webhook subscriptions of a workspace and their delivery log. The worker (worker.ts) does the sending. */
export class WebhookService {
  constructor(private readonly deps: { db: Db; clock: Clock; sender: DeliverySender }) {}

  /**
   * Subscribes a URL. It receives the transitions committed from now on (not the log before it).
   * The secret, generated unless given, is in this answer only.
   */
  async create(workspaceId: string, input: WebhookInput & { secret?: string }): Promise<Webhook & { secret: string }> {
    const segmentIds = await this.checkSegments(workspaceId, input.segment_ids);
    const secret = input.secret ?? generateSecret();
    const now = this.deps.clock.now();
    const webhook = await this.deps.db.transaction(async (tx) => {
      const [at] = await tx.query<{ head: number }>(Q['workspace-head'], [workspaceId]);
      const [row] = await tx.query<Webhook>(Q['insert-webhook'], [
        newId(), workspaceId, input.url, input.description ?? null, eventsOf(input.events), segmentIds, secret, input.active ?? true, at!.head, now,
      ]);
      return row!;
    });
    return { ...webhook, secret };
  }

  list(workspaceId: string): Promise<Webhook[]> {
    return this.deps.db.query<Webhook>(Q['list-webhooks'], [workspaceId]);
  }

  async get(workspaceId: string, id: string): Promise<Webhook> {
    const [webhook] = await this.deps.db.query<Webhook>(Q['get-webhook'], [workspaceId, id]);
    if (!webhook) throw Errors.notFound({ resource: 'webhook', id });
    return webhook;
  }

  /** Changes apply from the webhook's cursor on; a paused webhook that is resumed catches up from where it stopped. */
  async update(workspaceId: string, id: string, patch: Partial<WebhookInput>): Promise<Webhook> {
    const segmentIds = await this.checkSegments(workspaceId, patch.segment_ids);
    const [webhook] = await this.deps.db.query<Webhook>(Q['update-webhook'], [
      workspaceId, id, patch.url ?? null, patch.events ? eventsOf(patch.events) : null, segmentIds, patch.description ?? null,
      patch.active ?? null, patch.segment_ids !== undefined, patch.description !== undefined, this.deps.clock.now(),
    ]);
    if (!webhook) throw Errors.notFound({ resource: 'webhook', id });
    return webhook;
  }

  /** Deletes the webhook and its delivery log; pending deliveries are not sent. */
  async delete(workspaceId: string, id: string): Promise<void> {
    const [deleted] = await this.deps.db.query(Q['delete-webhook'], [workspaceId, id]);
    if (!deleted) throw Errors.notFound({ resource: 'webhook', id });
  }

  /** The delivery log, newest first. */
  async deliveries(args: { workspaceId: string; webhookId: string; status?: DeliveryStatus; cursor?: string; limit: number }): Promise<{ data: Delivery[]; next_cursor: string | null }> {
    await this.get(args.workspaceId, args.webhookId);
    const before = args.cursor ? decodeCursor(args.cursor, ['id'], (c) => isUuid(c.id)).id : null;
    const rows = await this.deps.db.query<DeliveryRow>(Q['page-deliveries'], [args.workspaceId, args.webhookId, args.status ?? null, before, args.limit + 1]);
    const data = rows.slice(0, args.limit).map(toDelivery);
    return { data, next_cursor: rows.length > args.limit ? encodeCursor({ id: data.at(-1)!.id }) : null };
  }

  /** Sends a ping now and answers with its delivery (one attempt, not retried). */
  async test(workspaceId: string, webhookId: string): Promise<Delivery> {
    const deliveryId = await this.deps.sender.ping({ workspaceId, webhookId });
    if (!deliveryId) throw Errors.notFound({ resource: 'webhook', id: webhookId });
    return this.delivery({ workspaceId, webhookId, deliveryId });
  }

  /** Sends a delivery again now, whatever its status, with the same id and body; later retries follow the usual backoff. */
  async retry(args: { workspaceId: string; webhookId: string; deliveryId: string }): Promise<Delivery> {
    await this.get(args.workspaceId, args.webhookId);
    if (!(await this.deps.sender.sendNow(args))) throw Errors.notFound({ resource: 'delivery', id: args.deliveryId });
    return this.delivery(args);
  }

  private async delivery(args: { workspaceId: string; webhookId: string; deliveryId: string }): Promise<Delivery> {
    const [row] = await this.deps.db.query<DeliveryRow>(Q['get-delivery'], [args.workspaceId, args.webhookId, args.deliveryId]);
    if (!row) throw Errors.notFound({ resource: 'delivery', id: args.deliveryId });
    return toDelivery(row);
  }

  /** The segment ids without repeats, once each is known to be a segment of the workspace. */
  private async checkSegments(workspaceId: string, given: readonly string[] | null | undefined): Promise<string[] | null> {
    if (!given) return null;
    const ids = given.map((id) => id.toLowerCase());
    const known = new Set((await this.deps.db.query<{ id: string }>(Q['known-segments'], [workspaceId, ids])).map((r) => r.id));
    const missing = ids.findIndex((id) => !known.has(id));
    if (missing >= 0) throw Errors.webhookUnknownSegment({ id: given[missing]!, path: `segment_ids[${missing}]` });
    return [...new Set(ids)];
  }
}

/** Events in their canonical order, without repeats. */
const eventsOf = (events: readonly WebhookEvent[]): WebhookEvent[] => WEBHOOK_EVENTS.filter((e) => events.includes(e));

function toDelivery({ body, ...row }: DeliveryRow): Delivery {
  return { ...row, next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null, payload: JSON.parse(body) };
}
