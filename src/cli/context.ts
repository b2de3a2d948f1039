import { readConfig } from '../config.ts';
import { openDb } from '../db/open.ts';
import { createServices, type Services } from '../services.ts';
import { systemClock } from '../shared/clock.ts';

/** Opens the configured store for one CLI command and closes it afterwards. */
export async function withServices<T>(fn: (s: Services) => Promise<T>): Promise<T> {
  const config = readConfig();
  const db = await openDb(config.store);
  try {
    return await fn(createServices({
      db, clock: systemClock,
      limits: { profileImportMaxBytes: config.profileImports.maxBytes },
      imports: { dir: config.profileImports.dir, leaseMs: config.profileImports.leaseMs, batchSize: config.profileImports.batchSize },
    }));
  } finally {
    await db.close();
  }
}
