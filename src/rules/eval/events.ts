/**
 * Event conditions in memory: the profile's events of one name that fall in the time window and pass
 * every `where`, counted or summed. The window comes from time/boundaries.ts, as in the SQL.
 */
import { eventRange, type EventRange, type TimeEnv } from '../time/boundaries.ts';
import type { EventNode } from '../types.ts';
import { holds, sumHolds } from './decimal.ts';
import { own, type EventFact, type Facts } from './facts.ts';
import { compileValueTest, perEnv, type ValuePredicate } from './value-test.ts';

const byName = new WeakMap<ReadonlyArray<EventFact>, Map<string, EventFact[]>>();

/** The facts' events of one name, oldest first (grouped once per events array, then shared by every condition). */
export function eventsNamed(facts: Facts, name: string): readonly EventFact[] {
  let groups = byName.get(facts.events);
  if (!groups) {
    groups = new Map();
    for (const e of facts.events) {
      const g = groups.get(e.name);
      if (g) g.push(e);
      else groups.set(e.name, [e]);
    }
    for (const g of groups.values()) g.sort((a, b) => a.ts - b.ts);
    byName.set(facts.events, groups);
  }
  return groups.get(name) ?? [];
}

/** First index (events sorted by ts) past a bound: ts > ms when `strict`, else ts >= ms. Binary search, so long histories stay cheap. */
function firstAfter(events: readonly EventFact[], ms: number, strict: boolean): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const ts = events[mid]!.ts;
    if (strict ? ts > ms : ts >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface EventMeasure {
  /** Events of that name in the window passing every `where`. */
  readonly matched: readonly EventFact[];
  /** The count, or the sum of the property (non-numbers add 0). */
  readonly value: number;
  readonly holds: boolean;
}

/** The numeric values of a property over events; anything else (missing, text, true, lists) adds 0. */
function numbersOf(events: readonly EventFact[], property: string): number[] {
  const out: number[] = [];
  for (const e of events) {
    const v = own(e.properties, property);
    if (typeof v === 'number') out.push(v);
  }
  return out;
}

export interface CompiledEvent {
  /** Whether the condition holds (the hot path: counts without collecting). */
  readonly holds: (facts: Facts, env: TimeEnv) => boolean;
  /** The same, with what it saw (for explain and next-change). */
  readonly measure: (facts: Facts, env: TimeEnv) => EventMeasure;
}

export function compileEvent(node: EventNode): CompiledEvent {
  const where: ValuePredicate[] = node.where.map((w) => compileValueTest(w.test, true));
  const keys = node.where.map((w) => w.property);
  const range = perEnv<EventRange | null>((env) => eventRange(node.time, env));
  const m = node.measure;

  /** Indices of the events of that name in the window passing every `where`, written to `hits`. */
  function scan(facts: Facts, env: TimeEnv, hits: EventFact[] | null): number {
    const r = range(env);
    if (!r) return 0;
    const events = eventsNamed(facts, node.event);
    const to = firstAfter(events, r.hi.ms, r.hi.inclusive);
    let n = 0;
    next: for (let i = r.lo ? firstAfter(events, r.lo.ms, !r.lo.inclusive) : 0; i < to; i++) {
      const e = events[i]!;
      for (let w = 0; w < where.length; w++) if (!where[w]!(own(e.properties, keys[w]!), env)) continue next;
      n++;
      if (hits) hits.push(e);
    }
    return n;
  }

  function measure(facts: Facts, env: TimeEnv): EventMeasure {
    const matched: EventFact[] = [];
    scan(facts, env, matched);
    if (m.kind === 'count') return { matched, value: matched.length, holds: holds(m.op, matched.length, m.value) };
    const amounts = numbersOf(matched, m.property);
    return { matched, value: amounts.reduce((a, b) => a + b, 0), holds: sumHolds(amounts, m.op, m.value) };
  }

  if (m.kind === 'sum') return { measure, holds: (facts, env) => measure(facts, env).holds };
  return { measure, holds: (facts, env) => holds(m.op, scan(facts, env, null), m.value) };
}
