/** A real Audience server on an ephemeral port, for API tests over HTTP. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/http/app.ts';
import { createServices, type ImportOptions, type Services } from '../src/services.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { freshDb, type StoreKind } from './stores.ts';

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
  close: () => Promise<void>;
}

export async function startServer(kind: StoreKind, opts: { now?: string; timezone?: string; consoleDir?: string; imports?: ImportOptions } = {}): Promise<TestServer> {
  const { db, drop } = await freshDb(kind);
  const clock = new ManualClock(opts.now ?? '2026-03-15T12:00:00Z');
  const services = createServices({ db, clock, imports: opts.imports });
  const app = await buildApp({ services, logger: false, consoleDir: opts.consoleDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const { workspace, apiKey } = await services.workspaces.create({ name: 'Test', timezone: opts.timezone ?? 'UTC' });
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
    url, services, clock, app, workspaceId: workspace.id, apiKey, call,
    close: async () => {
      await app.close();
      await drop();
    },
  };
}
