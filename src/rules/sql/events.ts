/**
 * An event condition as SQL: the profiles whose events of that name in the window (and passing every
 * `where`) reach the threshold, found once for the whole workspace — one range scan of the
 * (workspace_id, name, ts) INCLUDE (profile_id) index, grouped by profile when the threshold is
 * above 1 — and joined to the profile on profile_id (a semi- or anti-join; on Citus the join on the
 * distribution column stays shard-local, SCALE.md rule 4). Where the condition holds at zero events (`lt`, `lte`, `eq 0`, a sum that holds at
 * 0), it is the complement: no group that fails it. The window bounds are computed in JS
 * (time/boundaries.ts).
 */
import { holds } from '../eval/decimal.ts';
import { eventRange } from '../time/boundaries.ts';
import type { CountOp, EventNode } from '../types.ts';
import type { SqlEnv } from './context.ts';
import { instantParam } from './temporal.ts';
import { valueTestSql } from './value-test.ts';

const SQL_COUNT_OP: Record<CountOp, string> = { eq: '=', lt: '<', lte: '<=', gte: '>=', gt: '>' };

export function eventSql(node: EventNode, q: SqlEnv): string {
  const m = node.measure;
  const range = eventRange(node.time, q.time);
  // No instant can be in the window: the count and the sum are 0 for everyone.
  if (!range) return holds(m.op, 0, m.value) ? 'TRUE' : 'FALSE';

  const conds = [`e.workspace_id = ${q.workspace}`, `e.name = ${q.bind(node.event, 'text')}`];
  if (range.lo) conds.push(`e.ts ${range.lo.inclusive ? '>=' : '>'} ${q.bind(instantParam(range.lo.ms), 'timestamptz')}`);
  conds.push(`e.ts ${range.hi.inclusive ? '<=' : '<'} ${q.bind(instantParam(range.hi.ms), 'timestamptz')}`);
  for (const w of node.where) conds.push(valueTestSql(w.test, `(e.properties -> ${q.bind(w.property, 'text')})`, q, true));
  const from = `FROM events e WHERE ${conds.join(' AND ')}`;
  const at0 = holds(m.op, 0, m.value);

  // Correlated only through profile_id equality, so PostgreSQL plans them as (anti-)semi-joins against
  // one scan of the window (a hash join, or index probes when the other side is small), and a NOT
  // around them stays an anti-join (NOT IN over a subquery could not).
  const some = `EXISTS (SELECT 1 ${from} AND e.profile_id = p.profile_id)`;
  const grouped = (having: string, complement: boolean) =>
    `${complement ? 'NOT ' : ''}EXISTS (SELECT 1 FROM (SELECT e.profile_id ${from} GROUP BY e.profile_id` +
    ` HAVING ${complement ? `NOT (${having})` : having}) g WHERE g.profile_id = p.profile_id)`;

  if (m.kind === 'sum') {
    const prop = `(e.properties -> ${q.bind(m.property, 'text')})`;
    const sum = `COALESCE(sum(CASE WHEN jsonb_typeof(${prop}) = 'number' THEN (${prop})::numeric END), 0)`;
    return grouped(`${sum} ${SQL_COUNT_OP[m.op]} ${q.bind(m.value, 'numeric')}`, at0);
  }
  // A count is a whole number ≥ 0, so most thresholds reduce to "some" / "none" / always / never.
  const at1 = holds(m.op, 1, m.value);
  const increasing = m.op === 'gt' || m.op === 'gte';
  const decreasing = m.op === 'lt' || m.op === 'lte';
  if (increasing && at0) return 'TRUE';
  if (decreasing && !at0) return 'FALSE';
  if (m.op === 'eq' && !(Number.isInteger(m.value) && m.value >= 0)) return 'FALSE';
  if (increasing && at1) return some;
  if ((decreasing || m.op === 'eq') && at0 && !at1) return `NOT ${some}`;
  return grouped(`count(*) ${SQL_COUNT_OP[m.op]} ${q.bind(m.value, 'numeric')}`, at0);
}
