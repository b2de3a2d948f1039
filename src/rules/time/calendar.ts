/**
 * Calendar-day arithmetic on 'YYYY-MM-DD' strings, with no time zone involved. Days are also handled
 * as integers (days since 1970-01-01, proleptic Gregorian) so stepping through them is cheap: the
 * in-memory evaluator and next-change search call these in hot loops.
 */
export type DayUnit = 'day' | 'week' | 'month';

/** Days since 1970-01-01 for a civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number: [year, month 1-12, day 1-31]. */
export function civilFromDays(n: number): [number, number, number] {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

export function formatDay(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** Splits a well-formed 'YYYY-MM-DD' (callers validate first). */
export function splitDay(day: string): [number, number, number] {
  return [+day.slice(0, 4), +day.slice(5, 7), +day.slice(8, 10)];
}

/**
 * Days outside years 1…9999 (huge amounts) clamp to a sentinel just before or after every real day;
 * the sentinels still sort correctly as text, which is how both evaluators compare days.
 */
export const BEFORE_ALL_DAYS = '0000-12-31';
export const AFTER_ALL_DAYS = '9999-12-32';
const FIRST_DAY = daysFromCivil(1, 1, 1);
const LAST_DAY = daysFromCivil(9999, 12, 31);

export const dayToNum = (day: string): number => daysFromCivil(...splitDay(day));
export const numToDay = (n: number): string =>
  n < FIRST_DAY ? BEFORE_ALL_DAYS : n > LAST_DAY ? AFTER_ALL_DAYS : formatDay(...civilFromDays(n));

export const addDays = (day: string, n: number): string => numToDay(dayToNum(day) + n);

/** Steps whole months, keeping the day of month but clamping it to the target month's last day. */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = splitDay(day);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  if (ny < 1) return BEFORE_ALL_DAYS;
  if (ny > 9999) return AFTER_ALL_DAYS;
  return formatDay(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** T + n units, for the relative date operators (n may be negative). */
export function shiftDay(day: string, n: number, unit: DayUnit): string {
  if (unit === 'month') return addMonths(day, n);
  return addDays(day, unit === 'week' ? 7 * n : n);
}
