/**
 * A ValueTest compiled to a closure over one value (attribute or event property). Missing and null are
 * the same; the positive test is false on them, so the negated operators (is_not, not_contains,
 * is_not_empty) hold. On a list (string attributes and event properties), the positive test holds when
 * any item passes. Anything not of the comparable kind (a string where a number is compared, a text
 * that is not a date) simply does not pass, exactly as in the SQL (sql/value-test.ts).
 */
import { assertNever } from '../../shared/assert-never.ts';
import { foldCase } from '../text.ts';
import {
  anniversaryWindow, dayRange, inAnniversaryWindow, inDayRange, operandInstant,
  type AnniversaryWindow, type DayRange, type TimeEnv,
} from '../time/boundaries.ts';
import { valueDay, valueInstant } from '../time/temporal.ts';
import type { CompareOp, ValueTest, ValueTestKind } from '../types.ts';

export type ValuePredicate = (value: unknown, env: TimeEnv) => boolean;
type ItemPredicate = (item: NonNullable<unknown>, env: TimeEnv) => boolean;

/** Computes something once per evaluation instant (the last one is kept). */
export function perEnv<T>(make: (env: TimeEnv) => T): (env: TimeEnv) => T {
  let last: TimeEnv | undefined;
  let value: T;
  return (env) => {
    if (env !== last) {
      value = make(env);
      last = env;
    }
    return value;
  };
}

export const isEmptyValue = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

export const COMPARE: Record<CompareOp, (a: number | string, b: number | string) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

type ItemCompilers = { [K in ValueTestKind]: (test: Extract<ValueTest, { kind: K }>) => ItemPredicate };

const ITEM: ItemCompilers = {
  equals: (test) => {
    const scalars = new Set<unknown>();
    const days = new Set<string>();
    const instants: string[] = [];
    for (const o of test.operands) {
      if (o.type === 'date') days.add(o.value);
      else if (o.type === 'datetime') instants.push(o.value);
      else scalars.add(o.value);
    }
    const instantSet = perEnv((env) => new Set(instants.map((v) => operandInstant(v, env.tz))));
    return (item, env) => {
      if (scalars.has(item)) return true;
      if (days.size > 0) {
        const d = valueDay(item, env.tz);
        if (d !== undefined && days.has(d)) return true;
      }
      if (instants.length > 0) {
        const t = valueInstant(item, env.tz);
        if (t !== undefined && instantSet(env).has(t)) return true;
      }
      return false;
    };
  },

  compare: (test) => {
    const cmp = COMPARE[test.op];
    const operand = test.operand;
    if (operand.type === 'number') return (item) => typeof item === 'number' && cmp(item, operand.value);
    const bound = perEnv((env) => operandInstant(operand.value, env.tz));
    return (item, env) => {
      const t = valueInstant(item, env.tz);
      return t !== undefined && cmp(t, bound(env));
    };
  },

  days: (test) => {
    const range = perEnv<DayRange>((env) => dayRange(test.spec, env.today));
    return (item, env) => {
      const d = valueDay(item, env.tz);
      return d !== undefined && inDayRange(d, range(env));
    };
  },

  text: (test) => {
    const needle = foldCase(test.text);
    const has: (s: string) => boolean =
      test.match === 'contains' ? (s) => s.includes(needle)
        : test.match === 'starts_with' ? (s) => s.startsWith(needle)
          : test.match === 'ends_with' ? (s) => s.endsWith(needle)
            : assertNever(test.match, 'text match');
    return (item) => typeof item === 'string' && has(foldCase(item));
  },

  anniversary: (test) => {
    const window = perEnv<AnniversaryWindow>((env) => anniversaryWindow(env.today, test.amount));
    return (item, env) => {
      const d = valueDay(item, env.tz);
      return d !== undefined && inAnniversaryWindow(d.slice(5), window(env));
    };
  },

  empty: () => () => false, // handled whole-value in compileValueTest
};

/** `lists`: whether the value may be a list whose items are tested (string attributes, event properties). */
export function compileValueTest(test: ValueTest, lists: boolean): ValuePredicate {
  if (test.kind === 'empty') return test.negate ? (v) => !isEmptyValue(v) : isEmptyValue;
  const item = (ITEM[test.kind] as (t: ValueTest) => ItemPredicate)(test);
  const positive: ValuePredicate = lists
    ? (v, env) => (Array.isArray(v) ? v.some((i) => i !== null && i !== undefined && item(i, env)) : v !== null && v !== undefined && item(v, env))
    : (v, env) => v !== null && v !== undefined && item(v, env);
  const negate = (test.kind === 'equals' || test.kind === 'text') && test.negate;
  return negate ? (v, env) => !positive(v, env) : positive;
}
