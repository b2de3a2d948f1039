import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JOB_KINDS, type Job } from '../../jobs/service.ts';
import type { RoutePlugin } from './index.ts';

export const JobView = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: z.object({ processed: z.number(), total: z.number() }).describe('Items (profile ids) done out of all'),
  counts: z.object({ changed: z.number(), unchanged: z.number(), invalid: z.number() }),
  error: z.string().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
});

export function toJobView(j: Job): z.infer<typeof JobView> {
  return {
    id: j.id, kind: j.kind, status: j.status,
    progress: { processed: j.processed, total: j.total },
    counts: { changed: j.changed, unchanged: j.unchanged, invalid: j.invalid },
    error: j.error, created_at: j.created_at, started_at: j.started_at, finished_at: j.finished_at,
  };
}

/** Background jobs: a bulk call too large for one request returns one (202); poll it here. */
export const jobRoutes: RoutePlugin = async (app, { services }) => {
  app.withTypeProvider<ZodTypeProvider>().get('/v1/jobs/:id', {
    config: { scope: 'read' },
    schema: { tags: ['jobs'], summary: 'A background job: status, progress and counts', params: z.object({ id: z.uuid() }), response: { 200: JobView } },
  }, async (req) => toJobView(await services.jobs.get(req.auth.workspaceId, req.params.id)));
};
