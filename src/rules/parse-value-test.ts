/**
 * Parses the operator and operands of an attribute condition or a `where` property condition into a
 * ValueTest. An attribute's type decides which operators fit and how operands are read; an event
 * property has no schema, so there the operand decides (a number compares numbers, a date string makes
 * a date comparison, text operators compare text).
 */
import type { AttributeType } from '../attributes/types.ts';
import { coerce } from '../attributes/coerce.ts';
import { assertNever } from '../shared/assert-never.ts';
import { at, fail, has, index, requireAmount, requireOneOf, requireUnit, type Raw } from './parse-fields.ts';
import { isBareDate, parseTemporal } from './time/temporal.ts';
import {
  ABSOLUTE_DAY_OPS, COMPARE_OPS, RELATIVE_DAY_OPS, TEXT_OPS, VALUE_OPS,
  type AbsoluteDayOp, type CompareOp, type Operand, type ValueOp, type ValueTest,
} from './types.ts';

/** What the condition reads: an attribute of a known type, or an event property (no schema). */
export type Subject = { readonly kind: 'attribute'; readonly name: string; readonly type: AttributeType } | { readonly kind: 'property' };

const EQUALITY = ['is', 'is_not', 'is_empty', 'is_not_empty'] as const;
const DATE_OPS: readonly ValueOp[] = [...EQUALITY, ...COMPARE_OPS, ...RELATIVE_DAY_OPS, ...ABSOLUTE_DAY_OPS, 'anniversary_within'];
const OPS_BY_TYPE: Record<AttributeType, ReadonlySet<ValueOp>> = {
  string: new Set([...EQUALITY, ...TEXT_OPS]),
  number: new Set([...EQUALITY, ...COMPARE_OPS]),
  boolean: new Set(EQUALITY),
  date: new Set(DATE_OPS),
  datetime: new Set(DATE_OPS),
};

/** Compare operators on calendar days, as the equivalent day operator. */
const COMPARE_AS_DAYS: Record<CompareOp, AbsoluteDayOp> = { lt: 'before', lte: 'until', gt: 'after', gte: 'since' };

export function parseValueTest(raw: Raw, path: string, subject: Subject): { op: ValueOp; test: ValueTest } {
  const op = requireOneOf(raw, 'op', path, VALUE_OPS, 'operator');
  if (subject.kind === 'attribute' && !OPS_BY_TYPE[subject.type].has(op)) {
    fail(at(path, 'op'), `operator ${op} does not fit attribute "${subject.name}" of type ${subject.type}`);
  }
  return { op, test: testFor(op, raw, path, subject) };
}

function testFor(op: ValueOp, raw: Raw, path: string, subject: Subject): ValueTest {
  switch (op) {
    case 'is':
    case 'is_not':
      return {
        kind: 'equals',
        negate: op === 'is_not',
        operands: readOperands(raw, path, true).map(([v, p]) => equalityOperand(v, p, subject)),
      };
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return compareTest(op, readOperands(raw, path, false)[0]!, subject);
    case 'is_empty':
    case 'is_not_empty':
      return { kind: 'empty', negate: op === 'is_not_empty' };
    case 'starts_with':
    case 'ends_with':
    case 'contains':
    case 'not_contains': {
      const [v, p] = readOperands(raw, path, false)[0]!;
      const text = typeof v === 'number' ? String(v) : v;
      if (typeof text !== 'string') fail(p, `${op} needs a text operand, got ${JSON.stringify(v)}`);
      if (text === '') fail(p, `${op} needs a non-empty text operand`);
      return { kind: 'text', match: op === 'not_contains' ? 'contains' : op, negate: op === 'not_contains', text };
    }
    case 'was':
    case 'was_within':
    case 'was_more_than':
    case 'will_be_in':
    case 'will_be_within':
    case 'will_be_more_than':
      return {
        kind: 'days',
        spec: { kind: 'relative', op, amount: requireAmount(raw, 'amount', path), unit: requireUnit(raw, path, ['day', 'week', 'month']) },
      };
    case 'before':
    case 'until':
    case 'since':
    case 'after': {
      const [v, p] = readOperands(raw, path, false)[0]!;
      return { kind: 'days', spec: { kind: 'absolute', op, day: requireDate(v, p) } };
    }
    case 'anniversary_within': {
      const amount = requireAmount(raw, 'amount', path);
      requireUnit(raw, path, ['day']);
      return { kind: 'anniversary', amount };
    }
    default:
      return assertNever(op, 'operator');
  }
}

/** The operand(s) with their paths: `value`, or `values` where an OR LIST is allowed. */
function readOperands(raw: Raw, path: string, allowList: boolean): [unknown, string][] {
  const hasValue = has(raw, 'value');
  const hasValues = has(raw, 'values');
  if (hasValue && hasValues) fail(at(path, 'values'), 'value and values together: give value or values, not both');
  if (hasValues) {
    const p = at(path, 'values');
    if (!allowList) fail(p, `values (an OR LIST) is only allowed with is and is_not`);
    const vs = raw.values;
    if (!Array.isArray(vs)) fail(p, 'values must be a list');
    if (vs.length === 0) fail(p, 'values must not be empty');
    return vs.map((v, i) => [v, index(p, i)]);
  }
  if (!hasValue) fail(at(path, 'value'), 'missing operand value');
  return [[raw.value, at(path, 'value')]];
}

function requireDate(v: unknown, path: string): string {
  const t = typeof v === 'string' ? parseTemporal(v) : undefined;
  if (!t || !isBareDate(t)) fail(path, `malformed date ${JSON.stringify(v)} (expected YYYY-MM-DD)`);
  return t.day;
}

/** A date or datetime operand: a bare date compares calendar days, a datetime compares instants. */
function temporalOperand(v: unknown): Extract<Operand, { type: 'date' | 'datetime' }> | undefined {
  const t = typeof v === 'string' ? parseTemporal(v) : undefined;
  if (!t) return undefined;
  return isBareDate(t) ? { type: 'date', value: t.day } : { type: 'datetime', value: v as string };
}

/** A number or boolean operand, read as a stored value of that type is (coerce: "12" → 12, "yes" → true). */
function coerced<T extends 'number' | 'boolean'>(type: T, v: unknown, path: string): T extends 'number' ? number : boolean {
  let out: unknown = null;
  try {
    if (!Array.isArray(v)) out = coerce(type, v, 'UTC');
  } catch {
    // reported below
  }
  if (out === null) fail(path, `must be ${type === 'number' ? 'a number' : 'true or false'}, got ${JSON.stringify(v)}`);
  return out as T extends 'number' ? number : boolean;
}

function equalityOperand(v: unknown, path: string, subject: Subject): Operand {
  const type = subject.kind === 'property' ? 'property' : subject.type;
  switch (type) {
    case 'string':
      if (typeof v === 'string') return { type: 'string', value: v };
      if (typeof v === 'number' || typeof v === 'boolean') return { type: 'string', value: String(v) };
      return fail(path, `must be text, got ${JSON.stringify(v)}`);
    case 'number':
      return { type: 'number', value: coerced('number', v, path) };
    case 'boolean':
      return { type: 'boolean', value: coerced('boolean', v, path) };
    case 'date':
      return { type: 'date', value: requireDate(v, path) };
    case 'datetime':
      return temporalOperand(v) ?? fail(path, `malformed date or datetime ${JSON.stringify(v)}`);
    case 'property':
      if (typeof v === 'string') return { type: 'string', value: v };
      if (typeof v === 'number' && Number.isFinite(v)) return { type: 'number', value: v };
      if (typeof v === 'boolean') return { type: 'boolean', value: v };
      return fail(path, `must be text, a number or true/false, got ${JSON.stringify(v)}`);
    default:
      return assertNever(type, 'type');
  }
}

function compareTest(op: CompareOp, [v, path]: [unknown, string], subject: Subject): ValueTest {
  const type = subject.kind === 'property' ? 'property' : subject.type;
  const asDays = (day: string): ValueTest => ({ kind: 'days', spec: { kind: 'absolute', op: COMPARE_AS_DAYS[op], day } });
  switch (type) {
    case 'number':
      return { kind: 'compare', op, operand: { type: 'number', value: coerced('number', v, path) } };
    case 'date':
      return asDays(requireDate(v, path));
    case 'datetime':
    case 'property': {
      if (type === 'property' && typeof v === 'number' && Number.isFinite(v)) return { kind: 'compare', op, operand: { type: 'number', value: v } };
      const t = temporalOperand(v);
      if (!t) fail(path, `${op} needs ${type === 'property' ? 'a number, ' : ''}a date or a datetime, got ${JSON.stringify(v)}`);
      return t.type === 'date' ? asDays(t.value) : { kind: 'compare', op, operand: t };
    }
    case 'string':
    case 'boolean':
      return fail(path, `${op} does not fit type ${type}`); // unreachable: the op table rejects it first
    default:
      return assertNever(type, 'type');
  }
}
