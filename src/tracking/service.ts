import type { Db } from '../db/db.ts';
import { transactionWithRetry } from '../db/retry.ts';
import type { EventService, ItemResult } from '../events/ingest.ts';
import type { Clock } from '../shared/clock.ts';
import { AudienceError, Errors } from '../shared/errors.ts';
import type { WorkspaceSettings } from '../workspaces/service.ts';
import { applyLink, decideLink, findLinkOwners, type Link } from './link.ts';
import { type Envelope, mapSegmentMessage, type Mapped, type SegmentType } from './segment-message.ts';

export interface TrackingError {
  index: number;
  error: AudienceError;
}

/**
 * Segment's tracking API over Audience's tracking pipeline (src/events): each Segment message is mapped
 * to the pipeline's track / identify messages (plus an identify of the device attributes its context
 * gives); links (alias, or userId with anonymousId) are applied first, merging an anonymous profile into
 * the known one, so the batch's events then land on the known profile. Returns the messages that failed.
 */
export class TrackingService {
  constructor(private readonly deps: { db: Db; clock: Clock; events: EventService }) {}

  async send(args: {
    workspaceId: string; timezone: string; settings: WorkspaceSettings;
    messages: readonly unknown[]; type?: SegmentType; sentAt?: unknown; ip?: string; path: (index: number) => string;
  }): Promise<TrackingError[]> {
    const envelope: Envelope = { receivedAt: this.deps.clock.now(), sentAt: args.sentAt, ip: args.ip };
    const errors: TrackingError[] = [];
    const mapped: (Mapped | undefined)[] = args.messages.map((raw, index) => {
      try {
        return mapSegmentMessage(raw, { type: args.type, envelope, path: args.path(index) });
      } catch (err) {
        errors.push({ index, error: asAudienceError(err) });
        return undefined;
      }
    });

    let failed = await this.pass({ ...args, mapped });
    // A link is decided on what is committed when the batch arrives; a concurrent batch (SDKs send
    // several at once) may make both ids known meanwhile, and the pipeline then refuses the message as an
    // identity conflict. Such messages go through once more: the link is decided again, now merging.
    const again = mapped.map((m, i) => (m?.link && failed.get(i)?.code === Errors.identityConflict.code ? m : undefined));
    if (again.some(Boolean)) {
      for (const i of again.keys()) if (again[i]) failed.delete(i);
      for (const [i, e] of await this.pass({ ...args, mapped: again })) failed.set(i, e);
    }
    for (const [index, error] of failed) errors.push({ index, error });
    return errors.sort((a, b) => a.index - b.index);
  }

  /** Applies the messages' links, then stores them through the pipeline; returns the errors by message index. */
  private async pass(args: { workspaceId: string; timezone: string; settings: WorkspaceSettings; mapped: readonly (Mapped | undefined)[]; path: (index: number) => string }): Promise<Map<number, AudienceError>> {
    const { mapped } = args;
    const failed = new Map<number, AudienceError>();
    const links = await this.applyLinks(args);
    const native: unknown[] = [];
    const origin: number[] = []; // native position → message index; -1: a device identify (its result is not reported)
    const devices = new Set<string>();
    mapped.forEach((m, index) => {
      if (!m) return;
      const linkError = m.link && links.failed.get(linkKey(m.link));
      if (linkError) return void failed.set(index, linkError);
      if (m.alias) {
        // Not merged nor linked above: the pipeline attaches the ids as for an identify carrying both.
        if (!links.applied.has(linkKey(m.link!))) {
          native.push({ type: 'identify', userId: m.link!.userId, anonymousId: m.link!.previous });
          origin.push(index);
        }
        return;
      }
      if (!m.message) return;
      native.push(m.message);
      origin.push(index);
      if (!m.device) return;
      const identify = { type: 'identify', userId: m.message.userId, anonymousId: m.message.anonymousId, traits: m.device };
      const key = JSON.stringify(identify);
      if (devices.has(key)) return;
      devices.add(key);
      native.push(identify);
      origin.push(-1);
    });
    if (native.length === 0) return failed;
    const results: ItemResult[] = await this.deps.events.ingest({
      workspaceId: args.workspaceId, timezone: args.timezone, messages: native, path: (i) => (origin[i]! >= 0 ? args.path(origin[i]!) : ''),
    });
    results.forEach((r, i) => {
      if (r.status === 'error' && origin[i]! >= 0) failed.set(origin[i]!, r.error);
    });
    return failed;
  }

  /**
   * Applies the links that need more than the pipeline does (a merge, or a second user id), each in its
   * own transaction; one query first finds the few that do. Returns the keys of those applied and the
   * errors of those that failed.
   */
  private async applyLinks(args: { workspaceId: string; settings: WorkspaceSettings; mapped: readonly (Mapped | undefined)[] }): Promise<{ applied: Set<string>; failed: Map<string, AudienceError> }> {
    const links = new Map<string, Link>();
    for (const m of args.mapped) if (m?.link) links.set(linkKey(m.link), m.link);
    const failed = new Map<string, AudienceError>();
    const applied = new Set<string>();
    if (links.size === 0) return { applied, failed };
    const list = [...links.values()];
    const allowMerge = args.settings.allowProfileMerge === true;
    const owners = await findLinkOwners(this.deps.db, args.workspaceId, list);
    for (const [i, link] of list.entries()) {
      if (decideLink({ ...owners[i]!, allowMerge }).action === 'pipeline') continue;
      try {
        const done = await transactionWithRetry(this.deps.db, (tx) => applyLink(tx, { workspaceId: args.workspaceId, link, allowMerge, now: this.deps.clock.now() }));
        if (done.action !== 'pipeline') applied.add(linkKey(link));
      } catch (err) {
        failed.set(linkKey(link), asAudienceError(err));
      }
    }
    return { applied, failed };
  }
}

const linkKey = (l: Link): string => `${l.previous}\u0000${l.userId}`;

function asAudienceError(err: unknown): AudienceError {
  if (err instanceof AudienceError) return err;
  throw err;
}
