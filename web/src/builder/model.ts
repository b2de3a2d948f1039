/**
 * The rule builder's editing model. A rule (see shared/conformance/README.md) becomes a tree of nodes
 * with stable ids, so React can key them and errors can find them; `toRule` turns it back into the
 * rule JSON and records which node each rule path (`rule.all[2]`) belongs to.
 */
import type { AttributeType } from '../types.ts';

export type Cond = Record<string, unknown>;
export type ENode =
  | { id: string; negate: boolean; type: 'group'; op: 'all' | 'any'; children: ENode[] }
  | { id: string; negate: boolean; type: 'cond'; cond: Cond };
export type GroupNode = Extract<ENode, { type: 'group' }>;

export const COND_KINDS = ['attribute', 'event', 'tag', 'list', 'segment', 'consent', 'dnc'] as const;
export type CondKind = (typeof COND_KINDS)[number];

/** The documented limits, counted through all groups (where filters and referenced segments do not count). */
export const LIMITS = { attribute: 25, event: 5 } as const;

let seq = 0;
export const newId = (): string => `n${++seq}`;

export function condKind(c: Cond): CondKind {
  return COND_KINDS.find((k) => k in c) ?? 'attribute';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function fromRule(rule: unknown): ENode {
  if (isObject(rule)) {
    if (Array.isArray(rule.all) || Array.isArray(rule.any)) {
      const op = Array.isArray(rule.all) ? 'all' : 'any';
      return { id: newId(), negate: false, type: 'group', op, children: (rule[op] as unknown[]).map(fromRule) };
    }
    if ('not' in rule) {
      const inner = fromRule(rule.not);
      return { ...inner, negate: !inner.negate };
    }
    return { id: newId(), negate: false, type: 'cond', cond: rule };
  }
  return { id: newId(), negate: false, type: 'cond', cond: {} };
}

/** The root is always a group, so there is somewhere to add conditions. */
export function rootFromRule(rule: unknown): GroupNode {
  const n = rule === undefined ? undefined : fromRule(rule);
  if (n && n.type === 'group' && !n.negate) return n;
  return { id: newId(), negate: false, type: 'group', op: 'all', children: n ? [n] : [] };
}

export function toRule(node: ENode, paths?: Map<string, string>, path = 'rule'): unknown {
  const inner = node.negate ? `${path}.not` : path;
  paths?.set(path, node.id);
  paths?.set(inner, node.id);
  const body = node.type === 'group'
    ? { [node.op]: node.children.map((c, i) => toRule(c, paths, `${inner}.${node.op}[${i}]`)) }
    : node.cond;
  return node.negate ? { not: body } : body;
}

/** The node an error path names: the longest recorded path that starts it. */
export function nodeForPath(paths: Map<string, string>, errorPath: string): string | undefined {
  let best: string | undefined;
  let bestLen = -1;
  for (const [p, id] of paths) {
    const boundary = errorPath.length === p.length || errorPath[p.length] === '.' || errorPath[p.length] === '[';
    if (errorPath.startsWith(p) && boundary && p.length > bestLen) {
      best = id;
      bestLen = p.length;
    }
  }
  return best;
}

export function countConditions(node: ENode): { attribute: number; event: number } {
  if (node.type === 'cond') {
    const k = condKind(node.cond);
    return { attribute: k === 'attribute' ? 1 : 0, event: k === 'event' ? 1 : 0 };
  }
  return node.children.reduce((acc, c) => {
    const n = countConditions(c);
    return { attribute: acc.attribute + n.attribute, event: acc.event + n.event };
  }, { attribute: 0, event: 0 });
}

/** Replaces the node with this id (immutably). */
export function updateNode(root: ENode, id: string, fn: (n: ENode) => ENode | null): ENode | null {
  if (root.id === id) return fn(root);
  if (root.type !== 'group') return root;
  const children: ENode[] = [];
  let changed = false;
  for (const c of root.children) {
    const next = updateNode(c, id, fn);
    if (next !== c) changed = true;
    if (next) children.push(next);
  }
  return changed ? { ...root, children } : root;
}

// ---------- operators ----------

const EQUALITY = ['is', 'is_not', 'is_empty', 'is_not_empty'];
const COMPARE = ['lt', 'lte', 'gt', 'gte'];
const TEXT = ['starts_with', 'ends_with', 'contains', 'not_contains'];
const RELATIVE = ['was', 'was_within', 'was_more_than', 'will_be_in', 'will_be_within', 'will_be_more_than'];
const ABSOLUTE = ['before', 'until', 'since', 'after'];
const DATE = [...EQUALITY, ...COMPARE, ...ABSOLUTE, ...RELATIVE, 'anniversary_within'];

/** Which operators fit an attribute's type (the API refuses the others). */
export const OPS_BY_TYPE: Record<AttributeType, string[]> = {
  string: [...EQUALITY.slice(0, 2), ...TEXT, ...EQUALITY.slice(2)],
  number: [...EQUALITY.slice(0, 2), ...COMPARE, ...EQUALITY.slice(2)],
  boolean: EQUALITY,
  date: DATE,
  datetime: DATE,
};
/** Event properties have no schema: every operator is offered. */
export const PROPERTY_OPS = [...EQUALITY.slice(0, 2), ...COMPARE, ...TEXT, ...EQUALITY.slice(2), ...ABSOLUTE, ...RELATIVE];

export const OP_LABEL: Record<string, string> = {
  is: 'is', is_not: 'is not', is_empty: 'is empty', is_not_empty: 'is not empty',
  lt: '<', lte: '≤', gt: '>', gte: '≥', eq: '=',
  starts_with: 'starts with', ends_with: 'ends with', contains: 'contains', not_contains: 'does not contain',
  was: 'was exactly', was_within: 'was within the last', was_more_than: 'was more than',
  will_be_in: 'will be in exactly', will_be_within: 'will be within the next', will_be_more_than: 'will be more than',
  before: 'is before', until: 'is on or before', since: 'is on or after', after: 'is after',
  anniversary_within: 'anniversary within the next',
};

/** What operands an operator takes. */
export type OperandShape = 'none' | 'values' | 'value' | 'amount' | 'anniversary';
export function operandShape(op: string): OperandShape {
  if (op === 'is_empty' || op === 'is_not_empty') return 'none';
  if (op === 'is' || op === 'is_not') return 'values';
  if (RELATIVE.includes(op)) return 'amount';
  if (op === 'anniversary_within') return 'anniversary';
  return 'value';
}

export const COUNT_OPS = ['gte', 'gt', 'eq', 'lte', 'lt'];
export const TIME_OPS = ['any_time', 'within_last', 'before_last', 'between_last', 'after', 'before', 'between'] as const;
export const TIME_LABEL: Record<string, string> = {
  any_time: 'at any time', within_last: 'in the last', before_last: 'before the last', between_last: 'between … ago',
  after: 'after', before: 'before', between: 'between',
};
export const SPAN_UNITS = ['minute', 'hour', 'day', 'week', 'month'];
export const DAY_UNITS = ['day', 'week', 'month'];

/** The operands an operator keeps when it replaces another (so switching is < to ≥ keeps the value). */
export function withOp(c: Cond, op: string): Cond {
  const before = operandShape(String(c.op ?? ''));
  const after = operandShape(op);
  const { value, values, amount, unit, ...rest } = c;
  const next: Cond = { ...rest, op };
  if (after === 'values' || after === 'value') {
    if (before === 'values' || before === 'value') {
      const v = value ?? (Array.isArray(values) ? values[0] : undefined);
      if (after === 'values' && Array.isArray(values)) next.values = values;
      else next.value = v ?? '';
    } else next.value = '';
  }
  if (after === 'amount') Object.assign(next, { amount: typeof amount === 'number' ? amount : 7, unit: typeof unit === 'string' && DAY_UNITS.includes(unit) ? unit : 'day' });
  if (after === 'anniversary') Object.assign(next, { amount: typeof amount === 'number' ? amount : 7, unit: 'day' });
  return next;
}
