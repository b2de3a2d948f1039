/**
 * Reading dates and datetimes out of values: attribute values (stored form, see attributes/types.ts),
 * event properties (no schema) and rule operands. One strict grammar, mirrored by the SQL compiler
 * (sql/temporal.ts uses TEMPORAL_PATTERN and the same day-of-month check), so both evaluators agree on
 * which strings are dates:
 *
 *   YYYY-MM-DD                                 a calendar day
 *   YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]        a wall-clock time in the workspace zone
 *   ...followed by Z, ±HH, ±HHMM or ±HH:MM      an instant (offsets up to ±15:59, as PostgreSQL takes)
 *
 * A value's calendar day is the day as written unless it carries an offset; then it is the instant's
 * day in the workspace zone.
 */
import { daysFromCivil, daysInMonth } from './calendar.ts';
import { localDay, localToInstant, MS } from './zone.ts';

export const TEMPORAL_PATTERN =
  '^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])' +
  '([T ]([01][0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9])([.]([0-9]{1,9}))?)?(Z|([+-])(0[0-9]|1[0-5])(:?([0-5][0-9]))?)?)?$';
const TEMPORAL_RE = new RegExp(TEMPORAL_PATTERN);

export interface Temporal {
  /** The calendar day as written. */
  readonly day: string;
  /** Wall-clock time as written, as ms since midnight; undefined for a bare date. */
  readonly msOfDay?: number;
  /** Offset written with it, in ms; undefined when none (read in the workspace zone). */
  readonly offset?: number;
}

const cache = new Map<string, Temporal | null>();
const CACHE_LIMIT = 10_000;

/** Parses a date or datetime string; undefined for anything else (including Feb 30 and year 0000). */
export function parseTemporal(s: string): Temporal | undefined {
  const hit = cache.get(s);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parseUncached(s);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(s, parsed ?? null);
  return parsed;
}

function parseUncached(s: string): Temporal | undefined {
  const m = TEMPORAL_RE.exec(s);
  if (!m) return undefined;
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  if (y === 0 || d > daysInMonth(y, mo)) return undefined;
  const day = s.slice(0, 10);
  if (m[4] === undefined) return { day };
  const fraction = m[10] ? Math.round(Number(`0.${m[10]}`) * 1e6) / 1e3 : 0;
  const msOfDay = +m[5]! * MS.HOUR + +m[6]! * MS.MINUTE + (m[8] ? +m[8] * 1000 : 0) + fraction;
  if (m[11] === undefined) return { day, msOfDay };
  const offset = m[11] === 'Z' ? 0 : (m[12] === '-' ? -1 : 1) * (+m[13]! * MS.HOUR + (m[15] ? +m[15] * MS.MINUTE : 0));
  return { day, msOfDay, offset };
}

export const isBareDate = (t: Temporal): boolean => t.msOfDay === undefined;

/** The instant a temporal names; a bare date is its midnight, a time without offset is read in `tz`. */
export function temporalInstant(t: Temporal, tz: string): number {
  const local = daysFromCivil(+t.day.slice(0, 4), +t.day.slice(5, 7), +t.day.slice(8, 10)) * MS.DAY + (t.msOfDay ?? 0);
  return t.offset === undefined ? localToInstant(local, tz) : local - t.offset;
}

/** The calendar day a temporal falls on in `tz` (as written unless it carries an offset). */
export function temporalDay(t: Temporal, tz: string): string {
  return t.offset === undefined ? t.day : localDay(temporalInstant(t, tz), tz);
}

/** The calendar day of a stored value or property, or undefined when it is not a date/datetime string. */
export function valueDay(v: unknown, tz: string): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = parseTemporal(v);
  return t && temporalDay(t, tz);
}

/** The instant of a stored value or property, or undefined when it is not a date/datetime string. */
export function valueInstant(v: unknown, tz: string): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = parseTemporal(v);
  return t && temporalInstant(t, tz);
}
