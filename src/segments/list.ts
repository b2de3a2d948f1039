/**
 * The segment list: search by name, sort by any column, page by cursor or offset. Segments are a small
 * definition table (read whole by the catalog) and the member count of a segment not built yet comes
 * from the bulk query, not from a column, so the list is filtered and sorted here rather than in SQL.
 */
import { foldCase } from '../rules/text.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';

export const SEGMENT_SORTS = ['name', 'created_at', 'updated_at', 'member_count', 'used'] as const;
export type SegmentSort = (typeof SEGMENT_SORTS)[number];

export interface Listable {
  id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
  used_by: readonly { active: boolean }[];
}

type Key = string | number;
const NUMERIC: ReadonlySet<SegmentSort> = new Set(['member_count', 'used']);

/** The sort key of a segment; `member_count` needs the counts, so they are passed in. */
const keyOf = (sort: SegmentSort, count: (id: string) => number) => (s: Listable): Key => {
  switch (sort) {
    case 'name': return foldCase(s.name);
    case 'created_at': return s.created_at.toISOString();
    case 'updated_at': return s.updated_at.toISOString();
    case 'member_count': return count(s.id);
    // "Currently used": by active users first, then by every user (active or not).
    case 'used': return s.used_by.filter((u) => u.active).length * 1_000_000 + s.used_by.length;
  }
};

const compareKeys = (a: [Key, string], b: [Key, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

export const matchesSearch = (name: string, q: string | undefined): boolean => !q || foldCase(name).includes(foldCase(q.trim()));

/**
 * A page of `rows` (already filtered): after a keyset cursor (the sort key and id of the last row
 * of the previous page, valid only with the same sort) or at an offset.
 */
export function pageOf<T extends Listable>(rows: readonly T[], args: {
  sort: SegmentSort; desc: boolean; cursor?: string; offset?: number; limit: number; count: (id: string) => number;
}): { data: T[]; next_cursor: string | null; total: number } {
  const dir = args.desc ? -1 : 1;
  const key = keyOf(args.sort, args.count);
  const keyed = rows.map((r) => ({ row: r, key: [key(r), r.id] as [Key, string] }));
  keyed.sort((a, b) => dir * compareKeys(a.key, b.key));
  let start = args.offset ?? 0;
  if (args.cursor !== undefined) {
    const c = decodeCursor(args.cursor, ['sort', 'key', 'id'], (p) => p.sort === args.sort && (!NUMERIC.has(args.sort) || Number.isFinite(Number(p.key))));
    const after: [Key, string] = [NUMERIC.has(args.sort) ? Number(c.key) : c.key, c.id];
    start = keyed.findIndex((k) => dir * compareKeys(k.key, after) > 0);
    if (start < 0) start = keyed.length;
  }
  const page = keyed.slice(start, start + args.limit);
  const last = page.at(-1);
  const more = start + args.limit < keyed.length;
  return {
    data: page.map((k) => k.row),
    next_cursor: more && last ? encodeCursor({ sort: args.sort, key: String(last.key[0]), id: last.key[1] }) : null,
    total: keyed.length,
  };
}
