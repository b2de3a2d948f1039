/**
 * One profile's facts for the in-memory evaluator (explain): its attributes, tag and list names,
 * consent, Do-Not-Contact hits and its events of the names the rule uses, up to now.
 */
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import type { Facts } from '../rules/index.ts';

const Q = loadQueries('segments', ['profile-facts', 'profile-dnc', 'profile-events']);

/** The facts, or undefined when the workspace has no such profile. */
export async function loadProfileFacts(
  q: Queryable,
  args: { workspaceId: string; profileId: string; eventNames: readonly string[]; now: Date },
): Promise<Facts | undefined> {
  const key = [args.workspaceId, args.profileId];
  const [[row], dnc, events] = await Promise.all([
    q.query<{ attributes: Record<string, unknown>; tags: string[]; lists: string[]; consent: Facts['consent'] }>(Q['profile-facts'], key),
    q.query<{ channel: string | null }>(Q['profile-dnc'], key),
    args.eventNames.length === 0
      ? Promise.resolve([])
      : q.query<{ name: string; ts: Date; properties: Record<string, unknown> }>(Q['profile-events'], [...key, args.eventNames, args.now]),
  ]);
  if (!row) return undefined;
  return {
    attributes: row.attributes,
    tags: new Set(row.tags),
    lists: new Set(row.lists),
    consent: row.consent,
    dnc: { all: dnc.some((d) => d.channel === null), channels: new Set(dnc.flatMap((d) => (d.channel === null ? [] : [d.channel]))) },
    events: events.map((e) => ({ name: e.name, ts: e.ts.getTime(), properties: e.properties })),
  };
}
