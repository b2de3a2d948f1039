import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeRegistry } from './attributes/registry.ts';
import { ChannelRegistry } from './channels/registry.ts';
import { ConsentService } from './consent/service.ts';
import type { Db } from './db/db.ts';
import { DncService } from './dnc/service.ts';
import { EventService } from './events/ingest.ts';
import { ImportService } from './imports/service.ts';
import { ImportFiles } from './imports/store.ts';
import type { ImportWorkerOptions } from './imports/worker.ts';
import { SegmentFeedService } from './feed/service.ts';
import { JobService, type JobOptions } from './jobs/service.ts';
import { ListService } from './lists/service.ts';
import { MembershipWorker } from './membership/worker.ts';
import { DEFAULT_SYNC_LIMIT } from './profile-sets/bulk.ts';
import { ProfileService } from './profiles/service.ts';
import { SegmentService } from './segments/service.ts';
import type { Clock } from './shared/clock.ts';
import { TagService } from './tags/service.ts';
import { TrackingService } from './tracking/service.ts';
import { UserService } from './users/service.ts';
import { SessionService } from './users/sessions.ts';
import { DeliverySender, type SenderOptions } from './webhooks/sender.ts';
import { WebhookService } from './webhooks/service.ts';
import { WebhookWorker, type WebhookWorkerOptions } from './webhooks/worker.ts';
import { WorkspaceService } from './workspaces/service.ts';

/** Everything the HTTP layer and the CLI call. Built once in the composition root (main.ts, tests). */
export interface Services {
  db: Db;
  clock: Clock;
  workspaces: WorkspaceService;
  attributes: AttributeRegistry;
  profiles: ProfileService;
  events: EventService;
  /** Segment's tracking API over `events`. */
  tracking: TrackingService;
  limits: Limits;
  jobs: JobService;
  lists: ListService;
  tags: TagService;
  channels: ChannelRegistry;
  consent: ConsentService;
  dnc: DncService;
  segments: SegmentService;
  users: UserService;
  sessions: SessionService;
  feed: SegmentFeedService;
  webhooks: WebhookService;
  /** Not started here: main.ts starts its loop; tests call runOnce(). */
  webhookWorker: WebhookWorker;
  /** Real-time segment membership; not started here either (main.ts starts it; tests call runOnce()/drain()). */
  membership: MembershipWorker;
  /** Profile imports from files; its worker (imports.worker) is started by main.ts, tests call runOne(). */
  imports: ImportService;
}

export interface Limits {
  /** Largest import file (413 past it). */
  importMaxBytes: number;
  /** Bulk list / tag changes over this many profiles run as a background job. */
  bulkSyncLimit: number;
  /** Largest profile import file (413 past it); a .zip may unpack to ten times this. */
  profileImportMaxBytes: number;
}

export const DEFAULT_LIMITS: Limits = { importMaxBytes: 15 * 1024 * 1024, bulkSyncLimit: DEFAULT_SYNC_LIMIT, profileImportMaxBytes: 200 * 1024 * 1024 };

/** Where profile imports keep their files until they end (see ImportFiles), and how their worker runs. */
export interface ImportOptions extends ImportWorkerOptions {
  dir?: string;
}

export function createServices(deps: { db: Db; clock: Clock; limits?: Partial<Limits>; jobs?: JobOptions; webhooks?: SenderOptions & WebhookWorkerOptions; imports?: ImportOptions }): Services {
  const base = { db: deps.db, clock: deps.clock };
  const attributes = new AttributeRegistry(base);
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const jobs = new JobService({ ...base, ...deps.jobs });
  const lists = new ListService({ ...base, jobs, syncLimit: limits.bulkSyncLimit, attributes });
  const tags = new TagService({ ...base, jobs, syncLimit: limits.bulkSyncLimit, attributes });
  jobs.handle({ ...lists.jobHandlers(), ...tags.jobHandlers() });
  const channels = new ChannelRegistry(base);
  const sender = new DeliverySender({ ...base, ...deps.webhooks });
  const consent = new ConsentService({ ...base, channels });
  const events = new EventService({ ...base, attributes });
  const { dir, ...importWorker } = deps.imports ?? {};
  return {
    ...base,
    limits, jobs, lists, tags, channels, consent,
    imports: new ImportService({
      ...base, attributes, lists, channels, consent, worker: importWorker,
      files: new ImportFiles(dir ?? join(tmpdir(), 'audience-imports')), maxUnzippedBytes: 10 * limits.profileImportMaxBytes,
    }),
    dnc: new DncService({ ...base, channels }),
    workspaces: new WorkspaceService(base),
    users: new UserService(base),
    sessions: new SessionService(base),
    attributes,
    profiles: new ProfileService({ ...base, attributes }),
    events,
    tracking: new TrackingService({ ...base, events }),
    feed: new SegmentFeedService(base),
    webhooks: new WebhookService({ ...base, sender }),
    webhookWorker: new WebhookWorker({ ...base, sender, ...deps.webhooks }),
    segments: new SegmentService({ ...base, attributes }),
    membership: new MembershipWorker(base),
  };
}
