/**
 * nextChange(node, facts, ctx): the earliest instant after `now` at which the rule's answer for this
 * profile could change with no new data, or null if it cannot. The real-time layer stores it as the
 * profile's due time and re-evaluates then (see ARCHITECTURE.md, "the next due instant").
 *
 * It is the earliest instant at which some condition's own input changes, computed with the boundary
 * math evaluate uses; each candidate is checked, so something really changes at the instant returned:
 * - a date condition that depends on today (was…, will_be…, anniversary_within, age): the local
 *   midnight starting the first day it flips for the stored value (eval/next-day-change.ts);
 * - an event condition: the first instant one of the profile's events of that name (passing `where`)
 *   enters or leaves the time window: within_last n leaves at ts + n + 1 ms (the bound is inclusive),
 *   before_last n enters at ts + n + 1 ms, between_last at ts + min and ts + max + 1 ms, month windows
 *   where the clamped calendar step crosses ts, and an event dated after now at its ts;
 * - a `where` with a date condition on today: the next local midnight (not checked).
 * Whether the whole rule flips there (a count may stay above its threshold, a group may not care) is
 * left to the re-evaluation, which then yields the next instant.
 */
import { addDays, daysFromCivil, shiftDay, splitDay } from '../time/calendar.ts';
import { localParts, localToInstant, startOfDay, MS } from '../time/zone.ts';
import { valueDay } from '../time/temporal.ts';
import { eventRange, inEventRange, timeEnv, type TimeEnv } from '../time/boundaries.ts';
import type { EventNode, NodeOf, RuleKind, RuleNode, Span, TimeWindow, ValueTest } from '../types.ts';
import { envFor } from './evaluate.ts';
import { eventsNamed } from './events.ts';
import { own, type EvalContext, type Facts } from './facts.ts';
import { compileValueTest, type ValuePredicate } from './value-test.ts';
import { nextAgeFlip, nextAnniversaryFlip, nextRelativeFlip } from './next-day-change.ts';

/**
 * The earliest candidate instant after now. Candidates for events are confirmed (the event really
 * enters or leaves its window there) only when they would be the earliest so far. A class rather than
 * closures: this runs per profile on the real-time path.
 */
class Earliest {
  best = Infinity;
  constructor(readonly env: TimeEnv) {}

  offer(ms: number): void {
    if (ms > this.env.nowMs && ms < this.best) this.best = ms;
  }

  /** An instant at which the event at `ts` may enter or leave `time`'s window. */
  offerCrossing(ms: number, ts: number, time: TimeWindow): void {
    if (ms > this.env.nowMs && ms < this.best && this.inside(ts, time, ms) !== this.inside(ts, time, ms - 1)) this.best = ms;
  }

  /** Whether the event at ts is in the window when now is `at` (the same math as evaluate). */
  private inside(ts: number, time: TimeWindow, at: number): boolean {
    const r = eventRange(time, timeEnv({ now: at, timezone: this.env.tz }));
    return r !== null && inEventRange(ts, r);
  }
}
type Finder<K extends RuleKind> = (node: NodeOf<K>, facts: Facts, out: Earliest) => void;

const dependsOnToday = (t: ValueTest): boolean => (t.kind === 'days' && t.spec.kind === 'relative') || t.kind === 'anniversary';

function visit(node: RuleNode, facts: Facts, out: Earliest): void {
  (FINDERS[node.kind] as Finder<RuleKind>)(node as never, facts, out);
}

const FINDERS: { [K in RuleKind]: Finder<K> } = {
  all: (n, f, out) => {
    for (const r of n.rules) visit(r, f, out);
  },
  any: (n, f, out) => {
    for (const r of n.rules) visit(r, f, out);
  },
  not: (n, f, out) => visit(n.rule, f, out),
  segment: (n, f, out) => visit(n.rule, f, out),
  tag: () => {},
  list: () => {},
  consent: () => {},
  dnc: () => {},
  attribute: (n, f, out) => {
    const day = attributeFlipDay(n, f, out.env);
    if (day !== undefined) out.offer(startOfDay(day, out.env.tz));
  },
  event: (n, f, out) => eventChanges(n, f, out),
};

const tests = new WeakMap<NodeOf<'attribute'>, ValuePredicate>();
function compiledTest(n: NodeOf<'attribute'>): ValuePredicate {
  let t = tests.get(n);
  if (!t) tests.set(n, (t = compileValueTest(n.test, false)));
  return t;
}

/** The first day the attribute condition flips on its own, for conditions that depend on today. */
function attributeFlipDay(n: NodeOf<'attribute'>, f: Facts, env: TimeEnv): string | undefined {
  if (n.derived === 'age') {
    const birth = valueDay(own(f.attributes, 'birthdate'), env.tz);
    if (birth === undefined) return undefined;
    const test = compiledTest(n);
    return nextAgeFlip(birth, env.today, (age) => test(age, env));
  }
  if (!dependsOnToday(n.test)) return undefined;
  const day = valueDay(own(f.attributes, n.attribute), env.tz);
  if (day === undefined) return undefined;
  const t = n.test;
  if (t.kind === 'anniversary') return nextAnniversaryFlip(t.amount, day, env.today);
  if (t.kind === 'days' && t.spec.kind === 'relative') return nextRelativeFlip(t.spec, day, env.today);
  return undefined;
}

/**
 * Instants at which now − months (the local calendar step, day clamped) can cross ts. The cutoff's day
 * is clamp(day(now) − months): it reaches ts's day D from about D + months on, may stay on D over
 * several clamped month-end days, and jumps at midnights. So on a day whose cutoff day is D the
 * crossing is at ts's time of day (and the midnight may jump back over ts), and a day whose cutoff
 * day passes D from the day before crosses at its midnight. The caller confirms each instant.
 */
function monthCrossings(ts: number, months: number, time: TimeWindow, out: Earliest): void {
  const tz = out.env.tz;
  const { day, msOfDay } = localParts(ts, tz);
  const landing = shiftDay(day, months, 'month');
  let before = shiftDay(addDays(landing, -2), -months, 'month');
  for (let k = -1; k <= 4; k++) {
    const d = addDays(landing, k);
    const target = shiftDay(d, -months, 'month');
    if (target === day || (before <= day) !== (target <= day) || (before < day) !== (target < day)) out.offerCrossing(startOfDay(d, tz), ts, time);
    if (target === day) {
      const at = localToInstant(daysFromCivil(...splitDay(d)) * MS.DAY + msOfDay, tz);
      out.offerCrossing(at, ts, time);
      out.offerCrossing(at + 1, ts, time);
    }
    before = target;
  }
}

const FIXED_MS = { minute: MS.MINUTE, hour: MS.HOUR, day: MS.DAY, week: MS.WEEK } as const;

/** Candidate instants at which now − span crosses ts (an inclusive bound flips at the edge, a strict one 1 ms later). */
function spanCrossings(ts: number, span: Span, time: TimeWindow, out: Earliest): void {
  if (span.unit === 'month') return monthCrossings(ts, span.amount, time, out);
  const edge = ts + span.amount * FIXED_MS[span.unit];
  out.offerCrossing(edge, ts, time);
  out.offerCrossing(edge + 1, ts, time);
}

/** How far from ts the crossings of a span can lie (months: 28…31 days, plus clamp and zone slack). */
function reach(s: Span, longest: boolean): number {
  if (s.unit === 'month') return s.amount * (longest ? 31 : 28) * MS.DAY + (longest ? 6 : -3) * MS.DAY;
  return s.amount * FIXED_MS[s.unit] + (longest ? 1 : 0);
}

/** What next-change needs of an event condition, prepared once per node. */
interface EventPlan {
  readonly where: readonly { readonly key: string; readonly test: ValuePredicate }[];
  /** A `where` depends on today, so it may flip at midnight. */
  readonly timed: boolean;
  readonly spans: readonly Span[];
  /** Every crossing of an event at ts lies within [ts + earliest, ts + latest]. */
  readonly earliest: number;
  readonly latest: number;
}

const plans = new WeakMap<EventNode, EventPlan>();
function planFor(n: EventNode): EventPlan {
  let plan = plans.get(n);
  if (!plan) {
    const time = n.time;
    const spans = time.op === 'within_last' || time.op === 'before_last' ? [time] : time.op === 'between_last' ? [time.from, time.to] : [];
    plan = {
      where: n.where.map((w) => ({ key: w.property, test: compileValueTest(w.test, true) })),
      timed: n.where.some((w) => dependsOnToday(w.test)),
      spans,
      earliest: Math.min(0, ...spans.map((s) => reach(s, false))),
      latest: Math.max(0, ...spans.map((s) => reach(s, true))),
    };
    plans.set(n, plan);
  }
  return plan;
}

function eventChanges(n: EventNode, f: Facts, out: Earliest): void {
  const events = eventsNamed(f, n.event);
  if (events.length === 0) return;
  const env = out.env;
  const plan = planFor(n);
  // Where conditions fixed in time are applied now; one that depends on today may flip at midnight.
  if (plan.timed) out.offer(startOfDay(addDays(env.today, 1), env.tz));
  for (const e of events) {
    // Skip events whose crossings all lie before now, or after the best instant so far.
    if (e.ts + plan.latest <= env.nowMs || e.ts + plan.earliest >= out.best) continue;
    if (!plan.timed && !plan.where.every((w) => w.test(own(e.properties, w.key), env))) continue;
    out.offerCrossing(e.ts, e.ts, n.time); // an event dated after now counts from its ts
    for (const span of plan.spans) spanCrossings(e.ts, span, n.time, out);
  }
}

export function nextChange(node: RuleNode, facts: Facts, ctx: EvalContext): Date | null {
  const out = new Earliest(envFor(ctx));
  visit(node, facts, out);
  return out.best === Infinity ? null : new Date(out.best);
}

