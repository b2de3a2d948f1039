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
import { dayInRangesSql, daySql, instantParam, instantSql } from './temporal.ts';

/** `v` is the item as jsonb, `s` as text (`->>`, or `#>> '{}'` for a list item). */
type ItemSql = { [K in ValueTestKind]: (test: Extract<ValueTest, { kind: K }>, v: string, q: SqlEnv, s: string) => string };

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

  days: (test, v, q, s) => dayInRangesSql({ s, ranges: [dayRange(test.spec, q.time.today)], q }),

  text: (test, v, q, s) => `CASE WHEN jsonb_typeof(${v}) = 'string' THEN ${textMatch(test, `lower(${s})`, q)} ELSE false END`,

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

/**
 * starts_with as LIKE on the lower-cased text `s`, so an index on it (text_pattern_ops) can serve it;
 * `%`, `_` and `\` in the operand are escaped, so they stay plain. NULL only when `s` is.
 */
export function textMatch(test: Extract<ValueTest, { kind: 'text' }>, s: string, q: SqlEnv): string {
  const needle = foldCase(test.text);
  if (test.match === 'starts_with') return `${s} LIKE ${q.bind(`${needle.replace(/[\\%_]/g, '\\$&')}%`, 'text')}`;
  const bound = q.bind(needle, 'text');
  return test.match === 'contains' ? `strpos(${s}, ${bound}) > 0` : `right(${s}, length(${bound})) = ${bound}`;
}

/**
 * A text operator as two branches, each two-valued and led by sargable conjuncts on the value's text:
 * a string, or a list (its text starts with '[') with an item that matches. Both arms are served by
 * the same expression index (a BitmapOr).
 */
function textSql(test: Extract<ValueTest, { kind: 'text' }>, x: string, s: string, q: SqlEnv, lists: boolean): string {
  const lower = `lower(${s})`;
  const scalar = `(${s} IS NOT NULL AND ${textMatch(test, lower, q)} AND jsonb_typeof(${x}) = 'string')`;
  if (!lists) return scalar;
  const item = `COALESCE(${ITEM.text(test, 'item.v', q, `(item.v #>> '{}')`)}, false)`;
  return `(${scalar} OR (${s} IS NOT NULL AND ${lower} LIKE '[%' AND jsonb_typeof(${x}) = 'array'` +
    ` AND EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) AS item(v) WHERE ${item})))`;
}

/**
 * `lists`: whether the value may be a JSON array whose items are tested. `s` is the value as text
 * (`attributes ->> name`, the form expression indexes are built on); by default read from `x`.
 */
export function valueTestSql(test: ValueTest, x: string, q: SqlEnv, lists: boolean, s = `(${x} #>> '{}')`): string {
  if (test.kind === 'empty') {
    const empty = `(${x} IS NULL OR ${x} IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb))`;
    return test.negate ? `NOT ${empty}` : empty;
  }
  if (test.kind === 'text') {
    const positive = textSql(test, x, s, q, lists);
    return test.negate ? `NOT ${positive}` : positive;
  }
  // Already two-valued, and left bare so its text range stays sargable.
  if (test.kind === 'days' && !lists) return ITEM.days(test, x, q, s);
  const run = ITEM[test.kind] as (t: ValueTest, v: string, q: SqlEnv, s: string) => string;
  const item = (v: string, text: string) => `COALESCE(${run(test, v, q, text)}, false)`;
  const positive = lists
    ? `CASE WHEN jsonb_typeof(${x}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) AS item(v) WHERE ${item('item.v', `(item.v #>> '{}')`)}) ELSE ${item(x, s)} END`
    : item(x, s);
  const negate = test.kind === 'equals' && test.negate;
  return negate ? `NOT (${positive})` : `(${positive})`;
}
