/**
 * Hot standard attributes read from their stored generated columns (migration 014) instead of the
 * jsonb, so a count on them is an index-only scan. A column holds what the jsonb path would read for a
 * regular row (NOT p.hot_irregular): city_lower is lower(city) when city is a JSON string, birth_day
 * the day of a birthdate that is a valid date (or a datetime without offset). Irregular rows (city a
 * list, birthdate with an offset) keep the jsonb path: compileSplit compiles a rule both ways.
 */
import { dayRange } from '../time/boundaries.ts';
import type { NodeOf } from '../types.ts';
import { birthDaysSql } from './age.ts';
import type { SqlEnv } from './context.ts';
import { textMatch } from './value-test.ts';

/**
 * The condition on the hot columns, or undefined when the jsonb path compiles it. Only the standard
 * types map (city a string, birthdate a date): the column holds that reading of the value.
 */
export function hotAttributeSql(node: NodeOf<'attribute'>, q: SqlEnv): string | undefined {
  const { attribute, type, test } = node;
  if (attribute === 'city' && type === 'string' && test.kind === 'text') {
    const column = q.hot('city_lower');
    if (column === undefined) return undefined;
    // NULL (not a string) fails the positive test, and the IS NOT NULL keeps it two-valued for NOT.
    const positive = `(${column} IS NOT NULL AND ${textMatch(test, column, q)})`;
    return test.negate ? `NOT ${positive}` : positive;
  }
  if (attribute === 'birthdate' && type === 'date' && test.kind === 'days' && q.hot('birth_day') !== undefined) {
    return birthDaysSql([dayRange(test.spec, q.time.today)], q);
  }
  return undefined;
}
