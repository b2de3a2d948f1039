/**
 * The segment rule engine's public surface. Pure: no clock, no environment, no database.
 * parse → RuleNode; evaluate/explain/nextChange in memory (real time); compileWhere/membersQuery in SQL (bulk).
 */
export { parseRule, RULE_LIMITS, type ParseContext } from './parse.ts';
export type * from './types.ts';
export { ruleDependencies, type RuleDependencies } from './dependencies.ts';
export type { EvalContext, EventFact, Facts } from './eval/facts.ts';
export { evaluate } from './eval/evaluate.ts';
export { explain, type Explanation } from './eval/explain.ts';
export { nextChange } from './eval/next-change.ts';
export { compileWhere } from './sql/compile-where.ts';
export type { CompileOptions } from './sql/context.ts';
export { membersQuery, type MembersQueryOptions } from './sql/members-query.ts';
export { eventsToLoad } from './eval/events-to-load.ts';
