import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../shared/errors.ts';
import type { Role } from '../users/service.ts';
import { sameToken, type SessionService } from '../users/sessions.ts';
import type { AuthContext, WorkspaceService } from '../workspaces/service.ts';

/**
 * What a route needs: `read`/`write`/`admin` need a secret key; `ingest` (tracking endpoints) also accepts a
 * write key, which can do nothing else. Set per route as `config: { scope }`; /v1 routes default to `write`.
 * A signed-in console user (session cookie) reaches the scopes of their role: a viewer reads, an editor
 * also writes, an admin also manages users, API keys and the workspace's settings.
 */
export type Scope = 'read' | 'write' | 'ingest' | 'admin' | 'public';

const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  viewer: ['read'],
  editor: ['read', 'write', 'ingest'],
  admin: ['read', 'write', 'ingest', 'admin'],
};
export const SESSION_COOKIE = 'aud_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An API key's context, or a console user's: then `user` is set and `keyId` is the user's id. */
export interface RequestAuth extends AuthContext {
  user?: { id: string; email: string; role: Role };
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
  interface FastifyContextConfig {
    scope?: Scope;
  }
}

/** Reads the key from `Authorization: Bearer KEY`, HTTP Basic (key as user name, as Segment's SDKs send it) or `writeKey` in the body. */
export function extractKey(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (h) {
    const [scheme, value] = h.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
    if (scheme?.toLowerCase() === 'basic' && value) {
      const user = Buffer.from(value, 'base64').toString('utf8').split(':')[0];
      if (user) return user;
    }
  }
  const body = req.body as { writeKey?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.writeKey === 'string') return body.writeKey;
  return undefined;
}

export function installAuth(app: FastifyInstance, { workspaces, sessions }: { workspaces: WorkspaceService; sessions: SessionService }): void {
  app.decorateRequest('auth', null as unknown as RequestAuth);
  // preValidation: after the body is parsed (a `writeKey` may be in it), before it is validated,
  // so an unauthenticated request learns nothing about the schema.
  app.addHook('preValidation', async (req) => {
    const scope = req.routeOptions.config.scope ?? (req.url.startsWith('/v1/') ? 'write' : 'public');
    if (scope === 'public') return;
    const key = extractKey(req);
    if (!key && req.cookies[SESSION_COOKIE]) {
      req.auth = await sessionAuth(req, sessions, scope);
      return;
    }
    if (!key) throw Errors.unauthorized({ message: 'missing API key: send "Authorization: Bearer <key>"' });
    const auth = await workspaces.authenticate(key);
    if (!auth) throw Errors.unauthorized({ message: 'invalid or revoked API key' });
    // A secret key reaches every scope, admin included (it can already create keys); a write key only ingest.
    if (auth.kind === 'write' && scope !== 'ingest') {
      throw Errors.forbidden({ message: 'a write key can only send tracking data; use a secret key for this endpoint' });
    }
    req.auth = auth;
  });
}

/** A console session: the role must reach the scope, and a write must carry the session's CSRF token. */
async function sessionAuth(req: FastifyRequest, sessions: SessionService, scope: Scope): Promise<RequestAuth> {
  const s = await sessions.find(req.cookies[SESSION_COOKIE]!);
  if (!s) throw Errors.unauthorized({ message: 'your session has ended; sign in again' });
  const token = req.headers[CSRF_HEADER];
  if (!SAFE_METHODS.has(req.method) && (typeof token !== 'string' || !sameToken(token, s.csrfToken))) throw Errors.csrf();
  if (!ROLE_SCOPES[s.user.role].includes(scope)) {
    throw Errors.forbidden({ message: `your role (${s.user.role}) can not do this; it needs ${scope === 'admin' ? 'an admin' : 'an editor or admin'}` });
  }
  return {
    workspaceId: s.workspace.id, timezone: s.workspace.timezone, settings: s.workspace.settings,
    kind: 'secret', keyId: s.user.id, user: { id: s.user.id, email: s.user.email, role: s.user.role },
  };
}
