import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RoutePlugin } from './index.ts';

const Workspace = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  settings: z.object({ allowProfileMerge: z.boolean().optional() }),
  created_at: z.date(),
});
const ApiKey = z.object({
  id: z.string(),
  kind: z.enum(['secret', 'write']),
  name: z.string(),
  prefix: z.string(),
  created_at: z.date(),
  revoked_at: z.date().nullable(),
});

/** The caller's own workspace and its keys. */
export const workspaceRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ws = services.workspaces;

  r.get('/v1/workspace', {
    config: { scope: 'read' },
    schema: { tags: ['workspace'], summary: 'The workspace of the API key', response: { 200: Workspace } },
  }, (req) => ws.get(req.auth.workspaceId));

  r.patch('/v1/workspace', {
    config: { scope: 'admin' },
    schema: {
      tags: ['workspace'], summary: 'Rename the workspace, change its time zone or settings',
      body: z.object({
        name: z.string().min(1).max(200).optional(),
        timezone: z.string().min(1).optional().describe('IANA time zone used by date rules, e.g. Europe/London'),
        settings: z.object({ allowProfileMerge: z.boolean().optional() }).optional(),
      }),
      response: { 200: Workspace },
    },
  }, (req) => ws.update(req.auth.workspaceId, req.body));

  r.get('/v1/keys', {
    config: { scope: 'read' },
    schema: { tags: ['workspace'], summary: 'API keys (secrets are never shown again)', response: { 200: z.object({ data: z.array(ApiKey) }) } },
  }, async (req) => ({ data: await ws.listKeys(req.auth.workspaceId) }));

  r.post('/v1/keys', {
    config: { scope: 'admin' },
    schema: {
      tags: ['workspace'],
      summary: 'Create a key: `secret` (full API) or `write` (tracking only, safe in apps)',
      body: z.object({ kind: z.enum(['secret', 'write']), name: z.string().min(1).max(200) }),
      response: { 201: ApiKey.extend({ key: z.string().describe('Shown once; store it now') }) },
    },
  }, async (req, reply) => {
    const { key, info } = await ws.createKey(req.auth.workspaceId, req.body);
    return reply.status(201).send({ ...info, key });
  });

  r.delete('/v1/keys/:id', {
    config: { scope: 'admin' },
    schema: { tags: ['workspace'], summary: 'Revoke a key', params: z.object({ id: z.uuid() }), response: { 200: ApiKey } },
  }, (req) => ws.revokeKey(req.auth.workspaceId, req.params.id));
};
