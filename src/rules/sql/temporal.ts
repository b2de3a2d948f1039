/**
 * The SQL side of time/temporal.ts: a jsonb value's calendar day and instant, NULL when it is not a
 * date/datetime string. Same grammar (TEMPORAL_PATTERN), same day-of-month check, same reading (a day
 * as written unless an offset is given). Nested CASEs because PostgreSQL does not promise to evaluate
 * AND operands in order, and a cast must never see a string that failed the pattern.
 */
import type { DayRange } from '../time/boundaries.ts';
import { addDays } from '../time/calendar.ts';
import { TEMPORAL_PATTERN } from '../time/temporal.ts';
import type { SqlEnv } from './context.ts';

const PATTERN = `'${TEMPORAL_PATTERN}'`;
const HAS_OFFSET = `'[T ].*[Z+-]'`;

const year = (s: string) => `substr(${s}, 1, 4)::int`;
/** Day of month fits the month (the pattern already bounds it by 31), and no year 0. */
const dayFits = (s: string) =>
  `substr(${s}, 1, 4) <> '0000' AND substr(${s}, 9, 2)::int <= CASE substr(${s}, 6, 2)` +
  ` WHEN '02' THEN CASE WHEN ${year(s)} % 4 = 0 AND (${year(s)} % 100 <> 0 OR ${year(s)} % 400 = 0) THEN 29 ELSE 28 END` +
  ` WHEN '04' THEN 30 WHEN '06' THEN 30 WHEN '09' THEN 30 WHEN '11' THEN 30 ELSE 31 END`;

/** Evaluates `body` (over tv.s, the value's text) only for a well-formed date/datetime string; else NULL. */
const whenTemporal = (x: string, body: string) =>
  `(SELECT CASE WHEN tv.s ~ ${PATTERN} THEN CASE WHEN ${dayFits('tv.s')} THEN ${body} END END` +
  ` FROM (SELECT CASE WHEN jsonb_typeof(${x}) = 'string' THEN ${x} #>> '{}' END AS s) tv)`;

/** The value's calendar day as 'YYYY-MM-DD' text (collation C), or NULL. */
export function daySql(x: string, q: SqlEnv): string {
  return whenTemporal(
    x,
    `CASE WHEN tv.s ~ ${HAS_OFFSET} THEN to_char(tv.s::timestamptz AT TIME ZONE ${q.bind(q.time.tz, 'text')}, 'YYYY-MM-DD') ELSE substr(tv.s, 1, 10) END`,
  ) + ` COLLATE "C"`;
}

/**
 * daySql over the value's text (`->>`) without subqueries (`s` is repeated instead): a JSON number,
 * boolean, list or object never matches the pattern, so the text alone decides, as in daySql.
 */
function dayOfTextSql(s: string, q: SqlEnv): string {
  return `(CASE WHEN ${s} ~ ${PATTERN} THEN CASE WHEN ${dayFits(s)} THEN CASE WHEN ${s} ~ ${HAS_OFFSET}` +
    ` THEN to_char(${s}::timestamptz AT TIME ZONE ${q.bind(q.time.tz, 'text')}, 'YYYY-MM-DD') ELSE substr(${s}, 1, 10) END END END) COLLATE "C"`;
}

/** The value's instant (timestamptz), a time without offset read in the workspace zone, or NULL. */
export function instantSql(x: string, q: SqlEnv): string {
  return whenTemporal(x, `CASE WHEN tv.s ~ ${HAS_OFFSET} THEN tv.s::timestamptz ELSE tv.s::timestamp AT TIME ZONE ${q.bind(q.time.tz, 'text')} END`);
}

/** An instant as a bind value: ISO 8601 UTC, with microseconds when the instant has them. */
export function instantParam(ms: number): string {
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString();
  const micros = Math.round((ms - whole) * 1000);
  return micros === 0 ? iso : `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

const BARE_DATE = `'^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'`;
/** Bounds past which a widened prefilter bound would leave the 4-digit years (and so sort wrongly). */
const [LOW_GUARD, HIGH_GUARD] = ['0001-01-03', '9999-12-28'];

/**
 * Whether a value's calendar day (as daySql reads it) falls in one of `ranges`, never NULL. `x` is the
 * jsonb value and `s` its text (`->>`). Built for indexes on `(attributes ->> name) COLLATE "C"`:
 * the first conjuncts are a plain text range on the written day, widened by two days because an
 * offset (±15:59) read in the workspace zone (±14) can move the day that far; then a stored bare date
 * (what coerce writes) is checked as text, and anything else (a datetime, a value kept as written)
 * is read as daySql reads it, so a malformed value evaluates exactly as in eval/. No subquery: even
 * one never run made the filter several times slower per row (1M profiles, bench/segments.ts Q1).
 */
export function dayInRangesSql(p: { s: string; ranges: readonly DayRange[]; q: SqlEnv }): string {
  const { s, ranges, q } = p;
  if (ranges.length === 0) return 'false';
  const c = `${s} COLLATE "C"`;
  const conds = [`${s} IS NOT NULL`];
  const froms = ranges.map((r) => r.from);
  const tos = ranges.map((r) => r.to);
  if (froms.every((f) => f !== undefined && f > LOW_GUARD)) {
    conds.push(`${c} >= ${q.bind(addDays((froms as string[]).reduce((a, b) => (a < b ? a : b)), -2), 'text')}`);
  }
  if (tos.every((t) => t !== undefined && t < HIGH_GUARD)) {
    conds.push(`${c} < ${q.bind(addDays((tos as string[]).reduce((a, b) => (a > b ? a : b)), 3), 'text')}`);
  }
  const within = (d: string) => {
    const tests = ranges.map((r) => {
      const t: string[] = [];
      if (r.from !== undefined) t.push(`${d} >= ${q.bind(r.from, 'text')}`);
      if (r.to !== undefined) t.push(`${d} <= ${q.bind(r.to, 'text')}`);
      return t.length === 0 ? `${d} IS NOT NULL` : t.join(' AND ');
    });
    return tests.length === 1 ? tests[0]! : `(${tests.map((t) => `(${t})`).join(' OR ')})`;
  };
  // A bare date cannot be a JSON number, boolean, list or object, so the pattern also checks the kind;
  // the casts in dayFits only ever see a string that matched it (and only past the 28th).
  conds.push(
    `CASE WHEN ${c} ~ ${BARE_DATE} THEN ${within(c)} AND (substr(${s}, 9, 2) <= '28' AND substr(${s}, 1, 4) <> '0000' OR ${dayFits(s)})` +
      ` ELSE COALESCE(${within(dayOfTextSql(s, q))}, false) END`,
  );
  return `(${conds.join(' AND ')})`;
}

/**
 * Whether a stored day column (birth_day, migration 014: a valid day or NULL, collation C) falls in one
 * of `ranges`, never NULL. The outer bounds lead as plain conjuncts so a btree range serves them.
 */
export function dayColumnInRangesSql(p: { column: string; ranges: readonly DayRange[]; q: SqlEnv }): string {
  const { column, ranges, q } = p;
  if (ranges.length === 0) return 'false';
  const bounds = (r: { from?: string | undefined; to?: string | undefined }) => [
    ...(r.from !== undefined ? [`${column} >= ${q.bind(r.from, 'text')}`] : []),
    ...(r.to !== undefined ? [`${column} <= ${q.bind(r.to, 'text')}`] : []),
  ];
  const froms = ranges.map((r) => r.from);
  const tos = ranges.map((r) => r.to);
  const outer = bounds({
    from: froms.every((f) => f !== undefined) ? (froms as string[]).reduce((a, b) => (a < b ? a : b)) : undefined,
    to: tos.every((t) => t !== undefined) ? (tos as string[]).reduce((a, b) => (a > b ? a : b)) : undefined,
  });
  const conds = [`${column} IS NOT NULL`, ...outer];
  if (ranges.length > 1) conds.push(`(${ranges.map((r) => `(${bounds(r).join(' AND ') || 'true'})`).join(' OR ')})`);
  return `(${conds.join(' AND ')})`;
}
