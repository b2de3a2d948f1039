import { DateTime } from 'luxon';
import { parseDay } from './coerce.ts';

/**
 * Whole years from `birthdate` ('YYYY-MM-DD') to today in the workspace time zone; the age turns on
 * the birthday itself (Feb 29 births on Mar 1 in common years, as PostgreSQL's age() counts).
 */
export function ageAt(birthdate: string, now: Date, timezone: string): number | undefined {
  if (!parseDay(birthdate)) return undefined;
  const [y, m, d] = birthdate.split('-').map(Number) as [number, number, number];
  const today = DateTime.fromJSDate(now, { zone: timezone });
  let age = today.year - y;
  if (today.month < m || (today.month === m && today.day < d)) age -= 1;
  return age >= 0 ? age : undefined;
}

/** The attributes as the API shows them: stored values plus the derived `age`. */
export function withDerived(attributes: Record<string, unknown>, now: Date, timezone: string): Record<string, unknown> {
  const birthdate = attributes.birthdate;
  const age = typeof birthdate === 'string' ? ageAt(birthdate, now, timezone) : undefined;
  return age === undefined ? attributes : { ...attributes, age };
}
