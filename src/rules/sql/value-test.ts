/**
 * A ValueTest as SQL over a jsonb expression (an attribute, an event property, or the derived age).
 * Mirrors eval/value-test.ts: the positive test is false on a missing value (SQL NULL or JSON null),
 * a list passes when any item does (string attributes and event properties), and the negated
 * operators are NOT of the positive one. Every fragment is wrapped so it is never NULL, which keeps
 * `not` exact.
 */
import { foldCase } from '../text.ts';
import { anniversaryWindow, dayRange, operandInstant } from '../time/boundaries.ts';
import type { CompareOp, ValueTest, ValueTestKind } from '../types.ts';
import type { SqlEnv } from './context.ts';
import { daySql, instantParam, instantSql } from './temporal.ts';

type ItemSql = { [K in ValueTestKind]: (test: Extract<ValueTest, { kind: K }>, v: string, q: SqlEnv) => string };

export const SQL_COMPARE: Record<CompareOp, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** SQL for one item (may be NULL when the item is not comparable; callers coalesce). */
const ITEM: ItemSql = {
  equals: (test, v, q) => {
    const scalars: string[] = [];
    const days: string[] = [];
    const instants: string[] = [];
    for (const o of test.operands) {
      if (o.type === 'date') days.push(q.bind(o.value, 'text'));
      else if (o.type === 'datetime') instants.push(q.bind(instantParam(operandInstant(o.value, q.time.tz)), 'timestamptz'));
      else scalars.push(q.bind(JSON.stringify(o.value), 'jsonb'));
    }
    const parts: string[] = [];
    if (scalars.length) parts.push(`${v} IN (${scalars.join(', ')})`);
    if (days.length) parts.push(`${daySql(v, q)} IN (${days.join(', ')})`);
    if (instants.length) parts.push(`${instantSql(v, q)} IN (${instants.join(', ')})`);
    return parts.length === 1 ? parts[0]! : `(${parts.map((p) => `COALESCE(${p}, false)`).join(' OR ')})`;
  },

  compare: (test, v, q) => {
    const op = SQL_COMPARE[test.op];
    if (test.operand.type === 'number') {
      return `CASE WHEN jsonb_typeof(${v}) = 'number' THEN (${v})::numeric ${op} ${q.bind(test.operand.value, 'numeric')} ELSE false END`;
    }
    return `${instantSql(v, q)} ${op} ${q.bind(instantParam(operandInstant(test.operand.value, q.time.tz)), 'timestamptz')}`;
  },

  days: (test, v, q) => {
    const r = dayRange(test.spec, q.time.today);
    const day = daySql(v, q);
    if (r.from !== undefined && r.from === r.to) return `${day} = ${q.bind(r.from, 'text')}`;
    if (r.from !== undefined && r.to !== undefined) return `${day} BETWEEN ${q.bind(r.from, 'text')} AND ${q.bind(r.to, 'text')}`;
    if (r.from !== undefined) return `${day} >= ${q.bind(r.from, 'text')}`;
    if (r.to !== undefined) return `${day} <= ${q.bind(r.to, 'text')}`;
    return `${day} IS NOT NULL`;
  },

  text: (test, v, q) => {
    const s = `lower(${v} #>> '{}')`;
    const needle = q.bind(foldCase(test.text), 'text');
    const match =
      test.match === 'contains' ? `strpos(${s}, ${needle}) > 0`
        : test.match === 'starts_with' ? `starts_with(${s}, ${needle})`
          : `right(${s}, length(${needle})) = ${needle}`;
    return `CASE WHEN jsonb_typeof(${v}) = 'string' THEN ${match} ELSE false END`;
  },

  anniversary: (test, v, q) => {
    const w = anniversaryWindow(q.time.today, test.amount);
    if (w.all) return `${daySql(v, q)} IS NOT NULL`;
    const [from, to] = [q.bind(w.from, 'text'), q.bind(w.to, 'text')];
    const inRange = w.wraps ? `(an.md >= ${from} OR an.md <= ${to})` : `an.md BETWEEN ${from} AND ${to}`;
    return `(SELECT CASE WHEN an.md = '02-29' THEN ${q.bind(w.leapDay, 'boolean')} ELSE ${inRange} END` +
      ` FROM (SELECT substr(${daySql(v, q)}, 6, 5) COLLATE "C" AS md) an)`;
  },

  empty: () => 'false', // handled whole-value in valueTestSql
};

/** `lists`: whether the value may be a JSON array whose items are tested. */
export function valueTestSql(test: ValueTest, x: string, q: SqlEnv, lists: boolean): string {
  if (test.kind === 'empty') {
    const empty = `(${x} IS NULL OR ${x} IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb))`;
    return test.negate ? `NOT ${empty}` : empty;
  }
  const item = (v: string) => `COALESCE(${(ITEM[test.kind] as (t: ValueTest, v: string, q: SqlEnv) => string)(test, v, q)}, false)`;
  const positive = lists
    ? `CASE WHEN jsonb_typeof(${x}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) AS item(v) WHERE ${item('item.v')}) ELSE ${item(x)} END`
    : item(x);
  const negate = (test.kind === 'equals' || test.kind === 'text') && test.negate;
  return negate ? `NOT (${positive})` : `(${positive})`;
}
