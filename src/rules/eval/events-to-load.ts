/**
 * Which events the per-profile path must load for a rule at `now`: by event name, the earliest ts that
 * can matter (null: the whole history). Events dated after now always matter (they start to count when
 * now reaches them). Windows stepping calendar months get a few days' margin, because at month ends the
 * clamped cutoff moves back (see nextChange).
 */
import { eventRange } from '../time/boundaries.ts';
import { MS } from '../time/zone.ts';
import type { RuleNode, TimeWindow } from '../types.ts';
import { envFor } from './evaluate.ts';
import type { EvalContext } from './facts.ts';

const usesMonths = (t: TimeWindow): boolean =>
  (t.op === 'within_last' && t.unit === 'month') || (t.op === 'between_last' && (t.from.unit === 'month' || t.to.unit === 'month'));

export function eventsToLoad(node: RuleNode, ctx: EvalContext): Map<string, Date | null> {
  const env = envFor(ctx);
  const out = new Map<string, number | null>();
  const need = (name: string, from: number | null) => {
    const had = out.get(name);
    out.set(name, had === null || from === null ? null : had === undefined ? from : Math.min(had, from));
  };
  const visit = (n: RuleNode): void => {
    switch (n.kind) {
      case 'all':
      case 'any':
        return n.rules.forEach(visit);
      case 'not':
      case 'segment':
        return visit(n.rule);
      case 'event': {
        const r = eventRange(n.time, env);
        if (!r) return need(n.event, env.nowMs); // no past event can count; future ones are all that could
        if (!r.lo) return need(n.event, null);
        return need(n.event, r.lo.ms - (usesMonths(n.time) ? 4 * MS.DAY : 0));
      }
      default:
        return undefined;
    }
  };
  visit(node);
  return new Map([...out].map(([name, from]) => [name, from === null ? null : new Date(from)]));
}
