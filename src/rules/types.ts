/**
 * The parsed rule tree: frozen plain data, one `kind` per node. parse.ts builds it from the JSON a
 * segment is saved as (see shared/conformance/README.md); eval/ and sql/ read it. Operands are already
 * validated and typed, so neither evaluator re-checks them.
 */
import type { AttributeType } from '../attributes/types.ts';
import type { DayUnit } from './time/calendar.ts';

export type { DayUnit };
export type SpanUnit = 'minute' | 'hour' | 'day' | 'week' | 'month';

export const RELATIVE_DAY_OPS = ['was', 'was_within', 'was_more_than', 'will_be_in', 'will_be_within', 'will_be_more_than'] as const;
export type RelativeDayOp = (typeof RELATIVE_DAY_OPS)[number];
export const ABSOLUTE_DAY_OPS = ['before', 'until', 'since', 'after'] as const;
export type AbsoluteDayOp = (typeof ABSOLUTE_DAY_OPS)[number];
export const TEXT_OPS = ['starts_with', 'ends_with', 'contains', 'not_contains'] as const;
export type TextOp = (typeof TEXT_OPS)[number];
export const COMPARE_OPS = ['lt', 'lte', 'gt', 'gte'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export const VALUE_OPS = [
  'is', 'is_not', ...COMPARE_OPS, 'is_empty', 'is_not_empty', ...TEXT_OPS,
  ...RELATIVE_DAY_OPS, ...ABSOLUTE_DAY_OPS, 'anniversary_within',
] as const;
/** An operator of an attribute condition or a `where` property condition, as written. */
export type ValueOp = (typeof VALUE_OPS)[number];

export const COUNT_OPS = ['eq', 'lt', 'lte', 'gte', 'gt'] as const;
export type CountOp = (typeof COUNT_OPS)[number];

/** A typed operand. A `datetime` keeps the text as written: without an offset it is read in the workspace zone. */
export type Operand =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'date'; readonly value: string }
  | { readonly type: 'datetime'; readonly value: string };

/** Which calendar days a date value must fall on; both evaluators turn it into a DayRange (time/boundaries.ts). */
export type DaySpec =
  | { readonly kind: 'relative'; readonly op: RelativeDayOp; readonly amount: number; readonly unit: DayUnit }
  | { readonly kind: 'absolute'; readonly op: AbsoluteDayOp; readonly day: string };

/**
 * What a condition checks on one value, normalised from the operator. `negate` marks the operators
 * that are the negation of another (is_not, not_contains, is_not_empty), which is also why they hold
 * on a missing value. On a list, the positive test holds when any item passes.
 */
export type ValueTest =
  | { readonly kind: 'equals'; readonly negate: boolean; readonly operands: readonly Operand[] }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly operand: Extract<Operand, { type: 'number' | 'datetime' }> }
  | { readonly kind: 'days'; readonly spec: DaySpec }
  | { readonly kind: 'empty'; readonly negate: boolean }
  | { readonly kind: 'text'; readonly match: 'starts_with' | 'ends_with' | 'contains'; readonly negate: boolean; readonly text: string }
  | { readonly kind: 'anniversary'; readonly amount: number };
export type ValueTestKind = ValueTest['kind'];

export interface AllNode { readonly kind: 'all'; readonly rules: readonly RuleNode[] }
export interface AnyNode { readonly kind: 'any'; readonly rules: readonly RuleNode[] }
export interface NotNode { readonly kind: 'not'; readonly rule: RuleNode }

export interface AttributeNode {
  readonly kind: 'attribute';
  readonly attribute: string;
  /** The attribute's type as the rule saw it (undeclared: string; birthdate: date; age: number). */
  readonly type: AttributeType;
  /** 'age' is computed from birthdate at evaluation time; a stored `age` is ignored. */
  readonly derived?: 'age';
  readonly op: ValueOp;
  readonly test: ValueTest;
}

export interface PropertyCondition {
  readonly property: string;
  readonly op: ValueOp;
  readonly test: ValueTest;
}

export type Measure =
  | { readonly kind: 'count'; readonly op: CountOp; readonly value: number }
  | { readonly kind: 'sum'; readonly property: string; readonly op: CountOp; readonly value: number };

export interface Span { readonly amount: number; readonly unit: SpanUnit }

export type TimeWindow =
  | { readonly op: 'any_time' }
  | { readonly op: 'within_last' | 'before_last'; readonly amount: number; readonly unit: SpanUnit }
  | { readonly op: 'between_last'; readonly from: Span; readonly to: Span }
  | { readonly op: 'after' | 'before'; readonly value: string }
  | { readonly op: 'between'; readonly from: string; readonly to: string };

export interface EventNode {
  readonly kind: 'event';
  readonly event: string;
  readonly measure: Measure;
  readonly time: TimeWindow;
  readonly where: readonly PropertyCondition[];
}

export interface TagNode { readonly kind: 'tag'; readonly tag: string }
export interface ListNode { readonly kind: 'list'; readonly list: string }
/** A reference to a saved segment, with that segment's parsed rule embedded so evaluators can inline it. */
export interface SegmentNode { readonly kind: 'segment'; readonly segment: string; readonly rule: RuleNode }
export type ConsentStatus = 'subscribed' | 'unsubscribed' | 'none';
export interface ConsentNode { readonly kind: 'consent'; readonly channel: string; readonly status: ConsentStatus }
export interface DncNode { readonly kind: 'dnc'; readonly channel: string }

export type RuleNode =
  | AllNode | AnyNode | NotNode
  | AttributeNode | EventNode | TagNode | ListNode | SegmentNode | ConsentNode | DncNode;
export type RuleKind = RuleNode['kind'];
export type NodeOf<K extends RuleKind> = Extract<RuleNode, { kind: K }>;

/** The key that names each kind in the JSON form. */
export const RULE_KINDS: readonly RuleKind[] = ['all', 'any', 'not', 'attribute', 'event', 'tag', 'list', 'segment', 'consent', 'dnc'];
