import { DateTime } from 'luxon';

/**
 * Dates as people type them in spreadsheets. Accepted, in a date or datetime column:
 *   ISO 8601            2020-12-31, 2020-12-31T09:30, 2020-12-31 09:30:15Z, 2020-12-31T09:30+01:00
 *   year first          2020/12/31, 2020.12.31
 *   day or month first  31/12/2020, 12/31/2020, 31.12.2020, 31-12-2020 (four-digit years only)
 *   month names         31 Dec 2020, 31-Dec-2020, Dec 31, 2020, December 31 2020 (English)
 * each optionally followed by a time (09:30, 9:30:15, 9:30 pm). Whether 03/04/2020 is the 3rd of April
 * (day first, DMY) or March 4th (MDY) is decided once per column from its values: a value whose first
 * number is over 12 (31/12/2020) can only be DMY, one whose second number is over 12 only MDY; the order
 * more values prove wins, and a column with no proof either way takes the workspace's habit (MDY for
 * time zones in the Americas that write dates that way, DMY elsewhere). Values that contradict the
 * column's order are rejected, never guessed. A time without an offset is in the workspace time zone.
 */
export type DateOrder = 'dmy' | 'mdy';

/** What one value says: its shape and whether it has a time of day. */
export type DateShape = 'iso' | 'named' | 'dmy' | 'mdy' | 'either' | 'none';

interface Parts {
  y: number;
  m: number;
  d: number;
  time?: { h: number; mi: number; s: number; ms: number };
  /** The offset as written ('Z', '+01:00'), when the value has one. */
  offset?: string;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const TIME = String.raw`(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?`;
const YMD_RE = new RegExp(String.raw`^(\d{4})[/.](\d{1,2})[/.](\d{1,2})${TIME}$`, 'i');
const NUMERIC_RE = new RegExp(String.raw`^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})${TIME}$`, 'i');
const DAY_NAME_RE = new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]{3,9})\.?[ \-,]+(\d{4})${TIME}$`, 'i');
const NAME_DAY_RE = new RegExp(String.raw`^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})${TIME}$`, 'i');

const MONTHS = new Map<string, number>();
['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].forEach((name, i) => {
  MONTHS.set(name, i + 1);
  MONTHS.set(name.slice(0, 3), i + 1);
});
MONTHS.set('sept', 9);

/** The shape of a value, for the per-column decision (see the module comment). */
export function classifyDate(s: string): { shape: DateShape; time: boolean } {
  let m = ISO_RE.exec(s);
  if (m) return { shape: realDay(+m[1]!, +m[2]!, +m[3]!) && validTime(m[4], m[5], m[6]) ? 'iso' : 'none', time: m[4] !== undefined };
  m = YMD_RE.exec(s);
  if (m) return { shape: realDay(+m[1]!, +m[2]!, +m[3]!) && validTime(m[4], m[5], m[6], m[7]) ? 'iso' : 'none', time: m[4] !== undefined };
  m = NUMERIC_RE.exec(s);
  if (m) {
    const a = +m[1]!;
    const b = +m[3]!;
    const y = +m[4]!;
    const time = m[5] !== undefined;
    if (!validTime(m[5], m[6], m[7], m[8])) return { shape: 'none', time };
    const dmy = realDay(y, b, a);
    const mdy = realDay(y, a, b);
    return { shape: dmy && mdy ? 'either' : dmy ? 'dmy' : mdy ? 'mdy' : 'none', time };
  }
  const named = namedParts(s);
  if (named) return { shape: realDay(named.y, named.m, named.d) && named.time !== null ? 'named' : 'none', time: named.time !== undefined };
  return { shape: 'none', time: false };
}

/** A date value as 'YYYY-MM-DD' (a datetime with an offset gives its day in `timezone`), or undefined. */
export function parseDateValue(s: string, order: DateOrder, timezone: string): string | undefined {
  const p = parts(s, order);
  if (!p) return undefined;
  if (p.offset && p.time) {
    const dt = DateTime.fromISO(isoOf(p), { setZone: true });
    return dt.isValid ? dt.setZone(timezone).toISODate()! : undefined;
  }
  return `${pad(p.y, 4)}-${pad(p.m, 2)}-${pad(p.d, 2)}`;
}

/** A datetime value as an ISO instant in UTC (no offset: the wall time in `timezone`), or undefined. */
export function parseDatetimeValue(s: string, order: DateOrder, timezone: string): string | undefined {
  const p = parts(s, order);
  if (!p) return undefined;
  const t = p.time ?? { h: 0, mi: 0, s: 0, ms: 0 };
  if (p.offset) {
    const ms = Date.parse(isoOf({ ...p, time: t }));
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  if (timezone === 'UTC') return new Date(Date.UTC(p.y, p.m - 1, p.d, t.h, t.mi, t.s, t.ms)).toISOString();
  const dt = DateTime.fromObject({ year: p.y, month: p.m, day: p.d, hour: t.h, minute: t.mi, second: t.s, millisecond: t.ms }, { zone: timezone });
  return dt.isValid ? dt.toUTC().toISO()! : undefined;
}

/** The order a column without proof either way takes: MDY where the workspace's zone writes dates so. */
export function defaultDateOrder(timezone: string): DateOrder {
  return MDY_ZONES.test(timezone) ? 'mdy' : 'dmy';
}
// The United States and its territories, Canada's English-speaking zones, the Philippines.
const MDY_ZONES = /^(America\/(New_York|Chicago|Denver|Phoenix|Los_Angeles|Anchorage|Adak|Boise|Detroit|Indiana\/.+|Kentucky\/.+|North_Dakota\/.+|Menominee|Juneau|Sitka|Nome|Yakutat|Metlakatla|Puerto_Rico|Toronto|Vancouver|Edmonton|Winnipeg|Halifax|St_Johns|Regina)|US\/.+|Pacific\/(Honolulu|Guam|Saipan|Pago_Pago)|Asia\/Manila)$/;

function parts(s: string, order: DateOrder): Parts | undefined {
  let m = ISO_RE.exec(s);
  if (m) {
    const p: Parts = { y: +m[1]!, m: +m[2]!, d: +m[3]! };
    if (m[4] !== undefined) {
      if (!validTime(m[4], m[5], m[6])) return undefined;
      p.time = { h: +m[4], mi: +m[5]!, s: +(m[6] ?? 0), ms: m[7] ? Math.floor(+`0.${m[7]}` * 1000) : 0 };
      if (m[8]) p.offset = m[8];
    }
    return realDay(p.y, p.m, p.d) ? p : undefined;
  }
  m = YMD_RE.exec(s);
  if (m) return withTime({ y: +m[1]!, m: +m[2]!, d: +m[3]! }, m.slice(4, 8));
  m = NUMERIC_RE.exec(s);
  if (m) {
    const [a, b] = [+m[1]!, +m[3]!];
    return withTime(order === 'dmy' ? { y: +m[4]!, m: b, d: a } : { y: +m[4]!, m: a, d: b }, m.slice(5, 9));
  }
  const named = namedParts(s);
  if (!named || named.time === null || !realDay(named.y, named.m, named.d)) return undefined;
  return { y: named.y, m: named.m, d: named.d, ...(named.time ? { time: named.time } : {}) };
}

function namedParts(s: string): { y: number; m: number; d: number; time?: Parts['time'] | null } | undefined {
  let m = DAY_NAME_RE.exec(s);
  let day: string;
  let month: string;
  let year: string;
  if (m) [day, month, year] = [m[1]!, m[2]!, m[3]!];
  else if ((m = NAME_DAY_RE.exec(s))) [month, day, year] = [m[1]!, m[2]!, m[3]!];
  else return undefined;
  const mo = MONTHS.get(month.toLowerCase());
  if (!mo) return undefined;
  const t = m.slice(4, 8);
  if (t[0] === undefined) return { y: +year, m: mo, d: +day };
  return { y: +year, m: mo, d: +day, time: validTime(t[0], t[1], t[2], t[3]) ? toTime(t) : null };
}

function withTime(p: Parts, t: (string | undefined)[]): Parts | undefined {
  if (!realDay(p.y, p.m, p.d)) return undefined;
  if (t[0] === undefined) return p;
  if (!validTime(t[0], t[1], t[2], t[3])) return undefined;
  return { ...p, time: toTime(t) };
}

function toTime(t: (string | undefined)[]): NonNullable<Parts['time']> {
  let h = +t[0]!;
  const ampm = t[3]?.toLowerCase().replace(/\./g, '');
  if (ampm === 'pm' && h < 12) h += 12;
  if (ampm === 'am' && h === 12) h = 0;
  return { h, mi: +t[1]!, s: +(t[2] ?? 0), ms: 0 };
}

function validTime(h?: string, mi?: string, s?: string, ampm?: string): boolean {
  if (h === undefined) return true;
  const hours = +h;
  if (ampm ? hours < 1 || hours > 12 : hours > 23) return false;
  return +mi! <= 59 && +(s ?? 0) <= 59;
}

function realDay(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

const daysIn = (y: number, m: number): number => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function isoOf(p: Parts): string {
  const t = p.time!;
  const off = p.offset === 'Z' ? 'Z' : p.offset!.length === 3 ? `${p.offset}:00` : p.offset!.includes(':') ? p.offset : `${p.offset!.slice(0, 3)}:${p.offset!.slice(3)}`;
  return `${pad(p.y, 4)}-${pad(p.m, 2)}-${pad(p.d, 2)}T${pad(t.h, 2)}:${pad(t.mi, 2)}:${pad(t.s, 2)}.${pad(t.ms, 3)}${off}`;
}
