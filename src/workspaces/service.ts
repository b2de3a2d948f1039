import { loadQueries } from '../db/queries.ts';
import type { Db } from '../db/db.ts';
import { createPredefinedSegments } from '../segments/predefined.ts';
import type { Clock } from '../shared/clock.ts';
import { Errors } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { generateKey, hashKey, type KeyKind } from './keys.ts';

const Q = loadQueries('workspaces', [
  'insert-workspace', 'get-workspace', 'update-workspace', 'list-workspaces',
  'insert-key', 'find-key-by-hash', 'list-keys', 'revoke-key',
]);

export interface Workspace {
  id: string;
  name: string;
  timezone: string;
  settings: WorkspaceSettings;
  created_at: Date;
}
export interface WorkspaceSettings {
  /** Segment's alias across two known profiles merges them instead of answering 409. */
  allowProfileMerge?: boolean;
}
export interface ApiKeyInfo {
  id: string;
  workspace_id: string;
  kind: KeyKind;
  name: string;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}
/** What a request authenticated with. */
export interface AuthContext {
  workspaceId: string;
  keyId: string;
  kind: KeyKind;
  timezone: string;
  settings: WorkspaceSettings;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** How long a verified key is trusted without asking the store again (revocation in this process is immediate). */
const AUTH_CACHE_MS = 5_000;

export class WorkspaceService {
  private readonly authCache = new Map<string, { ctx: AuthContext; until: number }>();

  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /** Creates a workspace and its first secret key; the key is returned once and never stored. */
  async create(input: { name: string; timezone?: string }): Promise<{ workspace: Workspace; apiKey: string }> {
    const timezone = input.timezone ?? 'UTC';
    if (!isValidTimeZone(timezone)) throw Errors.validation({ message: `unknown time zone ${JSON.stringify(timezone)}`, path: 'timezone' });
    const now = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const [workspace] = await tx.query<Workspace>(Q['insert-workspace'], [newId(), input.name, timezone, now]);
      const k = generateKey('secret');
      await tx.query(Q['insert-key'], [newId(), workspace!.id, 'secret', 'Default key', k.prefix, k.hash, now]);
      await createPredefinedSegments(tx, { workspaceId: workspace!.id, now });
      return { workspace: workspace!, apiKey: k.key };
    });
  }

  async get(id: string): Promise<Workspace> {
    const [ws] = await this.deps.db.query<Workspace>(Q['get-workspace'], [id]);
    if (!ws) throw Errors.notFound({ resource: 'workspace', id });
    return ws;
  }

  list(): Promise<Workspace[]> {
    return this.deps.db.query<Workspace>(Q['list-workspaces']);
  }

  async update(id: string, patch: { name?: string; timezone?: string; settings?: WorkspaceSettings }): Promise<Workspace> {
    if (patch.timezone !== undefined && !isValidTimeZone(patch.timezone)) {
      throw Errors.validation({ message: `unknown time zone ${JSON.stringify(patch.timezone)}`, path: 'timezone' });
    }
    // Settings merge in SQL (settings || $4), so concurrent updates of different settings both land.
    const [ws] = await this.deps.db.query<Workspace>(Q['update-workspace'], [id, patch.name ?? null, patch.timezone ?? null, patch.settings ?? null]);
    if (!ws) throw Errors.notFound({ resource: 'workspace', id });
    this.authCache.clear();
    return ws;
  }

  async createKey(workspaceId: string, input: { kind: KeyKind; name: string }): Promise<{ key: string; info: ApiKeyInfo }> {
    const k = generateKey(input.kind);
    const [info] = await this.deps.db.query<ApiKeyInfo>(Q['insert-key'], [newId(), workspaceId, input.kind, input.name, k.prefix, k.hash, this.deps.clock.now()]);
    return { key: k.key, info: info! };
  }

  listKeys(workspaceId: string): Promise<ApiKeyInfo[]> {
    return this.deps.db.query<ApiKeyInfo>(Q['list-keys'], [workspaceId]);
  }

  async revokeKey(workspaceId: string, keyId: string): Promise<ApiKeyInfo> {
    const [info] = await this.deps.db.query<ApiKeyInfo>(Q['revoke-key'], [workspaceId, keyId, this.deps.clock.now()]);
    if (!info) throw Errors.notFound({ resource: 'api key', id: keyId });
    this.authCache.clear();
    return info;
  }

  /** The live key's workspace, or undefined. */
  async authenticate(key: string): Promise<AuthContext | undefined> {
    const hash = hashKey(key);
    const now = this.deps.clock.now().getTime();
    const hit = this.authCache.get(hash);
    if (hit && hit.until > now) return hit.ctx;
    const [row] = await this.deps.db.query<{ id: string; kind: KeyKind; workspace_id: string; timezone: string; settings: WorkspaceSettings }>(
      Q['find-key-by-hash'], [hash],
    );
    if (!row) {
      this.authCache.delete(hash);
      return undefined;
    }
    const ctx: AuthContext = { workspaceId: row.workspace_id, keyId: row.id, kind: row.kind, timezone: row.timezone, settings: row.settings };
    if (this.authCache.size > 10_000) this.authCache.clear();
    this.authCache.set(hash, { ctx, until: now + AUTH_CACHE_MS });
    return ctx;
  }
}
