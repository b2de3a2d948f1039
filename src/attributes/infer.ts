import { parseDay, parseInstant } from './coerce.ts';
import type { AttributeType } from './types.ts';

/**
 * The type of a custom attribute created on first use, from the first value seen:
 * JSON numbers and booleans keep their type, 'YYYY-MM-DD' is a date, an ISO date-time with a time
 * part is a datetime, anything else (arrays of strings included) is a string.
 */
export function inferType(value: unknown): AttributeType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') {
    const v = value.trim();
    if (parseDay(v)) return 'date';
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v) && parseInstant(v, 'UTC')) return 'datetime';
  }
  return 'string';
}
