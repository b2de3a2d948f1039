/** A real Audience server on an ephemeral port, for API tests over HTTP. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/http/app.ts';
import { createServices, type ImportOptions, type Limits, type Services } from '../src/services.ts';
import { ManualClock } from '../src/shared/clock.ts';
import type { Db } from '../src/db/db.ts';
import { freshDb, removeStore, reopenDb, type StoreKind, type StoreLocation } from './stores.ts';

export interface TestServer {
  url: string;
  services: Services;
  clock: ManualClock;
  app: FastifyInstance;
  /** A workspace created for the suite and its secret key. */
  workspaceId: string;
  apiKey: string;
  /** fetch with the key: `call('POST', '/v1/track', body)` → { status, body } */
  call: (method: string, path: string, body?: unknown, opts?: { key?: string; headers?: Record<string, string> }) => Promise<{ status: number; body: any; headers: Headers }>;
  /** Where the data lives, when it can be reopened (`restartable`, `reopen`). */
  location?: StoreLocation;
  /** Stops the server and removes its data. */
  close: () => Promise<void>;
  /**
   * Stops the server and closes its store, keeping the data (stop the workers you started first):
   * `startServer(kind, { reopen: s })` then starts a new server on it, as a restarted process would.
   */
  stop: () => Promise<void>;
}

export async function startServer(kind: StoreKind, opts: {
  now?: string; timezone?: string; consoleDir?: string; imports?: ImportOptions;
  /** Lower limits (e.g. bulkSyncLimit, so that a small bulk change takes the background-job path). */
  limits?: Partial<Limits>;
  /** Keep the data where a new server can reopen it (a PGlite data directory; PostgreSQL always can). */
  restartable?: boolean;
  /** Start on the data of a server stopped with stop(), with its workspace and key. */
  reopen?: Pick<TestServer, 'location' | 'workspaceId' | 'apiKey'>;
} = {}): Promise<TestServer> {
  let db: Db;
  let location: StoreLocation | undefined;
  let drop: () => Promise<void>;
  if (opts.reopen) {
    const at = opts.reopen.location;
    if (!at) throw new Error('reopen: the server was not started restartable');
    db = await reopenDb(at);
    location = at;
    drop = async () => {
      await db.close();
      await removeStore(at);
    };
  } else {
    ({ db, location, drop } = await freshDb(kind, { onDisk: opts.restartable }));
  }
  const clock = new ManualClock(opts.now ?? '2026-03-15T12:00:00Z');
  const services = createServices({ db, clock, imports: opts.imports, limits: opts.limits });
  const app = await buildApp({ services, logger: false, consoleDir: opts.consoleDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const { workspaceId, apiKey } = opts.reopen ?? await (async () => {
    const created = await services.workspaces.create({ name: 'Test', timezone: opts.timezone ?? 'UTC' });
    return { workspaceId: created.workspace.id, apiKey: created.apiKey };
  })();
  const call: TestServer['call'] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key ?? apiKey;
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(url + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (CSV, HTML) */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    url, services, clock, app, workspaceId, apiKey, call, location,
    close: async () => {
      await app.close();
      await drop();
    },
    stop: async () => {
      await app.close();
      await db.close();
    },
  };
}
