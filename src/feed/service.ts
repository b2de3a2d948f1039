import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { Errors } from '../shared/errors.ts';

const Q = loadQueries('feed', ['get-segment', 'page-transitions', 'segment-history']);

export interface FeedItem {
  /** The transition id, as a string (a bigint); pass it as `after` to resume right after it. */
  id: string;
  profile_id: string;
  external_id: string | null;
  kind: 'enter' | 'exit';
  at: Date;
  cause: string;
}

export interface FeedPage {
  data: FeedItem[];
  /** Where to resume: the last id of this page, or the `after` given when the page is empty. */
  next_cursor: string;
  has_more: boolean;
}

export const HISTORY_BUCKETS = ['day', 'hour'] as const;
export type HistoryBucket = (typeof HISTORY_BUCKETS)[number];

export interface HistoryPoint {
  start: Date;
  stop: Date;
  /** Members at the end of the bucket (at `to` for the last one). */
  size: number;
  entered: number;
  exited: number;
}

const BUCKET_MS: Record<HistoryBucket, number> = { day: 86_400_000, hour: 3_600_000 };
const DEFAULT_SPAN: Record<HistoryBucket, number> = { day: 30, hour: 48 };
/** A chart has no use for more points; the limit keeps one request's work bounded. */
export const MAX_HISTORY_BUCKETS = 1000;

/**
 * Reads the transition log the membership worker writes: a segment's change feed, in commit order
 * and resumable by cursor, and its size over time (a running sum of enters minus exits).
 */
export class SegmentFeedService {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async changes(args: { workspaceId: string; segmentId: string; after?: string; limit: number }): Promise<FeedPage> {
    await this.segment(args.workspaceId, args.segmentId);
    const after = args.after ?? '0';
    const rows = await this.deps.db.query<FeedItem>(Q['page-transitions'], [args.workspaceId, args.segmentId, after, args.limit + 1]);
    const data = rows.slice(0, args.limit);
    return { data, next_cursor: data.at(-1)?.id ?? after, has_more: rows.length > args.limit };
  }

  /** Size per day or hour of the workspace's time zone, from `from` (default: 30 days or 48 hours ago) to `to` (default: now). */
  async history(args: { workspaceId: string; segmentId: string; bucket: HistoryBucket; from?: Date; to?: Date }): Promise<HistoryPoint[]> {
    await this.segment(args.workspaceId, args.segmentId);
    const to = args.to ?? this.deps.clock.now();
    const from = args.from ?? new Date(to.getTime() - DEFAULT_SPAN[args.bucket] * BUCKET_MS[args.bucket]);
    if (from >= to) throw Errors.validation({ message: '`from` must be before `to`', path: 'query.from' });
    // +1: the first bucket starts at the boundary before `from`.
    if ((to.getTime() - from.getTime()) / BUCKET_MS[args.bucket] + 1 > MAX_HISTORY_BUCKETS) {
      throw Errors.validation({ message: `at most ${MAX_HISTORY_BUCKETS} ${args.bucket}s per request; narrow from/to or use bucket=day`, path: 'query.from' });
    }
    return this.deps.db.query<HistoryPoint>(Q['segment-history'], [args.workspaceId, args.segmentId, from, to, args.bucket, `1 ${args.bucket}`]);
  }

  private async segment(workspaceId: string, id: string): Promise<void> {
    const [segment] = await this.deps.db.query(Q['get-segment'], [workspaceId, id]);
    if (!segment) throw Errors.notFound({ resource: 'segment', id });
  }
}
