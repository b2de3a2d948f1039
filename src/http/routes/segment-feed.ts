import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HISTORY_BUCKETS } from '../../feed/service.ts';
import type { RoutePlugin } from './index.ts';

const FeedItem = z.object({
  id: z.string().describe('The transition id; pass it as `after` to resume right after it'),
  profile_id: z.string(),
  external_id: z.string().nullable(),
  kind: z.enum(['enter', 'exit']),
  at: z.date(),
  cause: z.string().describe('What moved the profile: backfill, event, attributes, tags, lists, consent, dnc, identity, created, time, erase, deleted (the segment was deleted) ...'),
});
const Point = z.object({
  start: z.date(),
  stop: z.date(),
  size: z.number().describe('Members at the end of the bucket (at `to` for the last one)'),
  entered: z.number(),
  exited: z.number(),
});
const Id = z.object({ id: z.uuid() });

/** A segment's transition log, read two ways: the change feed (resumable) and its size over time (the console's chart). */
export const segmentFeedRoutes: RoutePlugin = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/segments/:id/changes', {
    config: { scope: 'read' },
    schema: {
      tags: ['segments'], summary: "The segment's enters and exits in commit order, after a cursor; poll with next_cursor to follow it", params: Id,
      querystring: z.object({
        after: z.string().regex(/^\d{1,18}$/, 'pass next_cursor (or an item id) from an earlier page').optional()
          .describe('Resume after this cursor; absent: from the beginning of the log'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: z.object({ data: z.array(FeedItem), next_cursor: z.string().describe('Where to resume, also when this page is empty'), has_more: z.boolean() }) },
    },
  }, (req) => services.feed.changes({ workspaceId: req.auth.workspaceId, segmentId: req.params.id, after: req.query.after, limit: req.query.limit }));

  r.get('/v1/segments/:id/history', {
    config: { scope: 'read' },
    schema: {
      tags: ['segments'], summary: "The segment's size per day or hour of the workspace's time zone, from its transition log", params: Id,
      querystring: z.object({
        from: z.iso.datetime({ offset: true }).optional().describe('ISO 8601; default: 30 days (bucket=day) or 48 hours (bucket=hour) before `to`'),
        to: z.iso.datetime({ offset: true }).optional().describe('ISO 8601; default: now'),
        bucket: z.enum(HISTORY_BUCKETS).default('day'),
      }),
      response: { 200: z.object({ bucket: z.enum(HISTORY_BUCKETS), data: z.array(Point) }) },
    },
  }, async (req) => ({
    bucket: req.query.bucket,
    data: await services.feed.history({
      workspaceId: req.auth.workspaceId, segmentId: req.params.id, bucket: req.query.bucket,
      from: req.query.from ? new Date(req.query.from) : undefined, to: req.query.to ? new Date(req.query.to) : undefined,
    }),
  }));
};
