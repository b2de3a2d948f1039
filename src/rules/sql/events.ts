/**
 * An event condition as SQL: a subquery on events correlated on (workspace_id, profile_id) — profile_id
 * equality keeps it local to one shard on Citus (SCALE.md rule 4) and uses the
 * (workspace_id, profile_id, name, ts) index. The window bounds are computed in JS (time/boundaries.ts).
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

  const conds = ['e.workspace_id = p.workspace_id', 'e.profile_id = p.profile_id', `e.name = ${q.bind(node.event, 'text')}`];
  if (range.lo) conds.push(`e.ts ${range.lo.inclusive ? '>=' : '>'} ${q.bind(instantParam(range.lo.ms), 'timestamptz')}`);
  conds.push(`e.ts ${range.hi.inclusive ? '<=' : '<'} ${q.bind(instantParam(range.hi.ms), 'timestamptz')}`);
  for (const w of node.where) conds.push(valueTestSql(w.test, `(e.properties -> ${q.bind(w.property, 'text')})`, q, true));
  const from = `FROM events e WHERE ${conds.join(' AND ')}`;

  if (m.kind === 'sum') {
    const prop = `(e.properties -> ${q.bind(m.property, 'text')})`;
    return `(SELECT COALESCE(sum(CASE WHEN jsonb_typeof(${prop}) = 'number' THEN (${prop})::numeric END), 0) ${from})` +
      ` ${SQL_COUNT_OP[m.op]} ${q.bind(m.value, 'numeric')}`;
  }
  // A count is a whole number ≥ 0, so most thresholds reduce to "some" / "none" / always / never.
  const at0 = holds(m.op, 0, m.value);
  const at1 = holds(m.op, 1, m.value);
  const increasing = m.op === 'gt' || m.op === 'gte';
  const decreasing = m.op === 'lt' || m.op === 'lte';
  if (increasing && at0) return 'TRUE';
  if (decreasing && !at0) return 'FALSE';
  if (m.op === 'eq' && !(Number.isInteger(m.value) && m.value >= 0)) return 'FALSE';
  if (increasing && at1) return `EXISTS (SELECT 1 ${from})`;
  if ((decreasing || m.op === 'eq') && at0 && !at1) return `NOT EXISTS (SELECT 1 ${from})`;
  return `(SELECT count(*) ${from}) ${SQL_COUNT_OP[m.op]} ${q.bind(m.value, 'numeric')}`;
}
