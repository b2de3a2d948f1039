import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../shared/errors.ts';
import type { AuthContext, WorkspaceService } from '../workspaces/service.ts';

/**
 * What a route needs: `read`/`write` need a secret key; `ingest` (tracking endpoints) also accepts a
 * write key, which can do nothing else. Set per route as `config: { scope }`; /v1 routes default to `write`.
 */
export type Scope = 'read' | 'write' | 'ingest' | 'public';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
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

export function installAuth(app: FastifyInstance, workspaces: WorkspaceService): void {
  app.decorateRequest('auth', null as unknown as AuthContext);
  // preValidation: after the body is parsed (a `writeKey` may be in it), before it is validated,
  // so an unauthenticated request learns nothing about the schema.
  app.addHook('preValidation', async (req) => {
    const scope = req.routeOptions.config.scope ?? (req.url.startsWith('/v1/') ? 'write' : 'public');
    if (scope === 'public') return;
    const key = extractKey(req);
    if (!key) throw Errors.unauthorized({ message: 'missing API key: send "Authorization: Bearer <key>"' });
    const auth = await workspaces.authenticate(key);
    if (!auth) throw Errors.unauthorized({ message: 'invalid or revoked API key' });
    if (auth.kind === 'write' && scope !== 'ingest') {
      throw Errors.forbidden({ message: 'a write key can only send tracking data; use a secret key for this endpoint' });
    }
    req.auth = auth;
  });
}
