import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { healthRoutes } from './health.ts';
import { workspaceRoutes } from './workspace.ts';

export type RoutePlugin = FastifyPluginAsync<{ services: Services }>;

/** Every route plugin, in one list. Each file holds one resource. */
export const routes: RoutePlugin[] = [healthRoutes, workspaceRoutes];
