/** The bulk query: a segment's members (ids, keyset-paginated) or their count, in one statement. */
import type { RuleNode } from '../types.ts';
import { paramList } from './context.ts';
import { compileSplit } from './compile-where.ts';

export interface MembersQueryOptions {
  readonly workspaceId: string;
  readonly node: RuleNode;
  readonly now: Date;
  readonly timezone: string;
  /** 'count' → one row { count }; 'ids' → rows { profile_id } ordered by profile_id. */
  readonly mode: 'count' | 'ids';
  readonly limit?: number;
  /** Keyset pagination: only profile ids greater than this one. */
  readonly after?: string;
}

export function membersQuery(o: MembersQueryOptions): { sql: string; params: unknown[] } {
  const { params, param } = paramList();
  const filters = [`p.workspace_id = ${param(o.workspaceId)}::uuid`];
  if (o.mode === 'ids' && o.after !== undefined) filters.push(`p.profile_id > ${param(o.after)}::uuid`);
  const opts = { workspaceId: o.workspaceId, now: o.now, timezone: o.timezone, param };
  // A rule on hot attributes is asked in two parts (compileSplit): the regular rows on the hot columns,
  // so a count is an index-only scan, and the irregular ones on the jsonb. One WHERE with an OR of the
  // two would rule out the index-only scan, and would turn the rule's EXISTS into per-row subplans.
  const { regular, all } = compileSplit(o.node, opts);
  const parts = regular === undefined ? [all] : [`NOT p.hot_irregular AND ${regular}`, `p.hot_irregular AND ${all}`];
  const where = (part: string) => [...filters, part].join(' AND ');
  if (o.mode === 'count') {
    const counts = parts.map((part) => `SELECT count(*) AS count FROM profiles p WHERE ${where(part)}`);
    return { sql: counts.length === 1 ? counts[0]! : `SELECT ${counts.map((c) => `(${c})`).join(' + ')} AS count`, params };
  }
  const limit = o.limit !== undefined ? ` LIMIT ${param(o.limit)}::int` : '';
  if (parts.length === 1) return { sql: `SELECT p.profile_id FROM profiles p WHERE ${where(all)} ORDER BY p.profile_id${limit}`, params };
  const union = parts.map((part) => `SELECT p.profile_id FROM profiles p WHERE ${where(part)}`).join(' UNION ALL ');
  return { sql: `SELECT m.profile_id FROM (${union}) m ORDER BY m.profile_id${limit}`, params };
}
