import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Clock } from '../shared/clock.ts';
import { Errors } from '../shared/errors.ts';

const Q = loadQueries('channels', ['list-custom', 'get-custom', 'insert-custom', 'subscriber-counts']);

/** Every workspace has these; more are added per workspace with POST /v1/channels. */
export const BUILTIN_CHANNELS: readonly { name: string; label: string }[] = [
  { name: 'email', label: 'Email' },
  { name: 'sms', label: 'SMS' },
  { name: 'push', label: 'Push' },
  { name: 'whatsapp', label: 'WhatsApp' },
  { name: 'in_app', label: 'In-app' },
];
const BUILTIN = new Set(BUILTIN_CHANNELS.map((c) => c.name));

/** Channel names are identifiers (they appear in rules and exports): lower-case letters, digits and _. */
export const CHANNEL_NAME_RE = /^[a-z][a-z0-9_]{0,31}$/;

export interface Channel {
  name: string;
  label: string | null;
  builtin: boolean;
  created_at: Date | null;
  /** Profiles subscribed on the channel. */
  subscribers: number;
}

export class ChannelRegistry {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async list(workspaceId: string): Promise<Channel[]> {
    const [custom, counts] = await Promise.all([
      this.deps.db.query<{ name: string; label: string | null; created_at: Date }>(Q['list-custom'], [workspaceId]),
      this.deps.db.query<{ channel: string; subscribers: number }>(Q['subscriber-counts'], [workspaceId]),
    ]);
    const subscribers = new Map(counts.map((c) => [c.channel, c.subscribers]));
    return [
      ...BUILTIN_CHANNELS.map((c) => ({ ...c, builtin: true, created_at: null })),
      ...custom.map((c) => ({ ...c, builtin: false })),
    ].map((c) => ({ ...c, subscribers: subscribers.get(c.name) ?? 0 }));
  }

  async create(workspaceId: string, input: { name: string; label?: string }): Promise<Channel> {
    if (BUILTIN.has(input.name)) throw Errors.nameTaken({ resource: 'channel', name: input.name, path: 'name' });
    const [row] = await this.deps.db.query<{ name: string; label: string | null; created_at: Date }>(
      Q['insert-custom'], [workspaceId, input.name, input.label ?? null, this.deps.clock.now()],
    );
    if (!row) throw Errors.nameTaken({ resource: 'channel', name: input.name, path: 'name' });
    return { ...row, builtin: false, subscribers: 0 };
  }

  /** Whether the workspace knows the channel (built-in or its own). */
  async exists(q: Queryable, workspaceId: string, channel: string): Promise<boolean> {
    if (BUILTIN.has(channel)) return true;
    return (await q.query(Q['get-custom'], [workspaceId, channel])).length > 0;
  }

  /** Throws the 422 for a channel the workspace does not know; `path` points at it in the request. */
  async assertKnown(q: Queryable, args: { workspaceId: string; channel: string; path: string }): Promise<void> {
    if (!(await this.exists(q, args.workspaceId, args.channel))) throw Errors.unknownChannel({ channel: args.channel, path: args.path });
  }

  /** The names of every channel of the workspace. */
  async names(q: Queryable, workspaceId: string): Promise<string[]> {
    const custom = await q.query<{ name: string }>(Q['list-custom'], [workspaceId]);
    return [...BUILTIN, ...custom.map((c) => c.name)];
  }
}
