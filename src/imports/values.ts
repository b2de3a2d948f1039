import type { AttributeType, StoredValue } from '../attributes/types.ts';
import { normalizeEmail, normalizePhone } from '../shared/contacts.ts';
import { type DateOrder, parseDatetimeValue, parseDateValue } from './dates.ts';

/**
 * Cell text → typed values, as an import reads them. Every cell is text; these say what text counts as
 * a number, a yes/no, a date (dates.ts) or a consent answer. The analysis counts, per column, the values
 * each of these accepts, so the failures it announces are exactly the rows a run rejects.
 */
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS_RE = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const DECIMAL_COMMA_RE = /^[+-]?\d+,(\d{1,2}|\d{4,})$/;

/** A number: 42, -1.5, 1e3, 1,234,567.89 (thousands), 12,5 (a decimal comma, unless it could be thousands). */
export function parseNumber(s: string): number | undefined {
  let n: number;
  if (NUMBER_RE.test(s)) n = Number(s);
  else if (THOUSANDS_RE.test(s)) n = Number(s.replace(/,/g, ''));
  else if (DECIMAL_COMMA_RE.test(s)) n = Number(s.replace(',', '.'));
  else return undefined;
  return Number.isFinite(n) ? n : undefined;
}

/** Whether a column of such values is numbers rather than codes: 0123 (a zip code, an account) is not. */
export const looksNumeric = (s: string): boolean => parseNumber(s) !== undefined && !/^[+-]?0\d/.test(s);

const TRUE = new Set(['true', 'yes', 'y', 't', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', 'f', '0', 'off']);
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'y', 'n', 't', 'f', 'on', 'off']);

export function parseBoolean(s: string): boolean | undefined {
  const v = s.toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
}

/** Yes/no written as words (0 and 1 alone are numbers). */
export const isBooleanWord = (s: string): boolean => BOOLEAN_WORDS.has(s.toLowerCase());

/** A tag column: a yes (or x, ✓) adds the tag, a no leaves the profile as it is. */
export function parseTagFlag(s: string): boolean | undefined {
  const v = s.toLowerCase();
  if (v === 'x' || v === '✓' || v === '✔') return true;
  return parseBoolean(v);
}

const SUBSCRIBED = new Set(['subscribed', 'subscribe', 'opt-in', 'optin', 'opted in', 'opted-in', 'granted', 'consented', 'consent', 'yes', 'y', 'true', '1']);
const UNSUBSCRIBED = new Set(['unsubscribed', 'unsubscribe', 'opt-out', 'optout', 'opted out', 'opted-out', 'withdrawn', 'revoked', 'no', 'n', 'false', '0']);

/** A consent column: subscribed or unsubscribed (an empty cell changes nothing; "none" can not be set). */
export function parseConsent(s: string): 'subscribed' | 'unsubscribed' | undefined {
  const v = s.toLowerCase();
  return SUBSCRIBED.has(v) ? 'subscribed' : UNSUBSCRIBED.has(v) ? 'unsubscribed' : undefined;
}

/** Tag names in one cell: separated by commas, semicolons or pipes. */
export const splitTags = (s: string): string[] => s.split(/[,;|]/).map((t) => t.trim()).filter((t) => t !== '');

export const isEmail = (s: string): boolean => normalizeEmail(s) !== undefined;

/** A phone number as people write one (not just any long number): a + or 0 in front, or separators in it. */
export const looksLikePhone = (s: string): boolean => /^[+0(]|[\s\-.()/]/.test(s) && /^[+\d\s\-.()/]+$/.test(s) && normalizePhone(s) !== undefined;

/** A cell of an attribute column in its stored form, or undefined when it is not a valid `type`. */
export function parseAttributeValue(s: string, type: AttributeType, ctx: { order: DateOrder; timezone: string }): StoredValue | undefined {
  switch (type) {
    case 'string':
      return s;
    case 'number':
      return parseNumber(s);
    case 'boolean':
      return parseBoolean(s);
    case 'date':
      return parseDateValue(s, ctx.order, ctx.timezone);
    case 'datetime':
      return parseDatetimeValue(s, ctx.order, ctx.timezone);
  }
}
