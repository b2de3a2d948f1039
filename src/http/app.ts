import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Services } from '../services.ts';
import { installAuth } from './auth.ts';
import { installConsole } from './console.ts';
import { installErrorHandler } from './error-handler.ts';
import { routes } from './routes/index.ts';
import { installTrackingBody } from './tracking-body.ts';

export interface AppOptions {
  services: Services;
  logger?: Logger | false;
  bodyLimit?: number;
  /** The built web console to serve at / (default web/dist). */
  consoleDir?: string;
}

/** Builds the HTTP app: validation and OpenAPI from the same zod schemas, auth, one error shape, the routes. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: (opts.logger || undefined) as FastifyBaseLogger | undefined,
    logger: opts.logger === false ? false : undefined,
    bodyLimit: opts.bodyLimit ?? 4 * 1024 * 1024,
    // Request logging stays on: Fastify logs method and url only, so keys (Authorization header) never reach the logs.
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Audience API', version: '1', description: 'Profiles, events, segments and the rest of Audience. Authenticate with `Authorization: Bearer <API key>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' }, session: { type: 'apiKey', in: 'cookie', name: 'aud_session', description: 'The web console\'s session (POST /v1/session); writes also need the x-csrf-token header' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // Puts the schemas registered with an id (.meta({ id })) under components, where their $refs point.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(cookie);
  installAuth(app, opts.services);
  installTrackingBody(app);
  for (const plugin of routes) await app.register(plugin, { services: opts.services });
  await installConsole(app, opts.consoleDir);
  return app;
}
