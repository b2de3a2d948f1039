import { Errors } from '../shared/errors.ts';
import { correctedTimestamp } from './clock-skew.ts';
import { deviceAttributes, isObject, profileTraits } from './context.ts';
import type { Link } from './link.ts';

/** The message types of Segment's tracking API. */
export const SEGMENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** What the request adds to every message: the server's receive time, the batch's sentAt, the client's IP. */
export interface Envelope {
  receivedAt: Date;
  sentAt?: unknown;
  ip?: string;
}

/**
 * One Segment message as the tracking pipeline's messages (src/events): `message` (track or identify),
 * `device` (the standard attributes its context fills, set by an identify), `link` (alias, or userId
 * and anonymousId together). An alias has no message: it is only a link.
 */
export interface Mapped {
  message?: Record<string, unknown>;
  device?: Record<string, string>;
  link?: Link;
  /** An alias message: only a link. */
  alias?: true;
}

/** Events that page, screen and group become (documented in docs/tracking.md). */
const EVENT_OF: Record<'page' | 'screen' | 'group', string> = { page: 'page_view', screen: 'screen_view', group: 'group' };

/** Maps one Segment message; `type` is the endpoint's when the message has none. Throws an AudienceError. */
export function mapSegmentMessage(raw: unknown, args: { type?: SegmentType; envelope: Envelope; path: string }): Mapped {
  const at = (f: string) => (args.path ? `${args.path}.${f}` : f);
  if (!isObject(raw)) throw Errors.validation({ message: `${args.path || 'message'}: a message must be an object`, path: args.path || undefined });
  const type = raw.type ?? args.type ?? 'track';
  if (typeof type !== 'string' || !(SEGMENT_TYPES as readonly string[]).includes(type)) {
    throw Errors.validation({ message: `${at('type')}: must be one of ${SEGMENT_TYPES.join(', ')}`, path: at('type') });
  }
  const userId = idOf(raw.userId);
  const anonymousId = idOf(raw.anonymousId);
  if (type === 'alias') {
    const previous = idOf(raw.previousId);
    if (previous === undefined || userId === undefined) throw Errors.validation({ message: `${args.path || 'alias'}: an alias needs previousId and userId`, path: at(previous === undefined ? 'previousId' : 'userId') });
    return { link: { previous, userId }, alias: true };
  }
  const context = isObject(raw.context) ? { ...raw.context } : {};
  if (context.ip === undefined && args.envelope.ip) context.ip = args.envelope.ip;
  const common = {
    userId: raw.userId, anonymousId: raw.anonymousId, messageId: raw.messageId, context,
    timestamp: correctedTimestamp({ timestamp: raw.timestamp, sentAt: raw.sentAt ?? args.envelope.sentAt, receivedAt: args.envelope.receivedAt }),
  };
  const out: Mapped = { device: deviceAttributes(context) };
  if (userId !== undefined && anonymousId !== undefined) out.link = { previous: anonymousId, userId };
  switch (type as Exclude<SegmentType, 'alias'>) {
    case 'identify':
      out.message = { ...common, type: 'identify', traits: profileTraits(raw.traits) ?? {} };
      break;
    case 'track':
      out.message = { ...common, type: 'track', event: raw.event, properties: raw.properties };
      break;
    case 'page':
    case 'screen': {
      const properties = { ...(isObject(raw.properties) ? raw.properties : {}) };
      if (raw.name !== undefined) properties.name = raw.name;
      if (raw.category !== undefined) properties.category = raw.category;
      out.message = { ...common, type: 'track', event: EVENT_OF[type as 'page' | 'screen'], properties };
      break;
    }
    case 'group':
      out.message = { ...common, type: 'track', event: EVENT_OF.group, properties: { group_id: raw.groupId ?? null, traits: isObject(raw.traits) ? raw.traits : {} } };
      break;
  }
  return out;
}

const idOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
