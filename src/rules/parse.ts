/**
 * parseRule: the JSON a segment is saved as → a validated, typed RuleNode (types.ts). The whole rule
 * and every segment it reaches are checked before anything runs; referenced segments are parsed once
 * and embedded in their segment nodes, so both evaluators can inline them.
 */
import type { AttributeType } from '../attributes/types.ts';
import { parseEvent } from './parse-event.ts';
import { at, fail, has, index, isObject, requireName, requireOneOf, type Raw } from './parse-fields.ts';
import { parseValueTest } from './parse-value-test.ts';
import { RULE_KINDS, type NodeOf, type RuleKind, type RuleNode } from './types.ts';

export interface ParseContext {
  /** The declared type of an attribute (standard or custom), undefined when undeclared (then it is a string). */
  attributeType(name: string): AttributeType | undefined;
  /** The saved rule (raw JSON) of another segment, undefined when there is no such segment. */
  segment(ref: string): unknown | undefined;
  /** The key of the segment being saved, if any, so that a reference back to it is reported as a cycle. */
  readonly self?: string;
}

/** At most this many conditions in one rule, counted through groups but not inside `where` or referenced segments. */
export const RULE_LIMITS = { attributes: 25, events: 5 } as const;

interface State {
  readonly ctx: ParseContext;
  /** Parsed referenced segments by key (each parsed once, then shared). */
  readonly segments: Map<string, RuleNode>;
  /** The chain of segment keys being parsed, to find cycles. */
  readonly chain: string[];
}
interface Counts { attributes: number; events: number }
type Parser<K extends RuleKind> = (raw: Raw, path: string, state: State, counts: Counts) => NodeOf<K>;

/** Parses and validates a rule; throws Errors.ruleInvalid whose message and path name the bad node. */
export function parseRule(raw: unknown, ctx: ParseContext): RuleNode {
  const state: State = { ctx, segments: new Map(), chain: ctx.self === undefined ? [] : [ctx.self] };
  return parseRoot(raw, '', state);
}

/** One saved rule: its conditions are counted against the limits on their own. */
function parseRoot(raw: unknown, path: string, state: State): RuleNode {
  const counts: Counts = { attributes: 0, events: 0 };
  const node = parseNode(raw, path, state, counts);
  if (counts.attributes > RULE_LIMITS.attributes) {
    fail(path, `too many attribute conditions: ${counts.attributes} (a rule may have at most ${RULE_LIMITS.attributes} attribute conditions)`);
  }
  if (counts.events > RULE_LIMITS.events) {
    fail(path, `too many event conditions: ${counts.events} (a rule may have at most ${RULE_LIMITS.events} event conditions)`);
  }
  return node;
}

function parseNode(raw: unknown, path: string, state: State, counts: Counts): RuleNode {
  if (!isObject(raw)) fail(path, `a rule must be an object with one of: ${RULE_KINDS.join(', ')}`);
  const kinds = RULE_KINDS.filter((k) => has(raw, k));
  if (kinds.length === 0) fail(path, `a rule needs one of: ${RULE_KINDS.join(', ')}`);
  if (kinds.length > 1) fail(path, `a node of ${kinds.length === 2 ? 'two' : kinds.length} kinds at once (${kinds.join(', ')}); give exactly one`);
  const kind = kinds[0]!;
  return (PARSERS[kind] as Parser<typeof kind>)(raw, path, state, counts);
}

function group<K extends 'all' | 'any'>(kind: K): Parser<K> {
  return (raw, path, state, counts) => {
    const p = at(path, kind);
    const list = raw[kind];
    if (!Array.isArray(list)) fail(p, `${kind} must be a list of rules`);
    const rules = Object.freeze(list.map((r, i) => parseNode(r, index(p, i), state, counts)));
    return Object.freeze({ kind, rules }) as NodeOf<K>;
  };
}

const PARSERS: { [K in RuleKind]: Parser<K> } = {
  all: group('all'),
  any: group('any'),
  not: (raw, path, state, counts) => Object.freeze({ kind: 'not', rule: parseNode(raw.not, at(path, 'not'), state, counts) }),

  attribute: (raw, path, state, counts) => {
    const attribute = requireName(raw, 'attribute', path, 'attribute name');
    // `age` is derived from birthdate and `birthdate` is always a date, whatever a schema says.
    const type: AttributeType =
      attribute === 'age' ? 'number' : attribute === 'birthdate' ? 'date' : (state.ctx.attributeType(attribute) ?? 'string');
    counts.attributes++;
    const { op, test } = parseValueTest(raw, path, { kind: 'attribute', name: attribute, type });
    return Object.freeze({ kind: 'attribute', attribute, type, ...(attribute === 'age' ? { derived: 'age' as const } : {}), op, test });
  },

  event: (raw, path, _state, counts) => {
    counts.events++;
    return parseEvent(raw, path);
  },

  tag: (raw, path) => Object.freeze({ kind: 'tag', tag: requireName(raw, 'tag', path, 'tag name') }),
  list: (raw, path) => Object.freeze({ kind: 'list', list: requireName(raw, 'list', path, 'list name') }),
  consent: (raw, path) =>
    Object.freeze({
      kind: 'consent',
      channel: requireName(raw, 'consent', path, 'consent channel'),
      status: requireOneOf(raw, 'status', path, ['subscribed', 'unsubscribed', 'none'], 'consent status'),
    }),
  dnc: (raw, path) => Object.freeze({ kind: 'dnc', channel: requireName(raw, 'dnc', path, 'channel') }),

  segment: (raw, path, state) => {
    const ref = requireName(raw, 'segment', path, 'segment key');
    const p = at(path, 'segment');
    const loop = state.chain.indexOf(ref);
    if (loop >= 0) fail(p, `segment reference cycle: ${[...state.chain.slice(loop), ref].join(' → ')}`);
    let rule = state.segments.get(ref);
    if (!rule) {
      const saved = state.ctx.segment(ref);
      if (saved === undefined) fail(p, `unknown segment "${ref}"`);
      state.chain.push(ref);
      rule = parseRoot(saved, `segments.${ref}`, state);
      state.chain.pop();
      state.segments.set(ref, rule);
    }
    return Object.freeze({ kind: 'segment', segment: ref, rule });
  },
};
