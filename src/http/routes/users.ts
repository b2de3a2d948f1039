import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PASSWORD_MAX } from '../../users/password.ts';
import { ROLES } from '../../users/service.ts';
import { hashSessionId } from '../../users/sessions.ts';
import { SESSION_COOKIE } from '../auth.ts';
import type { RoutePlugin } from './index.ts';

const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES).describe('viewer: reads; editor: also writes; admin: also users, API keys and settings'),
  created_at: z.date(),
  updated_at: z.date(),
  last_sign_in_at: z.date().nullable(),
});
const Id = z.object({ id: z.uuid() });
const Password = z.string().max(PASSWORD_MAX).describe('8 to 200 characters');

/** Console users of the workspace (admins and secret keys only). */
export const userRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const users = services.users;

  r.get('/v1/users', {
    config: { scope: 'admin' },
    schema: { tags: ['users'], summary: 'Console users and their roles', response: { 200: z.object({ data: z.array(User) }) } },
  }, async (req) => ({ data: await users.list(req.auth.workspaceId) }));

  r.post('/v1/users', {
    config: { scope: 'admin' },
    schema: {
      tags: ['users'], summary: 'Add a console user',
      body: z.object({ email: z.string().min(1).max(320), password: Password, role: z.enum(ROLES), name: z.string().max(200).optional() }),
      response: { 201: User },
    },
  }, async (req, reply) => reply.status(201).send(await users.create({ workspaceId: req.auth.workspaceId, ...req.body })));

  r.patch('/v1/users/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['users'], summary: "Change a user's role, name or password (a new password signs them out elsewhere)",
      params: Id,
      body: z.object({ role: z.enum(ROLES).optional(), name: z.string().max(200).nullable().optional(), password: Password.optional() }),
      response: { 200: User },
    },
  }, (req) => {
    const own = req.cookies[SESSION_COOKIE];
    return users.update({ workspaceId: req.auth.workspaceId, id: req.params.id, ...req.body, keepSessionHash: own ? hashSessionId(own) : undefined });
  });

  r.delete('/v1/users/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['users'], summary: 'Remove a user (the last admin can not be removed)', params: Id,
      response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }) },
    },
  }, async (req) => {
    await users.delete(req.auth.workspaceId, req.params.id);
    return { id: req.params.id, deleted: true as const };
  });
};
