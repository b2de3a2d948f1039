/**
 * The boundary math both evaluators share, so the bulk SQL and the in-memory check draw every line in
 * the same place. Everything here is computed once per (now, zone) in JS; the SQL compiler binds the
 * results as parameters and the in-memory evaluator compares against them.
 */
import type { DaySpec, SpanUnit, TimeWindow } from '../types.ts';
import { addDays, BEFORE_ALL_DAYS, daysFromCivil, isLeapYear, shiftDay, splitDay } from './calendar.ts';
import { parseTemporal, temporalInstant } from './temporal.ts';
import { localParts, localToInstant, MS } from './zone.ts';
import { assertNever } from '../../shared/assert-never.ts';

/** The evaluation instant and workspace zone, with today's date there. */
export interface TimeEnv {
  readonly nowMs: number;
  readonly tz: string;
  /** Today in the workspace zone, 'YYYY-MM-DD'. */
  readonly today: string;
  /** Boundaries computed once for this instant (month cutoffs). */
  readonly memo: Map<string, unknown>;
}

/** Today and the memo are computed on first use: next-change builds many short-lived envs. */
class LazyTimeEnv implements TimeEnv {
  private day?: string;
  private cache?: Map<string, unknown>;
  constructor(readonly nowMs: number, readonly tz: string) {}
  get today(): string {
    return (this.day ??= localParts(this.nowMs, this.tz).day);
  }
  get memo(): Map<string, unknown> {
    return (this.cache ??= new Map());
  }
}

export function timeEnv(p: { now: Date | number; timezone: string }): TimeEnv {
  return new LazyTimeEnv(typeof p.now === 'number' ? p.now : p.now.getTime(), p.timezone);
}

function memo<T>(env: TimeEnv, key: string, make: () => T): T {
  if (env.memo.has(key)) return env.memo.get(key) as T;
  const v = make();
  env.memo.set(key, v);
  return v;
}

// ---------- calendar days ----------

/** An inclusive range of calendar days ('YYYY-MM-DD'); a missing end is open. */
export interface DayRange { readonly from?: string; readonly to?: string }

export const inDayRange = (day: string, r: DayRange): boolean =>
  (r.from === undefined || day >= r.from) && (r.to === undefined || day <= r.to);

/** The days a date operator accepts, with T = today in the workspace zone. Month steps clamp to the month's end. */
export function dayRange(spec: DaySpec, today: string): DayRange {
  if (spec.kind === 'absolute') {
    switch (spec.op) {
      case 'before': return { to: addDays(spec.day, -1) };
      case 'until': return { to: spec.day };
      case 'since': return { from: spec.day };
      case 'after': return { from: addDays(spec.day, 1) };
      default: return assertNever(spec, 'day operator');
    }
  }
  const back = shiftDay(today, -spec.amount, spec.unit);
  const ahead = shiftDay(today, spec.amount, spec.unit);
  switch (spec.op) {
    case 'was': return { from: back, to: back };
    case 'was_within': return { from: back, to: today };
    case 'was_more_than': return { to: addDays(back, -1) };
    case 'will_be_in': return { from: ahead, to: ahead };
    case 'will_be_within': return { from: today, to: ahead };
    case 'will_be_more_than': return { from: addDays(ahead, 1) };
    default: return assertNever(spec, 'day operator');
  }
}

// ---------- anniversaries and age ----------

/**
 * The month-days ('MM-DD') that fall on today … today+amount. A 29 February counts on 28 February in
 * common years, so '02-29' is in the window when the span holds a 29 February or a common-year 28 February.
 */
export type AnniversaryWindow =
  | { readonly all: true }
  | { readonly all: false; readonly from: string; readonly to: string; readonly wraps: boolean; readonly leapDay: boolean };

export function anniversaryWindow(today: string, amount: number): AnniversaryWindow {
  if (amount >= 365) return { all: true };
  const last = addDays(today, amount);
  const from = today.slice(5);
  const to = last.slice(5);
  const start = daysFromCivil(...splitDay(today));
  const end = start + amount;
  let leapDay = false;
  for (let y = +today.slice(0, 4); y <= +last.slice(0, 4); y++) {
    const d = isLeapYear(y) ? daysFromCivil(y, 2, 29) : daysFromCivil(y, 2, 28);
    if (d >= start && d <= end) leapDay = true;
  }
  return { all: false, from, to, wraps: to < from, leapDay };
}

export function inAnniversaryWindow(monthDay: string, w: AnniversaryWindow): boolean {
  if (w.all) return true;
  if (monthDay === '02-29') return w.leapDay;
  return w.wraps ? monthDay >= w.from || monthDay <= w.to : monthDay >= w.from && monthDay <= w.to;
}

/** Whole years from a birth day to today; a 29 February birthday comes on 28 February in common years. */
export function ageOn(birthDay: string, today: string): number {
  const [by, bm, bd] = splitDay(birthDay);
  const [ty, tm, td] = splitDay(today);
  let birthMd = bm * 100 + bd;
  if (birthMd === 229 && !isLeapYear(ty)) birthMd = 228;
  return ty - by - (tm * 100 + td < birthMd ? 1 : 0);
}

// ---------- event time windows (instants) ----------

const UNIT_MS: Record<Exclude<SpanUnit, 'month'>, number> = { minute: MS.MINUTE, hour: MS.HOUR, day: MS.DAY, week: MS.WEEK };

/** Instants are kept within years 1…9999, which every store and Date can represent. */
export const FIRST_INSTANT = -62_135_596_800_000; // 0001-01-01T00:00:00Z
export const LAST_INSTANT = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const clampInstant = (ms: number): number => Math.min(LAST_INSTANT, Math.max(FIRST_INSTANT, ms));

/** now − amount units. Minutes to weeks are fixed lengths; months step the local calendar date (clamped). */
export function cutoff(env: TimeEnv, amount: number, unit: SpanUnit): number {
  if (unit !== 'month') return clampInstant(env.nowMs - amount * UNIT_MS[unit]);
  return memo(env, `cutoff:${amount}`, () => monthsBefore(env.nowMs, amount, env.tz));
}

/** The same local wall-clock time `months` calendar months earlier (day clamped), as an instant. */
export function monthsBefore(ms: number, months: number, tz: string): number {
  if (months === 0) return ms; // not through the wall clock: inside a repeated hour that would move it
  const { day, msOfDay } = localParts(ms, tz);
  const target = shiftDay(day, -months, 'month');
  if (target === BEFORE_ALL_DAYS) return FIRST_INSTANT;
  return clampInstant(localToInstant(daysFromCivil(...splitDay(target)) * MS.DAY + msOfDay, tz));
}

/** Instant ms of an ISO date/datetime operand (validated at parse time), read in the workspace zone. */
export function operandInstant(iso: string, tz: string): number {
  const t = parseTemporal(iso);
  if (!t) throw new Error(`not a datetime: ${iso}`);
  return temporalInstant(t, tz);
}

export interface Bound { readonly ms: number; readonly inclusive: boolean }
/** The instants an event's ts must fall in; `hi` never passes now (later events never count). */
export interface EventRange { readonly lo?: Bound; readonly hi: Bound }

/** An upper bound, or now when it is later (events after now never count). */
function upTo(ms: number, inclusive: boolean, now: Bound): Bound {
  return ms < now.ms || (ms === now.ms && !inclusive) ? { ms, inclusive } : now;
}

/** The window of a time condition at `now`, or null when no instant can be in it. */
export function eventRange(time: TimeWindow, env: TimeEnv): EventRange | null {
  const now: Bound = { ms: env.nowMs, inclusive: true };
  let r: EventRange;
  switch (time.op) {
    case 'any_time': r = { hi: now }; break;
    case 'within_last': r = { lo: { ms: cutoff(env, time.amount, time.unit), inclusive: true }, hi: now }; break;
    case 'before_last': r = { hi: { ms: cutoff(env, time.amount, time.unit), inclusive: false } }; break;
    case 'between_last': {
      const a = cutoff(env, time.from.amount, time.from.unit);
      const b = cutoff(env, time.to.amount, time.to.unit);
      r = { lo: { ms: Math.min(a, b), inclusive: true }, hi: { ms: Math.max(a, b), inclusive: true } };
      break;
    }
    case 'after': r = { lo: { ms: operandInstant(time.value, env.tz), inclusive: false }, hi: now }; break;
    case 'before': r = { hi: upTo(operandInstant(time.value, env.tz), false, now) }; break;
    case 'between':
      r = { lo: { ms: operandInstant(time.from, env.tz), inclusive: true }, hi: upTo(operandInstant(time.to, env.tz), true, now) };
      break;
    default: return assertNever(time, 'time window');
  }
  if (r.lo && (r.lo.ms > r.hi.ms || (r.lo.ms === r.hi.ms && !(r.lo.inclusive && r.hi.inclusive)))) return null;
  return r;
}

export const inEventRange = (ts: number, r: EventRange): boolean =>
  (r.hi.inclusive ? ts <= r.hi.ms : ts < r.hi.ms) && (!r.lo || (r.lo.inclusive ? ts >= r.lo.ms : ts > r.lo.ms));
