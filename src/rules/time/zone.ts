/**
 * Time-zone conversions for the rule engine. Offsets come from the platform's IANA database (Intl,
 * the same data luxon reads), cached per day (see offsetAt) to keep the in-memory evaluator fast.
 */
import { civilFromDays, daysFromCivil, formatDay, splitDay } from './calendar.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Throws a RangeError for a name that is not an IANA time zone. */
export function assertTimeZone(tz: string): void {
  formatter(tz);
}

function computeOffset(ms: number, tz: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(ms)) parts[p.type] = p.value;
  let y = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') y = 1 - y;
  const local = daysFromCivil(y, Number(parts.month), Number(parts.day)) * DAY +
    Number(parts.hour) * HOUR + Number(parts.minute) * MINUTE + Number(parts.second) * 1000;
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return local - whole;
}

const CACHE_LIMIT = 100_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's UTC offset at an instant, in milliseconds (local = utc + offset). Offsets are cached per
 * UTC day, and only for days whose offset is the same at start, middle and end (no transition), so
 * the cache never changes an answer; a transition day is computed per call.
 */
export function offsetAt(ms: number, tz: string): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
  let byDay = offsetCache.get(tz);
  if (!byDay) offsetCache.set(tz, (byDay = new Map()));
  const day = Math.floor(ms / DAY);
  const cached = byDay.get(day);
  if (cached !== undefined) return Number.isNaN(cached) ? computeOffset(ms, tz) : cached;
  const start = computeOffset(day * DAY, tz);
  if (computeOffset(day * DAY + DAY / 2, tz) !== start || computeOffset(day * DAY + DAY - 1, tz) !== start) {
    byDay.set(day, NaN);
    return computeOffset(ms, tz);
  }
  if (byDay.size >= CACHE_LIMIT) byDay.clear();
  byDay.set(day, start);
  return start;
}

/** The calendar day of an instant in the zone, 'YYYY-MM-DD'. */
export function localDay(ms: number, tz: string): string {
  return formatDay(...civilFromDays(Math.floor((ms + offsetAt(ms, tz)) / DAY)));
}

/** Local wall-clock fields of an instant. */
export function localParts(ms: number, tz: string): { day: string; msOfDay: number } {
  const local = ms + offsetAt(ms, tz);
  const dayNum = Math.floor(local / DAY);
  return { day: formatDay(...civilFromDays(dayNum)), msOfDay: local - dayNum * DAY };
}

/**
 * The instant of a local wall-clock time ('local' is the wall time as if it were UTC, in ms).
 * A time skipped by a spring-forward or repeated by a fall-back resolves as PostgreSQL does
 * (`timestamp AT TIME ZONE`): to the later of the two readings.
 */
export function localToInstant(local: number, tz: string): number {
  const before = offsetAt(local - DAY, tz);
  const after = offsetAt(local + DAY, tz);
  if (before === after) return local - before;
  const a = local - before;
  const b = local - after;
  const aValid = offsetAt(a, tz) === before;
  const bValid = offsetAt(b, tz) === after;
  if (aValid && !bValid) return a;
  if (bValid && !aValid) return b;
  return Math.max(a, b);
}

/** The first instant of a calendar day in the zone. */
export function startOfDay(day: string, tz: string): number {
  return localToInstant(daysFromCivil(...splitDay(day)) * DAY, tz);
}

export const MS = { MINUTE, HOUR, DAY, WEEK: 7 * DAY } as const;
