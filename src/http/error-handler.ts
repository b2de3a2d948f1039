import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AudienceError, Errors } from '../shared/errors.ts';
import { pointerToJsonPath } from './json-path.ts';

export interface ErrorBody {
  error: { code: string; message: string; path?: string; details?: unknown };
}

export function toBody(err: AudienceError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.path ? { path: err.path } : {}), ...(err.details ? { details: err.details } : {}) } };
}

/** Maps every error to `{ error: { code, message, path } }`. Bad input is a 4xx, never a 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = toAudienceError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    return reply.status(e.status).send(toBody(e));
  });
  app.setNotFoundHandler((req, reply) => {
    const e = Errors.routeNotFound({ method: req.method, url: req.url.split('?')[0]! });
    return reply.status(404).send(toBody(e));
  });
}

function toAudienceError(err: FastifyError): AudienceError {
  if (err instanceof AudienceError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0]!;
    const where = err.validationContext === 'body' ? '' : `${err.validationContext === 'querystring' ? 'query' : err.validationContext}.`;
    const path = where + pointerToJsonPath(first.instancePath);
    const more = err.validation.length > 1 ? ` (and ${err.validation.length - 1} more)` : '';
    return Errors.validation({
      message: `${path || 'body'}: ${first.message}${more}`,
      path: path || undefined,
      details: err.validation.map((v) => ({ path: where + pointerToJsonPath(v.instancePath), message: v.message })),
    });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.bodyTooLarge({ limit: Number(/\d+/.exec(err.message)?.[0] ?? 0) });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.unsupportedMediaType({ type: String(err.message.split(': ')[1] ?? 'given') });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return Errors.validation({ message: 'the body is empty; send a JSON object' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return Errors.validation({ message: `the body is not valid JSON: ${err.message}` });
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    // A client error from Fastify or a plugin (bad JSON, bad content type, ...): keep its status.
    return new AudienceError(err.code ?? 'AUD_ERR_BAD_REQUEST', err.message, err.statusCode);
  }
  return new AudienceError('AUD_ERR_INTERNAL', 'internal error; it has been logged', 500);
}
