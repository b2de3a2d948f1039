import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RoutePlugin } from './index.ts';

export const healthRoutes: RoutePlugin = async (app, { services }) => {
  app.withTypeProvider<ZodTypeProvider>().get('/health', {
    config: { scope: 'public' },
    schema: { tags: ['system'], summary: 'Liveness and store check', response: { 200: z.object({ ok: z.boolean(), store: z.string() }) } },
  }, async () => {
    await services.db.query('SELECT 1');
    return { ok: true, store: services.db.dialect };
  });
};
