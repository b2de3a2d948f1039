/**
 * evaluate(node, facts, { now, timezone }): does one profile match? Pure: the clock and zone are
 * parameters. Compiled closures are cached per node and the time boundaries per (now, zone), so
 * checking many profiles or many segments at one instant costs microseconds each.
 */
import { timeEnv, type TimeEnv } from '../time/boundaries.ts';
import type { RuleNode } from '../types.ts';
import { compileNode } from './compile.ts';
import type { EvalContext, Facts } from './facts.ts';

let lastEnv: TimeEnv | undefined;

/** The time environment for a context, reused while (now, zone) stay the same. */
export function envFor(ctx: EvalContext): TimeEnv {
  const nowMs = ctx.now.getTime();
  if (lastEnv && lastEnv.nowMs === nowMs && lastEnv.tz === ctx.timezone) return lastEnv;
  return (lastEnv = timeEnv({ now: nowMs, timezone: ctx.timezone }));
}

export function evaluate(node: RuleNode, facts: Facts, ctx: EvalContext): boolean {
  return compileNode(node)(facts, envFor(ctx));
}
