import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Member } from '../../lists/service.ts';
import { sendCsv } from '../csv.ts';
import type { RoutePlugin } from './index.ts';
import { bulkResponses, Name, selection, SelectionBody, sendBulk } from './profile-set-schemas.ts';

const List = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  member_count: z.number(),
  created_at: z.date(),
  updated_at: z.date(),
});
const MemberView = z.object({
  profile_id: z.string(),
  external_id: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  added_at: z.date(),
});
const MEMBER_COLUMNS = ['profile_id', 'external_id', 'email', 'phone', 'first_name', 'last_name', 'added_at'] as const satisfies readonly (keyof Member)[];
const Id = z.object({ id: z.uuid() });

/** Static lists: hand-picked profiles. */
export const listRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const lists = services.lists;

  r.get('/v1/lists', {
    config: { scope: 'read' },
    schema: { tags: ['lists'], summary: 'Every list with its member count', response: { 200: z.object({ data: z.array(List) }) } },
  }, async (req) => ({ data: await lists.list(req.auth.workspaceId) }));

  r.post('/v1/lists', {
    config: { scope: 'write' },
    schema: {
      tags: ['lists'], summary: 'Create a list',
      body: z.object({ name: Name, description: z.string().max(2000).optional() }),
      response: { 201: List },
    },
  }, async (req, reply) => reply.status(201).send(await lists.create(req.auth.workspaceId, req.body)));

  r.get('/v1/lists/:id', {
    config: { scope: 'read' },
    schema: { tags: ['lists'], summary: 'A list and its member count', params: Id, response: { 200: List } },
  }, (req) => lists.get(req.auth.workspaceId, req.params.id));

  r.patch('/v1/lists/:id', {
    config: { scope: 'write' },
    schema: {
      tags: ['lists'], summary: 'Rename a list or change its description', params: Id,
      body: z.object({ name: Name.optional(), description: z.string().max(2000).nullable().optional() }),
      response: { 200: List },
    },
  }, (req) => lists.update(req.auth.workspaceId, req.params.id, req.body));

  r.delete('/v1/lists/:id', {
    config: { scope: 'write' },
    schema: { tags: ['lists'], summary: 'Delete a list (its profiles stay)', params: Id, response: { 200: z.object({ id: z.string(), deleted: z.literal(true), members_removed: z.number() }) } },
  }, async (req) => ({ id: req.params.id, deleted: true as const, ...(await lists.delete(req.auth.workspaceId, req.params.id)) }));

  r.post('/v1/lists/:id/members', {
    config: { scope: 'write' },
    schema: { tags: ['lists'], summary: 'Add profiles to a list, by id or everyone a rule matches now', params: Id, body: SelectionBody, response: bulkResponses },
  }, async (req, reply) => sendBulk(reply, await lists.changeMembers({ workspaceId: req.auth.workspaceId, listId: req.params.id, op: 'add', ...selection(req.body, req.auth.timezone) })));

  r.delete('/v1/lists/:id/members', {
    config: { scope: 'write' },
    schema: { tags: ['lists'], summary: 'Remove profiles from a list, by id or everyone a rule matches now', params: Id, body: SelectionBody, response: bulkResponses },
  }, async (req, reply) => sendBulk(reply, await lists.changeMembers({ workspaceId: req.auth.workspaceId, listId: req.params.id, op: 'remove', ...selection(req.body, req.auth.timezone) })));

  r.get('/v1/lists/:id/members', {
    config: { scope: 'read' },
    schema: {
      tags: ['lists'], summary: 'Members, a page at a time by profile id; `format=csv` downloads all of them', params: Id,
      querystring: z.object({
        cursor: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      response: { 200: z.object({ data: z.array(MemberView), next_cursor: z.string().nullable() }) },
    },
  }, async (req, reply) => {
    const { workspaceId } = req.auth;
    if (req.query.format === 'csv') {
      const list = await lists.get(workspaceId, req.params.id);
      return sendCsv(reply, { filename: `list-${list.id}.csv`, columns: MEMBER_COLUMNS, rows: lists.allMembers(workspaceId, list.id) });
    }
    return lists.members({ workspaceId, listId: req.params.id, cursor: req.query.cursor, limit: req.query.limit });
  });
};
