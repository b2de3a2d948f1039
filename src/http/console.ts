import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../shared/errors.ts';

/** Where `npm run build` puts the console (web/dist). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

// The console talks to its own origin only; no framing (clickjacking), no sniffing.
// Inline styles are allowed because the chart library sets style attributes.
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * Serves the built web console: hashed files under /assets/ (cached for good), and index.html for every
 * other GET that is not the API or its docs, so that the console's own routes (/people/…) load on reload.
 */
export async function installConsole(app: FastifyInstance, dir: string = CONSOLE_DIR): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: join(dir, 'assets'), prefix: '/assets/', maxAge: '365d', immutable: true, index: false });
  }
  app.get('/*', { config: { scope: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (/^\/(v1|docs|assets)(\/|$)/.test(path)) throw Errors.routeNotFound({ method: req.method, url: path });
    reply.headers(PAGE_HEADERS);
    if (!built) return reply.type('text/plain').send('The web console is not built yet: run `npm run build` (npm start does it when web/dist is missing).\nThe API is at /v1, its docs at /docs.');
    return reply.sendFile('index.html', dir, { cacheControl: false });
  });
}
