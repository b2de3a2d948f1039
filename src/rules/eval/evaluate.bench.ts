/**
 * In-memory evaluation speed: `npx tsx src/rules/eval/evaluate.bench.ts`. Prints CPU µs per call
 * for a few typical rules, over 2,000 profiles of synthetic facts, at one instant.
 */
import { parseRule } from '../parse.ts';
import { evaluate } from './evaluate.ts';
import { explain } from './explain.ts';
import type { EventFact, Facts } from './facts.ts';
import { nextChange } from './next-change.ts';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const ctx = { now: new Date(NOW), timezone: 'Asia/Tokyo' };
const types = { total_spent: 'number', last_seen: 'datetime', signup: 'date' } as const;
const parse = (raw: unknown) => parseRule(raw, { attributeType: (n) => types[n as keyof typeof types], segment: () => undefined });

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

function profile(events: number): Facts {
  const evs: EventFact[] = [];
  for (let i = 0; i < events; i++) {
    evs.push({ name: pick(['purchase', 'app_launch', 'page_view', 'email_open']), ts: NOW - Math.floor(rand() * 200 * 86_400_000), properties: { amount: Math.round(rand() * 200), category: pick(['shoes', 'hats']) } });
  }
  return {
    attributes: {
      city: pick(['London', 'Paris', 'Berlin']), total_spent: Math.round(rand() * 300), birthdate: `19${50 + Math.floor(rand() * 50)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
      last_seen: new Date(NOW - Math.floor(rand() * 30 * 86_400_000)).toISOString(), signup: '2026-03-01', interests: ['music', pick(['sports', 'art'])],
    },
    tags: new Set(rand() < 0.3 ? ['vip'] : []),
    lists: new Set(rand() < 0.5 ? ['newsletter'] : []),
    consent: rand() < 0.6 ? { email: 'subscribed' } : {},
    dnc: { all: false, channels: new Set() },
    events: evs,
  };
}

const rules: [string, unknown, number][] = [
  ['attribute is + tag', { all: [{ attribute: 'city', op: 'is', value: 'London' }, { tag: 'vip' }] }, 0],
  ['mixed (conformance case 75), 50 events', { all: [{ attribute: 'total_spent', op: 'gte', value: 100 }, { event: 'purchase', time: { op: 'within_last', amount: 90, unit: 'day' } }, { any: [{ tag: 'vip' }, { list: 'newsletter' }] }, { consent: 'email', status: 'subscribed' }] }, 50],
  ['dates: datetime was_within, age, anniversary (Tokyo)', { any: [{ attribute: 'last_seen', op: 'was_within', amount: 7, unit: 'day' }, { all: [{ attribute: 'age', op: 'gte', value: 30 }, { attribute: 'birthdate', op: 'anniversary_within', amount: 7, unit: 'day' }] }] }, 0],
  ['text ops on a list + not_contains', { all: [{ attribute: 'interests', op: 'contains', value: 'SPO' }, { attribute: 'city', op: 'not_contains', value: 'ber' }] }, 0],
  ['count + where, 1000 events', { event: 'purchase', count: { op: 'gte', value: 3 }, time: { op: 'within_last', amount: 30, unit: 'day' }, where: [{ property: 'amount', op: 'gt', value: 50 }, { property: 'category', op: 'is', value: 'shoes' }] }, 1000],
  ['sum over a month window, 1000 events', { event: 'purchase', sum: { property: 'amount', op: 'gte', value: 500 }, time: { op: 'within_last', amount: 1, unit: 'month' } }, 1000],
];

function time(label: string, n: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 2000); i++) fn(i); // warm up
  // CPU time of this process, so a busy machine does not inflate the figures much.
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / n;
  console.log(`${label.padEnd(60)} ${us.toFixed(2).padStart(9)} µs`);
}

for (const [label, raw, events] of rules) {
  const node = parse(raw);
  const profiles = Array.from({ length: 2000 }, () => profile(events));
  time(`evaluate: ${label}`, 200_000 / Math.max(1, events / 10), (i) => evaluate(node, profiles[i % profiles.length]!, ctx));
  time(`nextChange: ${label}`, 20_000 / Math.max(1, events / 10), (i) => nextChange(node, profiles[i % profiles.length]!, ctx));
}
const node = parse(rules[1]![1]);
const p = profile(50);
time('explain: mixed', 20_000, () => explain(node, p, ctx));
time('parse: mixed', 50_000, () => parse(rules[1]![1]));
