import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSENT_SOURCES, CONSENT_STATUSES } from '../../consent/service.ts';
import { actorOf } from '../actor.ts';
import type { RoutePlugin } from './index.ts';

const Consent = z.object({
  channel: z.string(),
  status: z.enum(CONSENT_STATUSES).describe('`none`: never asked'),
  source: z.enum(CONSENT_SOURCES).nullable(),
  updated_at: z.date().nullable(),
});
const Change = z.object({
  status: z.enum(CONSENT_STATUSES).describe('`subscribed` or `unsubscribed`; `none` (never asked) can not be set once asked, nor at all'),
  source: z.enum(CONSENT_SOURCES).default('api').describe('How the profile said so'),
  note: z.string().max(1000).optional(),
});
const LogLine = z.object({
  id: z.string(),
  kind: z.string(),
  channel: z.string().nullable(),
  old_value: z.string(),
  new_value: z.string(),
  source: z.string(),
  actor: z.object({ kind: z.enum(['api_key', 'user', 'system']), id: z.string().optional() }),
  note: z.string().nullable(),
  at: z.date(),
});
const Profile = z.object({ id: z.uuid() });

/** Consent per profile and channel, and the profile's privacy log. */
export const consentRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const consent = services.consent;

  r.get('/v1/profiles/:id/consent', {
    config: { scope: 'read' },
    schema: { tags: ['consent'], summary: "A profile's status on every channel", params: Profile, response: { 200: z.object({ data: z.array(Consent) }) } },
  }, async (req) => ({ data: await consent.get(req.auth.workspaceId, req.params.id) }));

  r.put('/v1/profiles/:id/consent', {
    config: { scope: 'write' },
    schema: {
      tags: ['consent'], summary: 'Set the status on several channels at once (all or nothing)', params: Profile,
      body: z.object({ consents: z.array(Change.extend({ channel: z.string().min(1).max(64) })).min(1).max(100) }),
      response: { 200: z.object({ data: z.array(Consent), changed: z.number(), unchanged: z.number() }) },
    },
  }, async (req) => {
    const changes = req.body.consents.map((c, i) => ({ ...c, at: `consents[${i}]` }));
    const out = await consent.set({ workspaceId: req.auth.workspaceId, profileId: req.params.id, changes, actor: actorOf(req) });
    return { data: out.consents, changed: out.changed, unchanged: out.unchanged };
  });

  r.get('/v1/profiles/:id/consent/:channel', {
    config: { scope: 'read' },
    schema: { tags: ['consent'], summary: "A profile's status on one channel", params: Profile.extend({ channel: z.string() }), response: { 200: Consent } },
  }, (req) => consent.getOne(req.auth.workspaceId, req.params.id, req.params.channel));

  r.put('/v1/profiles/:id/consent/:channel', {
    config: { scope: 'write' },
    schema: {
      tags: ['consent'], summary: 'Set the status on one channel', params: Profile.extend({ channel: z.string() }), body: Change,
      response: { 200: Consent.extend({ changed: z.boolean() }) },
    },
  }, async (req) => {
    const out = await consent.set({
      workspaceId: req.auth.workspaceId, profileId: req.params.id, changes: [{ ...req.body, channel: req.params.channel }],
      actor: actorOf(req),
    });
    return { ...out.consents[0]!, changed: out.changed === 1 };
  });

  r.get('/v1/profiles/:id/privacy-log', {
    config: { scope: 'read' },
    schema: {
      tags: ['consent'], summary: "The profile's privacy log, newest first: who or what changed its consent, when, how, old → new", params: Profile,
      querystring: z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: z.object({ data: z.array(LogLine), next_cursor: z.string().nullable() }) },
    },
  }, (req) => consent.log({ workspaceId: req.auth.workspaceId, profileId: req.params.id, cursor: req.query.cursor, limit: req.query.limit }));
};
