import type { ContactKind } from '../shared/contacts.ts';
import type { DncSource } from './entry.ts';

/**
 * A dynamic query outside rules/sql, on purpose: the DNC list filtered and sorted by any column. Column
 * names come only from the whitelist below (never from the request); every value is a bind parameter.
 */
export const DNC_SORT_COLUMNS = ['contact', 'contact_kind', 'channel', 'sender', 'source', 'added_at'] as const;
export type DncSortColumn = (typeof DNC_SORT_COLUMNS)[number];

/** Nullable columns sort as '' so that keyset pagination compares no NULLs. */
const COLUMNS: Record<DncSortColumn, { expr: string; type: 'text' | 'timestamptz' }> = {
  contact: { expr: 'contact', type: 'text' },
  contact_kind: { expr: 'contact_kind', type: 'text' },
  channel: { expr: "coalesce(channel, '')", type: 'text' },
  sender: { expr: "coalesce(sender, '')", type: 'text' },
  source: { expr: 'source', type: 'text' },
  added_at: { expr: 'added_at', type: 'timestamptz' },
};

export interface DncFilter {
  /** Exact, already normalised. */
  contact?: string;
  /** Part of the contact, any case. */
  contact_contains?: string;
  contact_kind?: ContactKind;
  /** A channel name, or '*' for the entries that cover every channel. */
  channel?: string;
  sender?: string;
  source?: DncSource;
  added_after?: Date;
  added_before?: Date;
}

export interface DncSort {
  column: DncSortColumn;
  desc: boolean;
}

export interface Sql {
  sql: string;
  params: unknown[];
}

const SELECT = 'SELECT id, contact, contact_kind, channel, sender, source, added_at FROM dnc_entries';

/** A page: after a keyset cursor ([sort value, id] of the last row) or at an offset. */
export function pageQuery(args: { workspaceId: string; filter: DncFilter; sort: DncSort; after?: [string, string]; offset?: number; limit: number }): Sql {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = conditions(args.workspaceId, args.filter, p);
  const col = COLUMNS[args.sort.column];
  const dir = args.sort.desc ? 'DESC' : 'ASC';
  if (args.after) where.push(`(${col.expr}, id) ${args.sort.desc ? '<' : '>'} (${p(args.after[0])}::${col.type}, ${p(args.after[1])}::uuid)`);
  let sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY ${col.expr} ${dir}, id ${dir} LIMIT ${p(args.limit)}`;
  if (args.offset) sql += ` OFFSET ${p(args.offset)}`;
  return { sql, params };
}

/** How many entries pass the filter. */
export function countQuery(args: { workspaceId: string; filter: DncFilter }): Sql {
  const params: unknown[] = [];
  const where = conditions(args.workspaceId, args.filter, (v) => `$${params.push(v)}`);
  return { sql: `SELECT count(*) AS n FROM dnc_entries WHERE ${where.join(' AND ')}`, params };
}

/** The cursor key of a row under a sort: what pageQuery's `after` compares. */
export function sortKey(row: { id: string } & Record<DncSortColumn, unknown>, column: DncSortColumn): { value: string; id: string } {
  const v = row[column];
  return { value: v instanceof Date ? v.toISOString() : String(v ?? ''), id: row.id };
}

function conditions(workspaceId: string, f: DncFilter, p: (v: unknown) => string): string[] {
  const out = [`workspace_id = ${p(workspaceId)}`];
  if (f.contact !== undefined) out.push(`contact = ${p(f.contact)}`);
  if (f.contact_contains !== undefined) out.push(`contact ILIKE ${p(`%${escapeLike(f.contact_contains)}%`)}`);
  if (f.contact_kind !== undefined) out.push(`contact_kind = ${p(f.contact_kind)}`);
  if (f.channel === '*') out.push('channel IS NULL');
  else if (f.channel !== undefined) out.push(`channel = ${p(f.channel)}`);
  if (f.sender !== undefined) out.push(`sender = ${p(f.sender)}`);
  if (f.source !== undefined) out.push(`source = ${p(f.source)}`);
  if (f.added_after !== undefined) out.push(`added_at >= ${p(f.added_after)}`);
  if (f.added_before !== undefined) out.push(`added_at < ${p(f.added_before)}`);
  return out;
}

/** % _ and \ in a search are plain characters. */
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
