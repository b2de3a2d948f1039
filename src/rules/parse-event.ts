/** Parses an event condition: `{ event, count | sum, time, where }`. */
import { at, fail, has, index, isObject, requireAmount, requireName, requireNumber, requireObject, requireOneOf, requireUnit, type Raw } from './parse-fields.ts';
import { parseValueTest } from './parse-value-test.ts';
import { parseTemporal } from './time/temporal.ts';
import { COUNT_OPS, type EventNode, type Measure, type PropertyCondition, type Span, type SpanUnit, type TimeWindow } from './types.ts';

const SPAN_UNITS: readonly SpanUnit[] = ['minute', 'hour', 'day', 'week', 'month'];
const TIME_OPS = ['any_time', 'within_last', 'before_last', 'between_last', 'after', 'before', 'between'] as const;
const DEFAULT_COUNT: Measure = Object.freeze({ kind: 'count', op: 'gte', value: 1 });
const ANY_TIME: TimeWindow = Object.freeze({ op: 'any_time' });

export function parseEvent(raw: Raw, path: string): EventNode {
  const event = requireName(raw, 'event', path, 'event name');
  if (has(raw, 'count') && has(raw, 'sum')) fail(at(path, 'sum'), 'count and sum together: give count or sum, not both');
  return Object.freeze({
    kind: 'event',
    event,
    measure: parseMeasure(raw, path),
    time: has(raw, 'time') ? parseTime(requireObject(raw.time, at(path, 'time'), 'time'), at(path, 'time')) : ANY_TIME,
    where: parseWhere(raw, path),
  });
}

function parseMeasure(raw: Raw, path: string): Measure {
  if (has(raw, 'sum')) {
    const p = at(path, 'sum');
    const sum = requireObject(raw.sum, p, 'sum');
    return Object.freeze({
      kind: 'sum',
      property: requireName(sum, 'property', p, 'property'),
      op: requireOneOf(sum, 'op', p, COUNT_OPS, 'sum operator'),
      value: requireNumber(sum, 'value', p),
    });
  }
  if (!has(raw, 'count')) return DEFAULT_COUNT;
  const p = at(path, 'count');
  const count = requireObject(raw.count, p, 'count');
  return Object.freeze({ kind: 'count', op: requireOneOf(count, 'op', p, COUNT_OPS, 'count operator'), value: requireNumber(count, 'value', p) });
}

function span(raw: Raw, key: 'from' | 'to', path: string): Span {
  const p = at(path, key);
  if (!has(raw, key)) fail(p, `missing operand ${key}`);
  const s = requireObject(raw[key], p, key);
  return Object.freeze({ amount: requireAmount(s, 'amount', p), unit: requireUnit(s, p, SPAN_UNITS) });
}

function instant(raw: Raw, key: string, path: string): string {
  const p = at(path, key);
  if (!has(raw, key)) fail(p, `missing operand ${key}`);
  const v = raw[key];
  if (typeof v !== 'string' || !parseTemporal(v)) fail(p, `malformed datetime ${JSON.stringify(v)} (expected ISO 8601, e.g. 2026-03-01T00:00:00Z)`);
  return v;
}

function parseTime(raw: Raw, path: string): TimeWindow {
  const op = requireOneOf(raw, 'op', path, TIME_OPS, 'time operator');
  switch (op) {
    case 'any_time':
      return ANY_TIME;
    case 'within_last':
    case 'before_last':
      return Object.freeze({ op, amount: requireAmount(raw, 'amount', path), unit: requireUnit(raw, path, SPAN_UNITS) });
    case 'between_last':
      return Object.freeze({ op, from: span(raw, 'from', path), to: span(raw, 'to', path) });
    case 'after':
    case 'before':
      return Object.freeze({ op, value: instant(raw, 'value', path) });
    case 'between':
      return Object.freeze({ op, from: instant(raw, 'from', path), to: instant(raw, 'to', path) });
  }
}

function parseWhere(raw: Raw, path: string): readonly PropertyCondition[] {
  if (!has(raw, 'where')) return Object.freeze([]);
  const p = at(path, 'where');
  if (!Array.isArray(raw.where)) fail(p, 'where must be a list of property conditions');
  return Object.freeze(
    raw.where.map((w, i) => {
      const wp = index(p, i);
      if (!isObject(w)) fail(wp, 'a property condition must be an object');
      const property = requireName(w, 'property', wp, 'property');
      return Object.freeze({ property, ...parseValueTest(w, wp, { kind: 'property' }) });
    }),
  );
}
