import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { attributeRoutes } from './attributes.ts';
import { channelRoutes } from './channels.ts';
import { consentRoutes } from './consent.ts';
import { dncImportRoutes } from './dnc-import.ts';
import { dncRoutes } from './dnc.ts';
import { eventRoutes } from './events.ts';
import { healthRoutes } from './health.ts';
import { importRoutes } from './imports.ts';
import { jobRoutes } from './jobs.ts';
import { listRoutes } from './lists.ts';
import { profileRoutes } from './profiles.ts';
import { segmentFeedRoutes } from './segment-feed.ts';
import { segmentRoutes } from './segments.ts';
import { sessionRoutes } from './session.ts';
import { tagRoutes } from './tags.ts';
import { trackingRoutes } from './tracking.ts';
import { userRoutes } from './users.ts';
import { webhookRoutes } from './webhooks.ts';
import { workspaceRoutes } from './workspace.ts';

export type RoutePlugin = FastifyPluginAsync<{ services: Services }>;

/** Every route plugin, in one list. Each file holds one resource. */
export const routes: RoutePlugin[] = [healthRoutes, workspaceRoutes, attributeRoutes, profileRoutes, eventRoutes,
  listRoutes, tagRoutes, jobRoutes, channelRoutes, consentRoutes, dncRoutes, dncImportRoutes,
  sessionRoutes, userRoutes, segmentFeedRoutes, webhookRoutes, segmentRoutes, importRoutes, trackingRoutes];
