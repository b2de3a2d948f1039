/**
 * The SQL side of time/temporal.ts: a jsonb value's calendar day and instant, NULL when it is not a
 * date/datetime string. Same grammar (TEMPORAL_PATTERN), same day-of-month check, same reading (a day
 * as written unless an offset is given). Nested CASEs because PostgreSQL does not promise to evaluate
 * AND operands in order, and a cast must never see a string that failed the pattern.
 */
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
