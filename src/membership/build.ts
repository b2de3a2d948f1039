/**
 * Building a segment's stored membership when it is new or its resolved rule changed (ARCHITECTURE.md,
 * "segment definitions change"), one bounded step per transaction so real-time work interleaves:
 *
 * 1. members: page through the bulk query (rules/sql) in profile-id order at the step's `now`, diff each
 *    page against the stored members of the same id range, write the differences (cause 'backfill').
 * 2. seed (time-dependent segments only): a sweep over the profiles whose answer can change with the
 *    clock evaluates the segments in memory, stores each profile's next due instant and writes any
 *    difference (a window that closed since its page was built). Segments waiting for a sweep share it.
 *
 * While a segment builds, the real-time path already evaluates it for changed profiles, against the same
 * stored rows; every step diffs against what is stored under the workspace lock at a later `now`, so
 * whichever comes last is right and no transition is doubled. Progress is stored with each step, so a
 * restart resumes; an edit restarts the build.
 */
import type { Queryable } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { membersQuery } from '../rules/sql/members-query.ts';
import type { Cause, Definitions, SegmentDef } from './definitions.ts';
import { loadFacts, needsOf } from './facts.ts';
import { reconcile, type Transition } from './reconcile.ts';
import { mergeDue, storedMemberships, writeTransitions } from './store.ts';

const Q = loadQueries('membership', [
  'workspace-builds', 'start-builds', 'advance-build', 'finish-builds', 'members-in-range',
  'get-sweep', 'start-sweep', 'advance-sweep', 'end-sweep', 'sweep-candidates',
]);

/** Below every profile id: a keyset cursor's start. */
export const MIN_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

interface BuildRow {
  segment_id: string;
  built_version: number;
  rule_hash: string | null;
  target_version: number | null;
  target_hash: string | null;
  phase: 'members' | 'seed' | null;
  cursor: string | null;
}

export interface BuildOptions {
  /** Members per page of the bulk query. */
  pageSize: number;
  /** Profiles per sweep step. */
  sweepChunk: number;
}

/** Starts a build for every segment whose stored membership is not of its current rule; true when any is under way. */
export async function startBuilds(tx: Queryable, defs: Definitions, now: Date): Promise<boolean> {
  const builds = await loadBuilds(tx, defs.workspaceId);
  const stale = defs.segments.filter((s) => {
    const b = builds.get(s.id);
    if (b?.phase) return !(b.target_version === s.version && b.target_hash === s.hash);
    return !(b && b.built_version === s.version && b.rule_hash === s.hash);
  });
  if (stale.length > 0) {
    await tx.query(Q['start-builds'], [defs.workspaceId, stale.map((s) => s.id), stale.map((s) => s.version), stale.map((s) => s.hash), now]);
  }
  return stale.length > 0 || [...builds.values()].some((b) => b.phase !== null && defs.byId.has(b.segment_id));
}

/** One step of build work: whether there was any, and how many membership rows it changed. */
export async function buildStep(tx: Queryable, args: { defs: Definitions; now: Date } & BuildOptions): Promise<{ worked: boolean; written: number }> {
  const builds = await loadBuilds(tx, args.defs.workspaceId);
  const current = (b: BuildRow): SegmentDef | undefined => {
    const s = args.defs.byId.get(b.segment_id);
    return s && b.target_hash === s.hash ? s : undefined;
  };
  // One segment at a time: the one under way first, then by id.
  const paging = [...builds.values()].filter((b) => b.phase === 'members' && current(b))
    .sort((a, b) => Number(b.cursor !== null) - Number(a.cursor !== null) || (a.segment_id < b.segment_id ? -1 : 1))[0];
  if (paging) {
    return { worked: true, written: await membersPage(tx, { ...args, segment: current(paging)!, cursor: paging.cursor }) };
  }
  const seeding = [...builds.values()].filter((b) => b.phase === 'seed' && current(b)).map((b) => current(b)!);
  return sweepStep(tx, { ...args, waiting: seeding });
}

async function loadBuilds(tx: Queryable, workspaceId: string): Promise<Map<string, BuildRow>> {
  const rows = await tx.query<BuildRow>(Q['workspace-builds'], [workspaceId]);
  return new Map(rows.map((r) => [r.segment_id, r]));
}

async function membersPage(tx: Queryable, args: { defs: Definitions; now: Date; segment: SegmentDef; cursor: string | null } & BuildOptions): Promise<number> {
  const { defs, now, segment } = args;
  const ws = defs.workspaceId;
  const q = membersQuery({
    workspaceId: ws, node: segment.node, now, timezone: defs.timezone, mode: 'ids', limit: args.pageSize,
    ...(args.cursor ? { after: args.cursor } : {}),
  });
  const fresh = (await tx.query<{ profile_id: string }>(q.sql, q.params)).map((r) => r.profile_id);
  const full = fresh.length === args.pageSize;
  const hi = full ? fresh[fresh.length - 1]! : MAX_UUID;
  const stored = (await tx.query<{ profile_id: string }>(Q['members-in-range'], [ws, segment.id, args.cursor ?? MIN_UUID, hi])).map((r) => r.profile_id);
  const transitions = diffSorted({ fresh, stored, segmentId: segment.id, cause: 'backfill' });
  await writeTransitions(tx, { workspaceId: ws, at: now, transitions });
  if (full) await tx.query(Q['advance-build'], [segment.id, hi, 'members']);
  else if (segment.deps.timeDependent) await tx.query(Q['advance-build'], [segment.id, null, 'seed']);
  else await tx.query(Q['finish-builds'], [[segment.id], [segment.hash], 'members']);
  return transitions.length;
}

/** Enter for ids only in `fresh`, exit for ids only in `stored`; both sorted as PostgreSQL sorts uuids. */
export function diffSorted(args: { fresh: readonly string[]; stored: readonly string[]; segmentId: string; cause: Cause }): Transition[] {
  const { fresh, stored, segmentId, cause } = args;
  const out: Transition[] = [];
  let i = 0;
  let j = 0;
  while (i < fresh.length || j < stored.length) {
    const a = fresh[i];
    const b = stored[j];
    if (b === undefined || (a !== undefined && a < b)) {
      out.push({ profileId: a!, segmentId, kind: 'enter', cause });
      i++;
    } else if (a === undefined || b < a) {
      out.push({ profileId: b, segmentId, kind: 'exit', cause });
      j++;
    } else {
      i++;
      j++;
    }
  }
  return out;
}

interface SweepRow {
  segments: { id: string; hash: string }[];
  cursor: string | null;
}

async function sweepStep(tx: Queryable, args: { defs: Definitions; now: Date; waiting: readonly SegmentDef[] } & BuildOptions): Promise<{ worked: boolean; written: number }> {
  const { defs, now } = args;
  const ws = defs.workspaceId;
  let [sweep] = await tx.query<SweepRow>(Q['get-sweep'], [ws]);
  if (!sweep) {
    if (args.waiting.length === 0) return { worked: false, written: 0 };
    sweep = { segments: args.waiting.map((s) => ({ id: s.id, hash: s.hash })), cursor: null };
    await tx.query(Q['start-sweep'], [ws, JSON.stringify(sweep.segments), now]);
  }
  // Segments edited since the sweep started are left out (their build starts over).
  const segments = sweep.segments.map((x) => defs.byId.get(x.id)).filter((s, k): s is SegmentDef => s?.hash === sweep.segments[k]!.hash);
  const attributes = [...new Set(segments.flatMap((s) => s.deps.attributes))];
  const events = [...new Set(segments.flatMap((s) => s.deps.events))];
  let written = 0;
  const ids = segments.length === 0 ? [] : (await tx.query<{ profile_id: string }>(Q['sweep-candidates'], [ws, sweep.cursor ?? MIN_UUID, attributes, events, args.sweepChunk])).map((r) => r.profile_id);
  if (ids.length > 0) {
    const ctx = { now, timezone: defs.timezone };
    const facts = await loadFacts(tx, { workspaceId: ws, profileIds: ids, needs: needsOf(segments, ctx) });
    const stored = await storedMemberships(tx, ws, ids);
    const plan = new Map<SegmentDef, Cause>(segments.map((s) => [s, 'backfill']));
    // A candidate erased meanwhile has an 'erase' change record waiting; leave it to the real-time path.
    const work = ids.filter((id) => facts.has(id)).map((id) => ({ profileId: id, facts: facts.get(id), segments: plan, stored: stored.get(id) ?? new Set<string>() }));
    const outcome = reconcile(work, ctx);
    await writeTransitions(tx, { workspaceId: ws, at: now, transitions: outcome.transitions });
    await mergeDue(tx, ws, outcome.due);
    written = outcome.transitions.length;
  }
  if (ids.length === args.sweepChunk) {
    await tx.query(Q['advance-sweep'], [ws, ids[ids.length - 1]]);
  } else {
    await tx.query(Q['finish-builds'], [sweep.segments.map((s) => s.id), sweep.segments.map((s) => s.hash), 'seed']);
    await tx.query(Q['end-sweep'], [ws]);
  }
  return { worked: true, written };
}
