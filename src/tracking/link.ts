import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { RetryTransaction } from '../db/retry.ts';
import { recordChanges } from '../membership/changes.ts';
import { Errors } from '../shared/errors.ts';
import { mergeProfiles } from './merge.ts';

const Q = loadQueries('tracking', ['find-owners', 'add-identity']);

/**
 * A link between an earlier id and a user id: Segment's alias (previousId → userId), or a message that
 * carries both anonymousId and userId. `previous` is looked up as an anonymous id and as an external id.
 */
export interface Link {
  previous: string;
  userId: string;
}

export interface Owner {
  profileId: string;
  kind: 'external_id' | 'anonymous_id';
  /** The profile has an identifier other than an anonymous id. */
  known: boolean;
}

/** What a link does, decided from who owns the two ids (pure; see decideLink). */
export type LinkAction =
  | { action: 'pipeline' } // nothing to do here: the tracking pipeline attaches the ids as for any message
  | { action: 'add-user-id'; profileId: string } // previous is a user id: the new user id joins its profile
  | { action: 'merge'; from: string; into: string; reason: 'anonymous' | 'alias' }
  | { action: 'conflict'; from: string; into: string };

/** Two known profiles are merged only when the workspace allows it; an anonymous one always joins the known one. */
export function decideLink(args: { previous?: Owner; user?: Owner; allowMerge: boolean }): LinkAction {
  const { previous, user } = args;
  if (!previous || previous.profileId === user?.profileId) return { action: 'pipeline' };
  if (!user) return previous.kind === 'external_id' ? { action: 'add-user-id', profileId: previous.profileId } : { action: 'pipeline' };
  if (!previous.known) return { action: 'merge', from: previous.profileId, into: user.profileId, reason: 'anonymous' };
  if (args.allowMerge) return { action: 'merge', from: previous.profileId, into: user.profileId, reason: 'alias' };
  return { action: 'conflict', from: previous.profileId, into: user.profileId };
}

/** Owners of the links' ids, in one query: 'previous' and 'user' per link (undefined when unknown). */
export async function findLinkOwners(q: Queryable, workspaceId: string, links: readonly Link[]): Promise<{ previous?: Owner; user?: Owner }[]> {
  if (links.length === 0) return [];
  const kinds: string[] = [];
  const values: string[] = [];
  for (const l of links) {
    kinds.push('anonymous_id', 'external_id', 'external_id');
    values.push(l.previous, l.previous, l.userId);
  }
  const rows = await q.query<{ kind: 'external_id' | 'anonymous_id'; value: string; profile_id: string; known: boolean }>(Q['find-owners'], [workspaceId, kinds, values]);
  const by = new Map(rows.map((r) => [`${r.kind}\u0000${r.value}`, { profileId: r.profile_id, kind: r.kind, known: r.known }]));
  return links.map((l) => ({
    previous: by.get(`anonymous_id\u0000${l.previous}`) ?? by.get(`external_id\u0000${l.previous}`),
    user: by.get(`external_id\u0000${l.userId}`),
  }));
}

/**
 * Applies one link inside the caller's transaction, deciding again on what the transaction reads (another
 * request may have linked or merged meanwhile). Throws AUD_ERR_PROFILE_MERGE_NOT_ALLOWED for two known
 * profiles when the workspace does not allow merging.
 */
export async function applyLink(tx: Queryable, args: { workspaceId: string; link: Link; allowMerge: boolean; now: Date }): Promise<LinkAction> {
  const [owners] = await findLinkOwners(tx, args.workspaceId, [args.link]);
  const decision = decideLink({ ...owners!, allowMerge: args.allowMerge });
  switch (decision.action) {
    case 'pipeline':
      return decision;
    case 'add-user-id': {
      const rows = await tx.query(Q['add-identity'], [args.workspaceId, decision.profileId, 'external_id', args.link.userId, args.now]);
      if (rows.length === 0) throw new RetryTransaction('the user id was taken meanwhile');
      await recordChanges(tx, { workspaceId: args.workspaceId, at: args.now, changes: [{ profileId: decision.profileId, kind: 'identity', names: ['external_id'] }] });
      return decision;
    }
    case 'merge':
      await mergeProfiles(tx, { workspaceId: args.workspaceId, from: decision.from, into: decision.into, reason: decision.reason, now: args.now });
      return decision;
    case 'conflict':
      throw Errors.mergeNotAllowed({ from: decision.from, into: decision.into, details: { profile_ids: [decision.from, decision.into] } });
  }
}
