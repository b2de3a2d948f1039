/**
 * The derived `age` in SQL. A comparison or an equality on whole years is a range of birth days, found
 * in JS with the same ageOn the in-memory evaluator uses, and tested as a day range on the stored
 * birthdate (birthDaysSql: the birth_day column, or a text range on the jsonb; indexes serve both).
 * Any other test reads the age computed per row, as a jsonb number.
 */
import { isLeapYear, addDays, daysInMonth, formatDay, splitDay } from '../time/calendar.ts';
import { ageOn, type DayRange } from '../time/boundaries.ts';
import type { ValueTest } from '../types.ts';
import type { SqlEnv } from './context.ts';
import { daySql, dayColumnInRangesSql, dayInRangesSql } from './temporal.ts';
import { valueTestSql } from './value-test.ts';

const BIRTHDATE = `(p.attributes -> 'birthdate')`;
const BIRTHDATE_TEXT = `(p.attributes ->> 'birthdate')`;
/** Ages beyond any 4-digit year; bounds are clamped here so the year arithmetic stays in range. */
const AGE_LIMIT = 20_000;

/** The last birth day with ageOn(day, today) ≥ n: 'none' when no valid day is, 'all' when every one is. */
function lastBirthDay(n: number, today: string): string | 'none' | 'all' {
  const [ty, tm, td] = splitDay(today);
  const y = ty - n;
  if (y < 1) return 'none';
  if (y > 9999) return 'all';
  // ageOn falls as the birth day moves later; the same month-day n years back is within a day of the answer.
  let day = formatDay(y, tm, Math.min(td, daysInMonth(y, tm)));
  while (ageOn(day, today) < n) {
    if (day === '0001-01-01') return 'none';
    day = addDays(day, -1);
  }
  while (day !== '9999-12-31' && ageOn(addDays(day, 1), today) >= n) day = addDays(day, 1);
  return day;
}

/** The birth days whose age at today is in [lo, hi] (whole years; ±Infinity for open ends), or null for none. */
export function birthDayRange(lo: number, hi: number, today: string): DayRange | null {
  const min = Math.max(lo, -AGE_LIMIT);
  const max = Math.min(hi, AGE_LIMIT);
  if (min > max) return null;
  const range: { from?: string; to?: string } = {};
  if (lo > -AGE_LIMIT) {
    const last = lastBirthDay(min, today);
    if (last === 'none') return null;
    if (last !== 'all') range.to = last;
  }
  if (hi < AGE_LIMIT) {
    const last = lastBirthDay(max + 1, today); // born on or before it: older than max
    if (last === 'all') return null;
    if (last !== 'none') range.from = addDays(last, 1);
  }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) return null;
  return range;
}

/** Whole-year bounds of a number comparison: age > 25.5 is age ≥ 26. */
function yearBounds(op: 'lt' | 'lte' | 'gt' | 'gte', v: number): [number, number] {
  switch (op) {
    case 'gt': return [Math.floor(v) + 1, Infinity];
    case 'gte': return [Math.ceil(v), Infinity];
    case 'lt': return [-Infinity, Math.ceil(v) - 1];
    case 'lte': return [-Infinity, Math.floor(v)];
  }
}

/** The birth-day ranges a test on age accepts, or undefined when it is not a range test. */
function birthRanges(test: ValueTest, today: string): DayRange[] | undefined {
  if (test.kind === 'compare' && test.operand.type === 'number') {
    const r = birthDayRange(...yearBounds(test.op, test.operand.value), today);
    return r ? [r] : [];
  }
  if (test.kind === 'equals') {
    // Only a number operand can equal an age (a whole number); any other operand never does.
    const years = test.operands.flatMap((o) => (o.type === 'number' && Number.isInteger(o.value) ? [o.value] : []));
    return years.flatMap((y) => birthDayRange(y, y, today) ?? []);
  }
  return undefined;
}

/** Whether birthdate's calendar day is in `ranges`: on the stored birth_day when the compile reads hot columns. */
export function birthDaysSql(ranges: readonly DayRange[], q: SqlEnv): string {
  const column = q.hot('birth_day');
  return column === undefined ? dayInRangesSql({ s: BIRTHDATE_TEXT, ranges, q }) : dayColumnInRangesSql({ column, ranges, q });
}

/** The age as a jsonb number (NULL without a usable birthdate), as in eval/compile.ts ageValue. */
function ageValueSql(q: SqlEnv): string {
  const today = q.time.today;
  const leap = q.bind(isLeapYear(+today.slice(0, 4)), 'boolean');
  const md = `CASE WHEN substr(b.d, 6, 5) = '02-29' AND NOT ${leap} THEN '02-28' ELSE substr(b.d, 6, 5) END`;
  return `to_jsonb((SELECT ${q.bind(+today.slice(0, 4), 'int')} - substr(b.d, 1, 4)::int - CASE WHEN ${q.bind(today.slice(5), 'text')} < (${md}) COLLATE "C" THEN 1 ELSE 0 END` +
    ` FROM (SELECT ${daySql(BIRTHDATE, q)} AS d) b))`;
}

/**
 * Several comparisons on age under one `all` (age 25–40) as one birth-day range, so the birthdate is
 * read and checked once; undefined when fewer than two of `tests` are comparisons.
 */
export function ageBetweenSql(tests: readonly ValueTest[], q: SqlEnv): string | undefined {
  const compares = tests.filter((t) => t.kind === 'compare' && t.operand.type === 'number');
  if (compares.length < 2 || compares.length !== tests.length) return undefined;
  let lo = -Infinity;
  let hi = Infinity;
  for (const t of compares) {
    if (t.kind !== 'compare') continue;
    const [a, b] = yearBounds(t.op, t.operand.value as number);
    [lo, hi] = [Math.max(lo, a), Math.min(hi, b)];
  }
  const r = birthDayRange(lo, hi, q.time.today);
  return birthDaysSql(r ? [r] : [], q);
}

export function ageSql(test: ValueTest, q: SqlEnv): string {
  const ranges = birthRanges(test, q.time.today);
  if (ranges === undefined) return `(SELECT ${valueTestSql(test, 'age.v', q, false)} FROM (SELECT ${ageValueSql(q)} AS v) age)`;
  const positive = birthDaysSql(ranges, q);
  return test.kind === 'equals' && test.negate ? `NOT ${positive}` : positive;
}
