import { DateTime } from 'luxon';
import type { AttributeType, StoredValue } from './types.ts';

/** Thrown by coerce(); callers turn it into Errors.invalidAttributeValue with the attribute's path. */
export class CoercionError extends Error {}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f']);

/**
 * Coerces one incoming value to its attribute type, in the stored form (see types.ts).
 * Returns null for null / undefined (the attribute is cleared). `timezone` reads datetimes written
 * without an offset, and gives a datetime's day when a date is expected.
 */
export function coerce(type: AttributeType, value: unknown, timezone: string): StoredValue | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map((v) => scalarToString(v));
      return scalarToString(value);
    case 'number': {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && NUMBER_RE.test(value.trim())) return Number(value.trim());
      throw new CoercionError();
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
      if (typeof value === 'string') {
        const v = value.trim().toLowerCase();
        if (TRUE.has(v)) return true;
        if (FALSE.has(v)) return false;
      }
      throw new CoercionError();
    }
    case 'date': {
      if (typeof value !== 'string') throw new CoercionError();
      const day = parseDay(value.trim());
      if (day) return day;
      const dt = parseInstant(value.trim(), timezone);
      if (dt) return dt.setZone(timezone).toISODate()!;
      throw new CoercionError();
    }
    case 'datetime': {
      if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
      if (typeof value !== 'string') throw new CoercionError();
      const dt = parseInstant(value.trim(), timezone);
      if (!dt) throw new CoercionError();
      return dt.toUTC().toISO()!;
    }
  }
}

function scalarToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new CoercionError();
}

/** A strict calendar day 'YYYY-MM-DD' (real date), or undefined. */
export function parseDay(s: string): string | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const dt = DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! }, { zone: 'UTC' });
  return dt.isValid ? s : undefined;
}

/** An ISO 8601 date-time (or a bare date, read as midnight) in `timezone` unless it carries an offset. */
export function parseInstant(s: string, timezone: string): DateTime | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(s)) return undefined;
  const dt = DateTime.fromISO(s.replace(' ', 'T'), { zone: timezone, setZone: true });
  return dt.isValid ? dt : undefined;
}
