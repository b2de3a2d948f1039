import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RoutePlugin } from './index.ts';
import { bulkResponses, Name, selection, SelectionBody, sendBulk } from './profile-set-schemas.ts';

const Tag = z.object({ id: z.string(), name: z.string(), profile_count: z.number(), created_at: z.date() });
const Id = z.object({ id: z.uuid() });

/** Tags: account-level labels, many per profile. */
export const tagRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = services.tags;

  r.get('/v1/tags', {
    config: { scope: 'read' },
    schema: { tags: ['tags'], summary: 'Every tag with its profile count', response: { 200: z.object({ data: z.array(Tag) }) } },
  }, async (req) => ({ data: await tags.list(req.auth.workspaceId) }));

  r.post('/v1/tags', {
    config: { scope: 'write' },
    schema: { tags: ['tags'], summary: 'Create a tag', body: z.object({ name: Name }), response: { 201: Tag } },
  }, async (req, reply) => reply.status(201).send(await tags.create(req.auth.workspaceId, req.body)));

  r.get('/v1/tags/:id', {
    config: { scope: 'read' },
    schema: { tags: ['tags'], summary: 'A tag and how many profiles have it', params: Id, response: { 200: Tag } },
  }, (req) => tags.get(req.auth.workspaceId, req.params.id));

  r.delete('/v1/tags/:id', {
    config: { scope: 'write' },
    schema: {
      tags: ['tags'], summary: 'Delete a tag; it is removed from every profile', params: Id,
      response: { 200: z.object({ id: z.string(), deleted: z.literal(true), profiles_untagged: z.number() }) },
    },
  }, async (req) => ({ id: req.params.id, deleted: true as const, ...(await tags.delete(req.auth.workspaceId, req.params.id)) }));

  r.post('/v1/tags/:id/profiles', {
    config: { scope: 'write' },
    schema: { tags: ['tags'], summary: 'Tag profiles, by id or everyone a rule matches now', params: Id, body: SelectionBody, response: bulkResponses },
  }, async (req, reply) => sendBulk(reply, await tags.changeProfiles({ workspaceId: req.auth.workspaceId, tagId: req.params.id, op: 'add', ...selection(req.body, req.auth.timezone) })));

  r.delete('/v1/tags/:id/profiles', {
    config: { scope: 'write' },
    schema: { tags: ['tags'], summary: 'Remove the tag from profiles, by id or everyone a rule matches now', params: Id, body: SelectionBody, response: bulkResponses },
  }, async (req, reply) => sendBulk(reply, await tags.changeProfiles({ workspaceId: req.auth.workspaceId, tagId: req.params.id, op: 'remove', ...selection(req.body, req.auth.timezone) })));
};
