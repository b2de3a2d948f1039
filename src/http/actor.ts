import type { FastifyRequest } from 'fastify';
import type { Actor } from '../consent/service.ts';

/** Who made a request, for logs that record it: the signed-in console user when there is one, else the API key. */
export const actorOf = (req: FastifyRequest): Actor => (req.auth.user ? { kind: 'user', id: req.auth.user.id } : { kind: 'api_key', id: req.auth.keyId });
