/**
 * explain(node, facts, ctx): the rule tree with each node's truth value and what it saw, for the
 * console's "why is this profile (not) in the segment". Truth values come from the same compiled
 * closures as evaluate, so an explanation never disagrees with the answer.
 */
import { ageOn } from '../time/boundaries.ts';
import type { TimeEnv } from '../time/boundaries.ts';
import { valueDay } from '../time/temporal.ts';
import type { NodeOf, Operand, RuleKind, RuleNode, TimeWindow, ValueTest } from '../types.ts';
import { compileNode } from './compile.ts';
import { envFor } from './evaluate.ts';
import { compileEvent } from './events.ts';
import { own, type EvalContext, type Facts } from './facts.ts';

export interface Explanation {
  readonly kind: RuleKind;
  readonly result: boolean;
  /** What the node checks and what it saw, e.g. `purchase count in window: 2, needed gte 3`. */
  readonly detail: string;
  readonly children?: readonly Explanation[];
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
const operand = (o: Operand): string => JSON.stringify(o.value);

function testText(t: ValueTest): string {
  switch (t.kind) {
    case 'equals': return t.operands.map(operand).join(' or ');
    case 'compare': return operand(t.operand);
    case 'days': return t.spec.kind === 'absolute' ? t.spec.day : `${t.spec.amount} ${t.spec.unit}`;
    case 'empty': return '';
    case 'text': return JSON.stringify(t.text);
    case 'anniversary': return `${t.amount} day`;
  }
}

function windowText(w: TimeWindow): string {
  switch (w.op) {
    case 'any_time': return 'any time';
    case 'within_last':
    case 'before_last': return `${w.op} ${w.amount} ${w.unit}`;
    case 'between_last': return `between_last ${w.from.amount} ${w.from.unit} and ${w.to.amount} ${w.to.unit}`;
    case 'after':
    case 'before': return `${w.op} ${w.value}`;
    case 'between': return `between ${w.from} and ${w.to}`;
  }
}

type Describer<K extends RuleKind> = (node: NodeOf<K>, facts: Facts, env: TimeEnv) => { detail: string; children?: Explanation[] };

const group = (word: string) => (node: NodeOf<'all' | 'any'>, facts: Facts, env: TimeEnv) => {
  const children = node.rules.map((r) => explainNode(r, facts, env));
  return { detail: `${word} of ${children.length}: ${children.filter((c) => c.result).length} hold`, children };
};

const DESCRIBERS: { [K in RuleKind]: Describer<K> } = {
  all: group('all'),
  any: group('any'),
  not: (node, facts, env) => ({ detail: 'not', children: [explainNode(node.rule, facts, env)] }),
  attribute: (node, facts, env) => {
    const head = `${node.attribute} ${node.op} ${testText(node.test)}`.trimEnd();
    if (node.derived === 'age') {
      const birth = own(facts.attributes, 'birthdate');
      const day = valueDay(birth, env.tz);
      return { detail: `${head}: saw ${day === undefined ? 'no age' : ageOn(day, env.today)} (birthdate ${show(birth)})` };
    }
    return { detail: `${head}: saw ${show(own(facts.attributes, node.attribute))}` };
  },
  event: (node, facts, env) => {
    const m = compileEvent(node).measure(facts, env);
    const what = node.measure.kind === 'count' ? 'count' : `sum of ${node.measure.property}`;
    const where = node.where.length ? `, ${node.where.length} where condition${node.where.length > 1 ? 's' : ''}` : '';
    return { detail: `${node.event} ${what} in window (${windowText(node.time)}${where}): ${m.value}, needed ${node.measure.op} ${node.measure.value}` };
  },
  tag: (node, facts) => ({ detail: `tag ${JSON.stringify(node.tag)}: ${facts.tags.has(node.tag) ? 'present' : 'absent'}` }),
  list: (node, facts) => ({ detail: `list ${JSON.stringify(node.list)}: ${facts.lists.has(node.list) ? 'member' : 'not a member'}` }),
  segment: (node, facts, env) => ({ detail: `segment ${JSON.stringify(node.segment)}`, children: [explainNode(node.rule, facts, env)] }),
  consent: (node, facts) => ({
    detail: `consent ${node.channel}: ${Object.hasOwn(facts.consent, node.channel) ? facts.consent[node.channel] : 'none'}, needed ${node.status}`,
  }),
  dnc: (node, facts) => ({
    detail: `dnc ${node.channel}: ${facts.dnc.all ? 'listed for all channels' : facts.dnc.channels.has(node.channel) ? `listed for ${node.channel}` : 'not listed'}`,
  }),
};

function explainNode(node: RuleNode, facts: Facts, env: TimeEnv): Explanation {
  const { detail, children } = (DESCRIBERS[node.kind] as Describer<RuleKind>)(node as never, facts, env);
  return { kind: node.kind, result: compileNode(node)(facts, env), detail, ...(children ? { children } : {}) };
}

export function explain(node: RuleNode, facts: Facts, ctx: EvalContext): Explanation {
  return explainNode(node, facts, envFor(ctx));
}
