import { join } from 'node:path';
import type { StoreConfig } from './db/open.ts';

export interface Config {
  host: string;
  port: number;
  store: StoreConfig;
  /** Largest accepted request body, in bytes (413 past it). Segment's batch limit is 500 KB; we allow more. */
  bodyLimit: number;
  /** Largest import file (.csv, .xlsx, .zip), in bytes (413 past it). */
  importMaxBytes: number;
  /** Profile imports: the largest file (413 past it), where files wait until their import ends, the worker's lease and batch size. */
  profileImports: { maxBytes: number; dir: string; leaseMs: number; batchSize: number };
  logLevel: string;
}

/** The only place that reads the environment. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.HOST ?? '0.0.0.0',
    port: Number(env.PORT ?? 8080),
    store: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE ? Number(env.DATABASE_POOL_SIZE) : undefined }
      : { kind: 'pglite', dataDir: env.AUDIENCE_DATA_DIR ?? './data' },
    bodyLimit: Number(env.AUDIENCE_BODY_LIMIT ?? 4 * 1024 * 1024),
    importMaxBytes: Number(env.AUDIENCE_IMPORT_MAX_BYTES ?? 15 * 1024 * 1024),
    profileImports: {
      maxBytes: Number(env.AUDIENCE_PROFILE_IMPORT_MAX_BYTES ?? 200 * 1024 * 1024),
      dir: env.AUDIENCE_IMPORT_DIR ?? join(env.AUDIENCE_DATA_DIR ?? './data', 'imports'),
      leaseMs: 1000 * Number(env.AUDIENCE_IMPORT_LEASE_SECONDS ?? 30),
      batchSize: Number(env.AUDIENCE_IMPORT_BATCH_ROWS ?? 5000),
    },
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
