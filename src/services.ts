import type { Db } from './db/db.ts';
import type { Clock } from './shared/clock.ts';
import { WorkspaceService } from './workspaces/service.ts';

/** Everything the HTTP layer and the CLI call. Built once in the composition root (main.ts, tests). */
export interface Services {
  db: Db;
  clock: Clock;
  workspaces: WorkspaceService;
}

export function createServices(deps: { db: Db; clock: Clock }): Services {
  return {
    ...deps,
    workspaces: new WorkspaceService(deps),
  };
}
