/** The bulk query: a segment's members (ids, keyset-paginated) or their count, in one statement. */
import type { RuleNode } from '../types.ts';
import { paramList } from './context.ts';
import { compileWhere } from './compile-where.ts';

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
  filters.push(compileWhere(o.node, { workspaceId: o.workspaceId, now: o.now, timezone: o.timezone, param }));
  const where = filters.join(' AND ');
  if (o.mode === 'count') return { sql: `SELECT count(*) AS count FROM profiles p WHERE ${where}`, params };
  const limit = o.limit !== undefined ? ` LIMIT ${param(o.limit)}::int` : '';
  return { sql: `SELECT p.profile_id FROM profiles p WHERE ${where} ORDER BY p.profile_id${limit}`, params };
}
