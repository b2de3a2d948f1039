import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../webhooks/payload.ts';
import { DELIVERY_STATUSES } from '../../webhooks/service.ts';
import type { RoutePlugin } from './index.ts';

const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  segment_ids: z.array(z.string()).nullable().describe('Only transitions of these segments; null: every segment'),
  active: z.boolean(),
  created_at: z.date(),
  updated_at: z.date(),
});
const Delivery = z.object({
  id: z.string().describe('Also the payload id and the Audience-Webhook-Id header: the same on every attempt'),
  event: z.enum([...WEBHOOK_EVENTS, 'ping']),
  transition_id: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  next_attempt_at: z.date().nullable().describe('When it is tried next (pending only)'),
  last_attempt_at: z.date().nullable(),
  last_status: z.number().nullable().describe("The receiver's HTTP status at the last attempt"),
  last_error: z.string().nullable(),
  created_at: z.date(),
  delivered_at: z.date().nullable(),
  payload: z.unknown(),
});

function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return false; // reported by z.url() already
  const { username, password } = new URL(url);
  return username !== '' || password !== '';
}

const Url = z.url({ protocol: /^https?$/ }).max(2000)
  // fetch refuses such URLs, and the signature is what authenticates a delivery.
  .refine((u) => !hasCredentials(u), 'a user name or password in the URL is not supported; verify the signature instead')
  .describe('An http or https URL that receives a POST per delivery');
const Events = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(10);
const SegmentIds = z.array(z.uuid()).min(1).max(1000).nullable()
  .describe('Only transitions of these segments; null or absent: every segment');
const Description = z.string().max(2000).nullable();
const Id = z.object({ id: z.uuid() });

/** Webhook subscriptions: segment enters and exits POSTed, signed, to a URL (docs/webhooks.md). */
export const webhookRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const webhooks = services.webhooks;

  r.get('/v1/webhooks', {
    config: { scope: 'read' },
    schema: { tags: ['webhooks'], summary: 'Every webhook (secrets are never shown again)', response: { 200: z.object({ data: z.array(Webhook) }) } },
  }, async (req) => ({ data: await webhooks.list(req.auth.workspaceId) }));

  r.post('/v1/webhooks', {
    config: { scope: 'write' },
    schema: {
      tags: ['webhooks'], summary: 'Subscribe a URL to segment transitions from now on; the answer holds the signing secret, once',
      body: z.object({
        url: Url, events: Events, segment_ids: SegmentIds.optional(), description: Description.optional(), active: z.boolean().optional(),
        secret: z.string().min(24).max(200).optional().describe('The signing secret; generated when absent'),
      }),
      response: { 201: Webhook.extend({ secret: z.string().describe('The HMAC signing secret. Store it now: it is not shown again') }) },
    },
  }, async (req, reply) => reply.status(201).send(await webhooks.create(req.auth.workspaceId, req.body)));

  r.get('/v1/webhooks/:id', {
    config: { scope: 'read' },
    schema: { tags: ['webhooks'], summary: 'One webhook', params: Id, response: { 200: Webhook } },
  }, (req) => webhooks.get(req.auth.workspaceId, req.params.id));

  r.patch('/v1/webhooks/:id', {
    config: { scope: 'write' },
    schema: {
      tags: ['webhooks'], summary: 'Change a webhook; `active: false` pauses it, and resuming catches up from where it stopped', params: Id,
      body: z.object({ url: Url.optional(), events: Events.optional(), segment_ids: SegmentIds.optional(), description: Description.optional(), active: z.boolean().optional() }),
      response: { 200: Webhook },
    },
  }, (req) => webhooks.update(req.auth.workspaceId, req.params.id, req.body));

  r.delete('/v1/webhooks/:id', {
    config: { scope: 'write' },
    schema: { tags: ['webhooks'], summary: 'Delete a webhook and its delivery log', params: Id, response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }) } },
  }, async (req) => {
    await webhooks.delete(req.auth.workspaceId, req.params.id);
    return { id: req.params.id, deleted: true as const };
  });

  r.get('/v1/webhooks/:id/deliveries', {
    config: { scope: 'read' },
    schema: {
      tags: ['webhooks'], summary: 'The delivery log, newest first', params: Id,
      querystring: z.object({
        status: z.enum(DELIVERY_STATUSES).optional(),
        cursor: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: { 200: z.object({ data: z.array(Delivery), next_cursor: z.string().nullable() }) },
    },
  }, (req) => webhooks.deliveries({ workspaceId: req.auth.workspaceId, webhookId: req.params.id, ...req.query }));

  r.post('/v1/webhooks/:id/test', {
    config: { scope: 'write' },
    schema: { tags: ['webhooks'], summary: 'Send a ping now and answer with its delivery (one attempt, not retried)', params: Id, response: { 200: Delivery } },
  }, (req) => webhooks.test(req.auth.workspaceId, req.params.id));

  r.post('/v1/webhooks/:id/deliveries/:deliveryId/retry', {
    config: { scope: 'write' },
    schema: {
      tags: ['webhooks'], summary: 'Send a delivery again now (same id and body), whatever its status, and answer with it',
      params: z.object({ id: z.uuid(), deliveryId: z.uuid() }),
      response: { 200: Delivery },
    },
  }, (req) => webhooks.retry({ workspaceId: req.auth.workspaceId, webhookId: req.params.id, deliveryId: req.params.deliveryId }));
};
