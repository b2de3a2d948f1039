import type { Db, Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { recordChanges } from '../membership/changes.ts';
import { isUuid } from '../shared/ids.ts';
import type { BatchCounts, Job, JobKind, JobService } from '../jobs/service.ts';
import { matchesQuery, type RuleSelection } from './rule.ts';

const Q = loadQueries('profile-sets', ['known-profiles']);

/**
 * Adding profiles to and removing them from a set of profiles — a list or a tag — by id or by rule.
 * Both work the same way, so the code is here once: ids that are malformed or not a profile of the
 * workspace are invalid, the rest changed or unchanged; every changed profile gets a change record.
 */
export interface ProfileSetKind {
  /** The change record kind ('lists' | 'tags'); the set's name goes in its names. */
  changeKind: 'lists' | 'tags';
  /** SQL of add ($1 workspace, $2 set id, $3 uuid[] profile ids, $4 at) and remove (the first three), RETURNING the profile_id of each changed row. */
  addSql: string;
  removeSql: string;
  /** The job kinds that run an add or a remove too large for one request. */
  jobs: { add: JobKind; remove: JobKind };
}

export type BulkOp = 'add' | 'remove';
export type BulkResult = { done: BatchCounts } | { job: Job };

/** Changes of more profiles than this become a background job (202); up to it, one transaction (all or nothing). */
export const DEFAULT_SYNC_LIMIT = 10_000;

/** Unique well-formed ids, and how many given were malformed. */
export function partitionIds(ids: readonly string[]): { items: string[]; malformed: number } {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const items = unique.filter(isUuid);
  return { items, malformed: unique.length - items.length };
}

/** Applies one add or remove to well-formed ids inside `tx`, and records the changes. */
export async function applyToProfiles(tx: Queryable, args: {
  kind: ProfileSetKind; op: BulkOp; workspaceId: string; setId: string; setName: string; items: readonly string[]; at: Date;
}): Promise<BatchCounts> {
  const { workspaceId, items, at } = args;
  const known = (await tx.query<{ profile_id: string }>(Q['known-profiles'], [workspaceId, items])).map((r) => r.profile_id);
  const [sql, params] = args.op === 'add' ? [args.kind.addSql, [workspaceId, args.setId, known, at]] : [args.kind.removeSql, [workspaceId, args.setId, known]];
  const changed = known.length === 0 ? [] : await tx.query<{ profile_id: string }>(sql, params);
  await recordChanges(tx, {
    workspaceId, at, changes: changed.map((r) => ({ profileId: r.profile_id, kind: args.kind.changeKind, names: [args.setName] })),
  });
  return { changed: changed.length, unchanged: known.length - changed.length, invalid: items.length - known.length };
}

/** Who to add or remove: profile ids, or everyone a rule matches now. */
export type Selection = { ids: readonly string[] } | { rule: RuleSelection };

/**
 * The request path: up to `syncLimit` profiles in one transaction (all or nothing), more as a
 * background job. `loadSet` reads the set in the transaction (404 when it is not the workspace's).
 * A rule is a snapshot: the profiles it matches when the call is made.
 */
export async function bulkChange(deps: { db: Db; jobs: JobService; syncLimit: number }, args: {
  kind: ProfileSetKind; op: BulkOp; workspaceId: string; setId: string; selection: Selection; at: Date;
  loadSet: (q: Queryable) => Promise<{ name: string }>;
}): Promise<BulkResult> {
  const { selection, workspaceId } = args;
  const jobKind = args.op === 'add' ? args.kind.jobs.add : args.kind.jobs.remove;
  const queue = (items: readonly string[] | { sql: string; params: unknown[] }, invalid: number) =>
    deps.jobs.create({ workspaceId, kind: jobKind, targetId: args.setId, items, invalid });

  if ('ids' in selection) {
    const { items, malformed } = partitionIds(selection.ids);
    if (items.length > deps.syncLimit) {
      await args.loadSet(deps.db);
      return { job: await queue(items, malformed) };
    }
    return deps.db.transaction(async (tx) => {
      const set = await args.loadSet(tx);
      const counts = await applyToProfiles(tx, { ...args, setName: set.name, items });
      return { done: { ...counts, invalid: counts.invalid + malformed } };
    });
  }
  const small = await deps.db.transaction(async (tx) => {
    const set = await args.loadSet(tx);
    const probe = matchesQuery(workspaceId, selection.rule, deps.syncLimit + 1);
    const items = (await tx.query<{ profile_id: string }>(probe.sql, probe.params)).map((r) => r.profile_id);
    if (items.length > deps.syncLimit) return undefined;
    return { done: await applyToProfiles(tx, { ...args, setName: set.name, items }) };
  });
  return small ?? { job: await queue(matchesQuery(workspaceId, selection.rule), 0) };
}
