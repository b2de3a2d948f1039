import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BatchMessage, IdentifyMessage, MAX_BATCH, TrackMessage } from '../../events/schema.ts';
import { toBody } from '../error-handler.ts';
import { rejectUnstorableInput } from '../text-guard.ts';
import type { RoutePlugin } from './index.ts';
import { isSegmentRequest, SegmentAck, sendSegment } from './tracking.ts';

const ErrorShape = z.object({ code: z.string(), message: z.string(), path: z.string().optional(), details: z.unknown().optional() });
const Accepted = z.object({
  status: z.enum(['stored', 'duplicate']).describe('duplicate: this messageId was already stored for the profile; nothing was stored again'),
  message_id: z.string().optional(),
  profile_id: z.string(),
});
const ItemResult = z.object({
  index: z.number().int(),
  status: z.enum(['stored', 'duplicate', 'error']),
  message_id: z.string().optional(),
  profile_id: z.string().optional(),
  error: ErrorShape.optional(),
});
const EventName = z.object({
  name: z.string(),
  count: z.number(),
  first_seen_at: z.date(),
  last_seen_at: z.date(),
  property_names: z.array(z.string()),
});

// Batch items are validated one by one by the service, so that a bad item is reported by its index and
// the others are stored; the OpenAPI document still shows their shape.
const { $schema: _, ...messageDoc } = z.toJSONSchema(BatchMessage, { io: 'input', target: 'openapi-3.0' });
const BatchItem = z.unknown().meta({ ...messageDoc, description: 'A track (default) or identify message' });

/** The tracking API (Segment-shaped): track, identify, batch; and the event-name registry. */
export const eventRoutes: RoutePlugin = async (app, { services }) => {
  app.addHook('preValidation', rejectUnstorableInput);
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/track', {
    config: { scope: 'ingest' },
    schema: {
      tags: ['events'], summary: 'Record one event',
      description: 'Identified by userId, email, phone or anonymousId (the profile is created when none is known). Idempotent by messageId.',
      body: TrackMessage.loose(), response: { 200: z.union([Accepted, SegmentAck]) },
    },
  }, (req) => isSegmentRequest(req) ? sendSegment(services, req, { type: 'track', batch: false }) : services.events.one({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, message: req.body }));

  r.post('/v1/identify', {
    config: { scope: 'ingest' },
    schema: {
      tags: ['events'], summary: 'Set profile attributes from traits',
      description: 'Traits are coerced to their attribute types; unknown names become custom attributes; null clears one.',
      body: IdentifyMessage.loose(), response: { 200: z.union([Accepted, SegmentAck]) },
    },
  }, (req) => isSegmentRequest(req) ? sendSegment(services, req, { type: 'identify', batch: false }) : services.events.one({ workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, message: { ...req.body, type: 'identify' } }));

  r.post('/v1/batch', {
    config: { scope: 'ingest', bodyCheckedPerItem: true },
    schema: {
      tags: ['events'], summary: `Record up to ${MAX_BATCH} track and identify messages`,
      description: 'Each message is checked on its own: valid ones are stored, invalid ones are reported by index and path (e.g. batch[3].event). Always 200 when the body itself is well-formed.',
      body: z.object({ batch: z.array(BatchItem).max(MAX_BATCH) }).loose(),
      response: { 200: z.union([z.object({ results: z.array(ItemResult) }), SegmentAck]) },
    },
    // The hot path: the schema documents the answer, whose shape the service's types already fix, so it is
    // written as it is rather than re-validated (that cost ~5 ms per 1,000 results).
    serializerCompiler: () => (data) => JSON.stringify(data),
  }, async (req) => {
    if (isSegmentRequest(req)) return sendSegment(services, req, { batch: true });
    const results = await services.events.ingest({
      workspaceId: req.auth.workspaceId, timezone: req.auth.timezone, messages: req.body.batch, path: (i) => `batch[${i}]`,
    });
    return { results: results.map((r) => (r.status === 'error' ? { index: r.index, status: r.status, error: toBody(r.error).error } : r)) };
  });

  r.get('/v1/event-names', {
    config: { scope: 'read' },
    schema: {
      tags: ['events'], summary: 'Event names seen: count, first and last seen, property names',
      response: { 200: z.object({ data: z.array(EventName) }) },
    },
  }, async (req) => ({ data: await services.events.listNames(req.auth.workspaceId) }));

};
