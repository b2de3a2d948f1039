import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Errors } from '../../shared/errors.ts';
import { PASSWORD_MAX } from '../../users/password.ts';
import { checkPassword, ROLES } from '../../users/service.ts';
import { hashSessionId, sameToken } from '../../users/sessions.ts';
import { CSRF_HEADER, extractKey, SESSION_COOKIE } from '../auth.ts';
import type { RoutePlugin } from './index.ts';

const Session = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES) }).nullable()
    .describe('The signed-in console user; null when the request carries an API key'),
  workspace: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
  csrf_token: z.string().nullable().describe(`Send it as the ${CSRF_HEADER} header on every write made with the session cookie`),
  expires_at: z.date().nullable(),
});

/** Secure when the client reached us over TLS, directly or through a proxy that says so. */
const overTls = (req: FastifyRequest): boolean =>
  req.protocol === 'https' || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';

function clearCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: overTls(req) });
}

/** Console sign-in: a session cookie (HttpOnly, SameSite=Lax, Secure over TLS) and its CSRF token. */
export const sessionRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { sessions, users, workspaces } = services;

  r.post('/v1/session', {
    config: { scope: 'public' },
    schema: {
      tags: ['session'], summary: 'Sign in to the console with email and password (sets the session cookie)',
      description: 'Limited to 10 attempts per 15 minutes per client address and email (429 with Retry-After past it). '
        + 'When the email and password open several workspaces the answer is a 409 listing them; send workspace_id to choose.',
      security: [],
      body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(PASSWORD_MAX), workspace_id: z.uuid().optional() }),
      response: { 200: Session },
    },
  }, async (req, reply) => {
    let s;
    try {
      s = await sessions.signIn({ email: req.body.email, password: req.body.password, workspaceId: req.body.workspace_id, ip: req.ip });
    } catch (err) {
      const retry = (err as { details?: { retry_after?: number } }).details?.retry_after;
      if (retry) reply.header('retry-after', String(retry));
      throw err;
    }
    // Max-Age, not Expires: the browser counts from its own clock, so clock skew can not shorten a session.
    const maxAge = Math.floor((s.expiresAt.getTime() - services.clock.now().getTime()) / 1000);
    reply.setCookie(SESSION_COOKIE, s.sessionId, { path: '/', httpOnly: true, sameSite: 'lax', secure: overTls(req), maxAge });
    return { user: s.user, workspace: s.workspace, csrf_token: s.csrfToken, expires_at: s.expiresAt };
  });

  r.get('/v1/session', {
    // Public, so that the console can ask "am I signed in?" without a failed request: without a live
    // session or a valid key the answer is 200 with everything null.
    config: { scope: 'public' },
    schema: {
      tags: ['session'], summary: 'Who is signed in: user, role, workspace and the CSRF token (all null when no one is)',
      response: { 200: Session.extend({ workspace: Session.shape.workspace.nullable() }) },
    },
  }, async (req) => {
    const id = req.cookies[SESSION_COOKIE];
    const s = id ? await sessions.find(id) : undefined;
    if (s) return { user: s.user, workspace: s.workspace, csrf_token: s.csrfToken, expires_at: s.expiresAt };
    const key = extractKey(req);
    const auth = key ? await workspaces.authenticate(key) : undefined;
    if (auth) {
      const ws = await workspaces.get(auth.workspaceId);
      return { user: null, workspace: { id: ws.id, name: ws.name, timezone: ws.timezone }, csrf_token: null, expires_at: null };
    }
    return { user: null, workspace: null, csrf_token: null, expires_at: null };
  });

  r.delete('/v1/session', {
    config: { scope: 'public' },
    schema: { tags: ['session'], summary: 'Sign out (ends the session and clears the cookie)', security: [], response: { 204: z.null() } },
  }, async (req, reply) => {
    const id = req.cookies[SESSION_COOKIE];
    const live = id ? await sessions.find(id) : undefined;
    if (id && live) {
      const token = req.headers[CSRF_HEADER];
      if (typeof token !== 'string' || !sameToken(token, live.csrfToken)) throw Errors.csrf();
      await sessions.signOut(id);
    }
    clearCookie(req, reply);
    return reply.status(204).send(null);
  });

  r.put('/v1/session/password', {
    // Any signed-in user may change their own password, a viewer too; the CSRF token is still required.
    config: { scope: 'read' },
    schema: {
      tags: ['session'], summary: 'Change your own password (your other sessions are signed out)',
      body: z.object({ current_password: z.string().min(1).max(PASSWORD_MAX), new_password: z.string().min(1).max(PASSWORD_MAX) }),
      response: { 204: z.null() },
    },
  }, async (req, reply) => {
    const user = req.auth.user;
    if (!user) throw Errors.forbidden({ message: 'only a signed-in console user has a password; API keys do not' });
    checkPassword(req.body.new_password, 'new_password');
    await sessions.checkPassword(user.id, req.body.current_password);
    await users.update({
      workspaceId: req.auth.workspaceId, id: user.id, password: req.body.new_password, keepSessionHash: hashSessionId(req.cookies[SESSION_COOKIE]!),
    });
    return reply.status(204).send(null);
  });
};
