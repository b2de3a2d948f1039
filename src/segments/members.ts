/**
 * Who is in a segment, and how many. The stored membership (segment_members, and segment_builds'
 * member_count) is read when the membership worker has built the segment at its current version;
 * until then the bulk query (rules/sql) answers at the clock's now, so the API is right before the
 * worker catches up. Both page by profile id, so a cursor means the same thing either way.
 */
import type { Db } from '../db/db.ts';
import { loadQueries } from '../db/queries.ts';
import { membersQuery, type RuleNode } from '../rules/index.ts';
import type { Clock } from '../shared/clock.ts';

const Q = loadQueries('segments', ['get-builds', 'page-stored-members', 'profile-cards']);

export interface ProfileCard {
  profile_id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
}
export interface Member extends ProfileCard {
  /** When the profile entered (stored membership); null while the segment is being built. */
  entered_at: Date | null;
}

/** Where a segment's members come from right now. */
export type MemberSource = { kind: 'stored'; count: number } | { kind: 'bulk'; node: RuleNode };

export interface Scope {
  workspaceId: string;
  timezone: string;
}

export class SegmentMembers {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /** For each segment, whether its stored membership is current (built at its version), with its stored count. */
  async builtCounts(workspaceId: string, segments: readonly { id: string; version: number }[]): Promise<Map<string, number>> {
    if (segments.length === 0) return new Map();
    const rows = await this.deps.db.query<{ segment_id: string; built_version: number; member_count: number }>(
      Q['get-builds'], [workspaceId, segments.map((s) => s.id)]);
    const version = new Map(segments.map((s) => [s.id, s.version]));
    return new Map(rows.filter((r) => r.built_version === version.get(r.segment_id)).map((r) => [r.segment_id, r.member_count]));
  }

  /** How many profiles match a rule now (the bulk query). */
  async count(scope: Scope, node: RuleNode): Promise<number> {
    const q = membersQuery({ ...scope, node, now: this.deps.clock.now(), mode: 'count' });
    const [row] = await this.deps.db.query<{ count: number }>(q.sql, q.params);
    return row!.count;
  }

  /** The first `limit` profiles that match a rule now, by profile id after `after` (the bulk query). */
  async matching(scope: Scope & { node: RuleNode; after?: string; limit: number }): Promise<ProfileCard[]> {
    const q = membersQuery({ ...scope, now: this.deps.clock.now(), mode: 'ids', after: scope.after, limit: scope.limit });
    const ids = (await this.deps.db.query<{ profile_id: string }>(q.sql, q.params)).map((r) => r.profile_id);
    return ids.length === 0 ? [] : this.deps.db.query<ProfileCard>(Q['profile-cards'], [scope.workspaceId, ids]);
  }

  /** A page of members after a profile id (undefined: the first page). */
  async page(scope: Scope & { segmentId: string; source: MemberSource; after?: string; limit: number }): Promise<Member[]> {
    if (scope.source.kind === 'stored') {
      return this.deps.db.query<Member>(Q['page-stored-members'], [scope.workspaceId, scope.segmentId, scope.after ?? null, scope.limit]);
    }
    const cards = await this.matching({ ...scope, node: scope.source.node });
    return cards.map((c) => ({ ...c, entered_at: null }));
  }
}
