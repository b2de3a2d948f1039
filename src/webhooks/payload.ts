/** What a webhook sends: one JSON envelope per delivery. docs/webhooks.md documents it. */
export const WEBHOOK_EVENTS = ['segment.entered', 'segment.exited'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** A delivery's type: a subscribed event, or the ping that POST /v1/webhooks/{id}/test sends. */
export type DeliveryEvent = WebhookEvent | 'ping';

export type TransitionKind = 'enter' | 'exit';
export const EVENT_OF_KIND: Record<TransitionKind, WebhookEvent> = { enter: 'segment.entered', exit: 'segment.exited' };

/** A transition as the fan-out reads it, with the names the payload carries. */
export interface TransitionRow {
  id: string;
  segment_id: string;
  /** The segment's name; a deleted segment's is read from its deletion record (null only for a segment deleted before those were kept). */
  segment_name: string | null;
  profile_id: string;
  /** null when the profile has none, or was erased since. */
  external_id: string | null;
  kind: TransitionKind;
  at: Date;
  cause: string;
}

export interface Envelope<T extends DeliveryEvent, D> {
  /** The delivery id: the same on every attempt, so the receiver dedupes on it. */
  id: string;
  type: T;
  created_at: string;
  data: D;
}

export interface TransitionData {
  segment: { id: string; name: string | null };
  profile: { id: string; external_id: string | null };
  transition_id: string;
  at: string;
  cause: string;
}

/** The body of a transition's delivery, fixed when the delivery is queued so that every attempt sends the same bytes. */
export function transitionBody(args: { deliveryId: string; createdAt: Date; transition: TransitionRow }): string {
  const t = args.transition;
  const envelope: Envelope<WebhookEvent, TransitionData> = {
    id: args.deliveryId,
    type: EVENT_OF_KIND[t.kind],
    created_at: args.createdAt.toISOString(),
    data: {
      segment: { id: t.segment_id, name: t.segment_name },
      profile: { id: t.profile_id, external_id: t.external_id },
      transition_id: t.id,
      at: t.at.toISOString(),
      cause: t.cause,
    },
  };
  return JSON.stringify(envelope);
}

export function pingBody(args: { deliveryId: string; createdAt: Date; webhookId: string }): string {
  const envelope: Envelope<'ping', { webhook_id: string }> = {
    id: args.deliveryId, type: 'ping', created_at: args.createdAt.toISOString(), data: { webhook_id: args.webhookId },
  };
  return JSON.stringify(envelope);
}
