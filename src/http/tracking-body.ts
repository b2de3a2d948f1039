import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../shared/errors.ts';

/**
 * Request bodies as tracking SDKs send them:
 * - `Content-Encoding: gzip` (RudderStack's SDKs gzip by default; Segment's mobile SDKs too) or `deflate`,
 *   inflated as a stream in preParsing; the body limit applies to the inflated bytes (no zip bombs) and to
 *   the bytes received.
 * - JSON sent as `text/plain` (analytics.js does, to avoid a CORS preflight) or with no content type (a
 *   gzipped body posted by axios has none), on the tracking routes (scope `ingest`) only; elsewhere such
 *   bodies keep their old meaning (text/plain a string, no type a 415).
 */
export function installTrackingBody(app: FastifyInstance): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    if (encoding !== 'gzip' && encoding !== 'deflate') throw Errors.unsupportedMediaType({ type: `with Content-Encoding ${encoding}` });
    const inflate = encoding === 'gzip' ? createGunzip() : createInflate();
    const out = inflate as typeof inflate & { receivedEncodedLength: number };
    out.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => (out.receivedEncodedLength += chunk.length));
    payload.on('error', (err) => inflate.destroy(err));
    // Registered before Fastify's own listener: a corrupt body is a 400 that says so.
    inflate.on('error', (err: Error & { statusCode?: number }) => {
      err.statusCode = 400;
      err.message = `the ${encoding} body can not be inflated: ${err.message}`;
    });
    return payload.pipe(inflate);
  });

  const isTracking = (req: FastifyRequest) => req.routeOptions.config?.scope === 'ingest';
  const json = (body: string) => {
    if (body.trim() === '') throw Object.assign(new Error('the body is empty; send a JSON object'), { statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' });
    try {
      return JSON.parse(body) as unknown;
    } catch (err) {
      throw Object.assign(err as Error, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    }
  };
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, async (req: FastifyRequest, body: string) => (isTracking(req) ? json(body) : body));
  app.addContentTypeParser('*', { parseAs: 'string' }, async (req: FastifyRequest, body: string) => {
    if (isTracking(req)) return json(body);
    throw Errors.unsupportedMediaType({ type: req.headers['content-type'] ?? '(none)' });
  });
}
