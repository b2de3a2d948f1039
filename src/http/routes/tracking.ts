import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { isObject } from '../../tracking/context.ts';
import type { SegmentType } from '../../tracking/segment-message.ts';
import { toBody } from '../error-handler.ts';
import { rejectUnstorableInput } from '../text-guard.ts';
import type { RoutePlugin } from './index.ts';

/** The answer Segment's and RudderStack's SDKs expect; `errors` lists the messages of a batch that were not stored. */
export const SegmentAck = z.object({
  success: z.literal(true),
  errors: z.array(z.object({ index: z.number().int(), code: z.string(), message: z.string(), path: z.string().optional() })).optional(),
});
type Ack = z.infer<typeof SegmentAck>;

const SegmentMessage = z.record(z.string(), z.unknown()).meta({
  description: 'A message of Segment\'s tracking API: userId / anonymousId, traits, properties, context, timestamp, sentAt, messageId (integrations is ignored)',
});

/**
 * Whether a request to /v1/track, /v1/identify or /v1/batch speaks Segment's protocol rather than
 * Audience's own: it authenticates as the SDKs do (HTTP Basic or `writeKey` in the body), carries the
 * SDKs' `sentAt`, or a batch holds a message type only Segment has. Segment's answer is 200
 * `{ success: true }`; Audience's own is the per-item result.
 */
export function isSegmentRequest(req: FastifyRequest): boolean {
  if (req.headers.authorization?.slice(0, 6).toLowerCase() === 'basic ') return true;
  const body = req.body;
  if (!isObject(body)) return false;
  if (typeof body.writeKey === 'string' || body.sentAt !== undefined) return true;
  return Array.isArray(body.batch) && body.batch.some((m) => isObject(m) && typeof m.type === 'string' && SEGMENT_ONLY.has(m.type));
}
const SEGMENT_ONLY = new Set(['page', 'screen', 'group', 'alias']);

/**
 * Sends Segment messages through the tracking service. One message (single endpoints): its error is
 * thrown, so the status says it (409 for an alias across two known profiles). A batch: 200 with the
 * failed messages listed, since an SDK drops a batch answered with a 4xx.
 */
export async function sendSegment(services: Services, req: FastifyRequest, args: { type?: SegmentType; batch: boolean }): Promise<Ack> {
  const body = req.body as Record<string, unknown>;
  const messages = args.batch ? (body.batch as unknown[]) : [body];
  const errors = await services.tracking.send({
    workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, settings: req.auth.settings,
    messages, type: args.type, sentAt: body.sentAt, ip: req.ip, path: args.batch ? (i) => `batch[${i}]` : () => '',
  });
  if (!args.batch && errors.length > 0) throw errors[0]!.error;
  if (errors.length === 0) return { success: true };
  return { success: true, errors: errors.map((e) => ({ index: e.index, ...toBody(e.error).error })) };
}

const SINGLE: { type: Exclude<SegmentType, 'track' | 'identify'>; summary: string }[] = [
  { type: 'page', summary: 'Segment page: stored as a page_view event (name and category in its properties)' },
  { type: 'screen', summary: 'Segment screen: stored as a screen_view event (name and category in its properties)' },
  { type: 'group', summary: 'Segment group: stored as a group event (properties group_id and traits)' },
  { type: 'alias', summary: 'Segment alias: links previousId to userId (an anonymous profile joins the known one; two known profiles: 409 unless the workspace allows merging)' },
];

/**
 * Segment's tracking API beside Audience's own (routes/events.ts, which hands Segment requests of
 * /v1/track, /v1/identify and /v1/batch to sendSegment): page, screen, group and alias, and the short
 * paths analytics.js posts to (/v1/t, /v1/i, /v1/p, /v1/s, /v1/g, /v1/a and /v1/b for a batch).
 */
export const trackingRoutes: RoutePlugin = async (app, { services }) => {
  app.addHook('preValidation', rejectUnstorableInput);
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const s of SINGLE) {
    r.post(`/v1/${s.type}`, {
      config: { scope: 'ingest' },
      schema: { tags: ['tracking'], summary: s.summary, body: SegmentMessage, response: { 200: SegmentAck } },
    }, (req) => sendSegment(services, req, { type: s.type, batch: false }));
  }
  const short: [string, SegmentType][] = [['t', 'track'], ['i', 'identify'], ['p', 'page'], ['s', 'screen'], ['g', 'group'], ['a', 'alias']];
  for (const [path, type] of short) {
    r.post(`/v1/${path}`, {
      config: { scope: 'ingest' },
      schema: { tags: ['tracking'], summary: `Segment ${type} (analytics.js path)`, body: SegmentMessage, response: { 200: SegmentAck } },
    }, (req) => sendSegment(services, req, { type, batch: false }));
  }
  r.post('/v1/b', {
    config: { scope: 'ingest', bodyCheckedPerItem: true },
    schema: { tags: ['tracking'], summary: 'Segment batch (analytics.js path)', body: z.object({ batch: z.array(z.unknown()) }).loose(), response: { 200: SegmentAck } },
  }, (req) => sendSegment(services, req, { batch: true }));
};
