/**
 * For conditions that depend on today's date (relative date operators, anniversaries, age): the first
 * day after today on which the answer flips for a given value. The answer is a function of today only,
 * and can flip only on a few days computable from the value (where today ± n reaches it, give or take
 * the days a month-end clamp holds still). We list those candidates and test each with the same
 * boundary math evaluate uses, so the day found is exact.
 */
import { addDays, isLeapYear, shiftDay, splitDay, formatDay, daysInMonth } from '../time/calendar.ts';
import { anniversaryWindow, dayRange, inAnniversaryWindow, inDayRange, ageOn } from '../time/boundaries.ts';
import type { DaySpec } from '../types.ts';

/** The first candidate day after `today` on which pred differs from the day before. */
function firstFlip(today: string, candidates: Iterable<string>, pred: (day: string) => boolean): string | undefined {
  const after = [...new Set(candidates)].filter((c) => c > today).sort();
  for (const c of after) if (pred(c) !== pred(addDays(c, -1))) return c;
  return undefined;
}

const around = (day: string, from: number, to: number): string[] => {
  const out: string[] = [];
  for (let k = from; k <= to; k++) out.push(addDays(day, k));
  return out;
};

/** Next flip of "the value's day D satisfies spec" for a relative day spec. */
export function nextRelativeFlip(spec: Extract<DaySpec, { kind: 'relative' }>, day: string, today: string): string | undefined {
  const candidates = [
    ...around(day, -1, 1),
    ...around(shiftDay(day, spec.amount, spec.unit), -1, 4),
    ...around(shiftDay(day, -spec.amount, spec.unit), -1, 4),
  ];
  return firstFlip(today, candidates, (t) => inDayRange(day, dayRange(spec, t)));
}

/** The day a month-day falls on in a year (29 February on 28 February in common years). */
function occurrence(monthDay: string, year: number): string {
  const [m, d] = [+monthDay.slice(0, 2), +monthDay.slice(3, 5)];
  return formatDay(year, m, Math.min(d, daysInMonth(year, m)));
}

export function nextAnniversaryFlip(amount: number, day: string, today: string): string | undefined {
  if (amount >= 365) return undefined; // every month-day is always in the window
  const md = day.slice(5);
  const y = +today.slice(0, 4);
  const candidates: string[] = [];
  for (let year = y - 1; year <= y + 2; year++) {
    const occ = occurrence(md, year);
    candidates.push(addDays(occ, -amount), addDays(occ, 1));
  }
  return firstFlip(today, candidates, (t) => inAnniversaryWindow(md, anniversaryWindow(t, amount)));
}

/** The next birthday on which `holds(age)` changes, looking up to `horizon` years ahead. */
export function nextAgeFlip(birth: string, today: string, holds: (age: number) => boolean, horizon = 150): string | undefined {
  const age = ageOn(birth, today);
  const now = holds(age);
  const [by, bm, bd] = splitDay(birth);
  for (let k = 1; k <= horizon; k++) {
    if (holds(age + k) === now) continue;
    const year = by + age + k;
    return formatDay(year, bm, bm === 2 && bd === 29 && !isLeapYear(year) ? 28 : bd);
  }
  return undefined;
}
