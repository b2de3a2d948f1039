import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNEL_NAME_RE } from '../../channels/registry.ts';
import type { RoutePlugin } from './index.ts';

const Channel = z.object({
  name: z.string(),
  label: z.string().nullable(),
  builtin: z.boolean(),
  subscribers: z.number().describe('Profiles subscribed on the channel'),
  created_at: z.date().nullable(),
});

/** The channel registry: email, sms, push, whatsapp, in_app, and a workspace's own. */
export const channelRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/channels', {
    config: { scope: 'read' },
    schema: { tags: ['consent'], summary: 'Every channel, with its subscriber count', response: { 200: z.object({ data: z.array(Channel) }) } },
  }, async (req) => ({ data: await services.channels.list(req.auth.workspaceId) }));

  r.post('/v1/channels', {
    config: { scope: 'write' },
    schema: {
      tags: ['consent'], summary: 'Add a channel',
      body: z.object({
        name: z.string().regex(CHANNEL_NAME_RE, 'lower-case letters, digits and _, starting with a letter, at most 32'),
        label: z.string().min(1).max(200).optional(),
      }),
      response: { 201: Channel },
    },
  }, async (req, reply) => reply.status(201).send(await services.channels.create(req.auth.workspaceId, req.body)));
};
