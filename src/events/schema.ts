import { z } from 'zod';

/**
 * The tracking API's message shape, as developers know it from the Segment spec. Unknown fields
 * (sentAt, integrations, ...) are accepted and ignored.
 */
const Id = z.union([z.string().min(1).max(255), z.number()]);
const Json = z.record(z.string(), z.unknown());

const common = {
  userId: Id.nullish().describe('Your id for the user (the profile\'s external id)'),
  anonymousId: Id.nullish().describe('A device or cookie id, before the user is known'),
  email: z.string().max(320).nullish().describe('Identifies the profile too; trimmed and lower-cased'),
  phone: z.union([z.string().max(64), z.number()]).nullish().describe('Identifies the profile too; normalised to E.164'),
  messageId: z.string().min(1).max(200).optional().describe('Idempotency key: a repeat for the same profile is stored once. Generated when absent'),
  timestamp: z.string().max(64).optional().describe('When it happened, ISO 8601 (no offset: the workspace time zone). Defaults to now'),
  context: Json.optional().describe('Free-form context (device, app, ...), stored with the event'),
};

export const TrackMessage = z.object({
  type: z.literal('track').optional(),
  event: z.string().min(1).max(200).describe('Event name, e.g. "Order Completed"'),
  properties: Json.optional().describe('Event properties'),
  ...common,
});

export const IdentifyMessage = z.object({
  type: z.literal('identify').optional(),
  traits: Json.optional().describe('Profile attributes to set (coerced to their types; new names become custom attributes; null clears)'),
  ...common,
});

/** A batch item: `type` is track (the default) or identify. */
export const BatchMessage = z.object({
  type: z.enum(['track', 'identify']).optional(),
  event: z.string().min(1).max(200).optional(),
  properties: Json.optional(),
  traits: Json.optional(),
  ...common,
}).superRefine((m, ctx) => {
  if ((m.type ?? 'track') === 'track' && m.event === undefined) ctx.addIssue({ code: 'custom', path: ['event'], message: 'a track message needs an event name' });
});

export type Message = z.infer<typeof BatchMessage>;

export const MAX_BATCH = 1000;
