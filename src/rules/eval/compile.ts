/**
 * The in-memory evaluator: a rule compiled once to nested closures (cached per node), then run per
 * profile. One compiler per node kind, in a Record so a new kind cannot be forgotten.
 */
import { ageOn, type TimeEnv } from '../time/boundaries.ts';
import { valueDay } from '../time/temporal.ts';
import type { NodeOf, RuleKind, RuleNode } from '../types.ts';
import { compileEvent } from './events.ts';
import { own, type Facts } from './facts.ts';
import { compileValueTest } from './value-test.ts';

export type Predicate = (facts: Facts, env: TimeEnv) => boolean;

/** `age`: whole years since birthdate at today in the workspace zone; missing without a birthdate. */
export function ageValue(facts: Facts, env: TimeEnv): number | undefined {
  const birth = valueDay(own(facts.attributes, 'birthdate'), env.tz);
  return birth === undefined ? undefined : ageOn(birth, env.today);
}

/** The value an attribute condition reads (stored, or derived for `age`). */
export function attributeValue(node: NodeOf<'attribute'>, facts: Facts, env: TimeEnv): unknown {
  return node.derived === 'age' ? ageValue(facts, env) : own(facts.attributes, node.attribute);
}

const COMPILERS: { [K in RuleKind]: (node: NodeOf<K>) => Predicate } = {
  all: (node) => {
    const parts = node.rules.map(compileNode);
    return (f, env) => {
      for (const p of parts) if (!p(f, env)) return false;
      return true;
    };
  },
  any: (node) => {
    const parts = node.rules.map(compileNode);
    return (f, env) => {
      for (const p of parts) if (p(f, env)) return true;
      return false;
    };
  },
  not: (node) => {
    const inner = compileNode(node.rule);
    return (f, env) => !inner(f, env);
  },
  attribute: (node) => {
    const test = compileValueTest(node.test, node.type === 'string');
    if (node.derived === 'age') return (f, env) => test(ageValue(f, env), env);
    const name = node.attribute;
    return (f, env) => test(own(f.attributes, name), env);
  },
  event: (node) => compileEvent(node).holds,
  tag: (node) => (f) => f.tags.has(node.tag),
  list: (node) => (f) => f.lists.has(node.list),
  segment: (node) => compileNode(node.rule),
  consent: (node) => {
    const { channel, status } = node;
    if (status === 'none') return (f) => !Object.hasOwn(f.consent, channel);
    return (f) => Object.hasOwn(f.consent, channel) && f.consent[channel] === status;
  },
  dnc: (node) => (f) => f.dnc.all || f.dnc.channels.has(node.channel),
};

const compiled = new WeakMap<RuleNode, Predicate>();

/** The compiled closure for a node (compiled on first use; nodes are frozen, so the cache is safe). */
export function compileNode(node: RuleNode): Predicate {
  let p = compiled.get(node);
  if (!p) {
    p = (COMPILERS[node.kind] as (n: RuleNode) => Predicate)(node);
    compiled.set(node, p);
  }
  return p;
}
