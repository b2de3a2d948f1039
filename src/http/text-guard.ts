import type { FastifyRequest } from 'fastify';
import { unstorableError, unstorablePath } from '../shared/storable.ts';
import { toJsonPath } from './json-path.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route checks its body item by item itself (POST /v1/batch reports a bad item, not the batch). */
    bodyCheckedPerItem?: boolean;
  }
}

/**
 * A preValidation hook: a path parameter, query parameter or body value that PostgreSQL can not store
 * (U+0000, a lone surrogate, JSON nested too deep) is a 400 naming it, not a 500 from the store.
 */
export async function rejectUnstorableInput(req: FastifyRequest): Promise<void> {
  const parts: [string, unknown][] = [['params', req.params], ['query', req.query]];
  if (!req.routeOptions.config.bodyCheckedPerItem) parts.push(['', req.body]);
  for (const [where, value] of parts) {
    const bad = unstorablePath(value);
    if (!bad) continue;
    throw unstorableError(toJsonPath(where ? [where, ...bad] : bad));
  }
}
