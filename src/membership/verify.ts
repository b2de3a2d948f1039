/**
 * verify: stored membership against a fresh bulk evaluation (rules/sql) at one `now`, per segment:
 * profiles that should be members and are not (missing), members that should not be (extra), and a
 * member_count that disagrees with the stored rows; and deleted segments whose members all exited but
 * still have stored rows. Run it when the worker has caught up (no change
 * records or due instants at or before `now` waiting); otherwise the difference is the work still queued.
 */
import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { membersQuery } from '../rules/sql/members-query.ts';
import { buildDefinitions } from './definitions.ts';
import type { AttributeType } from '../attributes/types.ts';
import { diffSorted } from './build.ts';

const Q = loadQueries('membership', [
  'verify-workspaces', 'verify-workspace', 'verify-segment-workspace', 'workspace-segments', 'workspace-attribute-types', 'segment-member-ids', 'segment-build',
  'deleted-leftovers',
]);

export interface SegmentCheck {
  readonly workspaceId: string;
  readonly segmentId: string;
  readonly name: string;
  /** Members by the bulk evaluation. */
  readonly expected: number;
  readonly stored: number;
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  /** member_count in segment_builds, when it disagrees with the stored rows. */
  readonly countMismatch?: number;
  /** The build has not finished (the segment is new or was edited and the worker is still on it). */
  readonly building: boolean;
  /** The rule does not parse, so it could not be checked. */
  readonly error?: string;
  /** A deleted segment whose members all exited, yet some are still stored (listed in `extra`). */
  readonly deleted?: true;
  readonly drift: boolean;
}

export interface VerifyReport {
  readonly now: Date;
  readonly segments: readonly SegmentCheck[];
  readonly drift: boolean;
}

export async function verify(args: { db: Db; workspaceId?: string; segmentId?: string; now: Date }): Promise<VerifyReport> {
  const { db, now } = args;
  const workspaces = await db.query<{ id: string; timezone: string }>(
    args.segmentId !== undefined ? Q['verify-segment-workspace'] : args.workspaceId !== undefined ? Q['verify-workspace'] : Q['verify-workspaces'],
    args.segmentId !== undefined ? [args.segmentId] : args.workspaceId !== undefined ? [args.workspaceId] : [],
  );
  const segments: SegmentCheck[] = [];
  for (const w of workspaces) {
    const rows = await db.query<{ id: string; name: string; rule: unknown; version: number }>(Q['workspace-segments'], [w.id]);
    const attrs = await db.query<{ name: string; type: AttributeType }>(Q['workspace-attribute-types'], [w.id]);
    const defs = buildDefinitions({ workspaceId: w.id, timezone: w.timezone, rows, attributeTypes: new Map(attrs.map((a) => [a.name, a.type])) });
    for (const row of rows) {
      if (args.segmentId !== undefined && row.id !== args.segmentId) continue;
      const stored = (await db.query<{ profile_id: string }>(Q['segment-member-ids'], [w.id, row.id])).map((r) => r.profile_id);
      const [build] = await db.query<{ built_version: number; rule_hash: string | null; member_count: number; phase: string | null }>(Q['segment-build'], [row.id]);
      const s = defs.byId.get(row.id);
      const building = !build || build.phase !== null || build.built_version !== row.version || (s !== undefined && build.rule_hash !== s.hash);
      const base = { workspaceId: w.id, segmentId: row.id, name: row.name, stored: stored.length, building };
      if (!s) {
        const error = defs.invalid.find((x) => x.id === row.id)?.error ?? 'not parsed';
        segments.push({ ...base, expected: 0, missing: [], extra: [], error, drift: true });
        continue;
      }
      const q = membersQuery({ workspaceId: w.id, node: s.node, now, timezone: w.timezone, mode: 'ids' });
      const fresh = (await db.query<{ profile_id: string }>(q.sql, q.params)).map((r) => r.profile_id);
      const diff = diffSorted({ fresh, stored, segmentId: row.id, cause: 'backfill' });
      const missing = diff.filter((d) => d.kind === 'enter').map((d) => d.profileId);
      const extra = diff.filter((d) => d.kind === 'exit').map((d) => d.profileId);
      const countMismatch = build && build.member_count !== stored.length ? build.member_count : undefined;
      segments.push({
        ...base, expected: fresh.length, missing, extra,
        ...(countMismatch !== undefined ? { countMismatch } : {}),
        drift: missing.length > 0 || extra.length > 0 || countMismatch !== undefined,
      });
    }
    segments.push(...(await deletedLeftovers(db, w.id, args.segmentId)));
  }
  return { now, segments, drift: segments.some((s) => s.drift) };
}

/** Deleted segments the worker is done with but that still have stored members. */
async function deletedLeftovers(db: Db, workspaceId: string, segmentId: string | undefined): Promise<SegmentCheck[]> {
  const rows = await db.query<{ segment_id: string; name: string; profile_id: string }>(Q['deleted-leftovers'], [workspaceId, segmentId ?? null]);
  const bySegment = new Map<string, { name: string; ids: string[] }>();
  for (const r of rows) {
    const e = bySegment.get(r.segment_id) ?? { name: r.name, ids: [] };
    e.ids.push(r.profile_id);
    bySegment.set(r.segment_id, e);
  }
  return [...bySegment].map(([id, e]) => ({
    workspaceId, segmentId: id, name: e.name, expected: 0, stored: e.ids.length, missing: [], extra: e.ids, building: false, deleted: true, drift: true,
  }));
}
