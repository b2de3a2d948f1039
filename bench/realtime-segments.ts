/**
 * The realtime bench's 100 segments over the segments bench dataset (bench/segments-data.ts): 30 on
 * attributes (6 on age and 2 birthday windows among them), 30 on event windows, 20 on tags and 20
 * nested (references to the others). Two of the event segments are the bench's probes.
 */
import { TAGS } from './segments-data.ts';

export const PROBE_EVENT = 'bench_probe';
export const TICK_EVENT = 'bench_tick';

export interface SegmentSpec {
  key: string;
  rule: unknown;
}

const CITIES = ['London', 'Paris', 'Berlin', 'Madrid', 'Los Angeles', 'Rome', 'Lisbon', 'Amsterdam', 'Lyon', 'Vienna'];
const within = (amount: number, unit = 'day') => ({ op: 'within_last', amount, unit });

export function benchSegments(): SegmentSpec[] {
  const out: SegmentSpec[] = [];
  const add = (key: string, rule: unknown) => out.push({ key, rule });
  // ---- 30 attribute segments
  for (const c of CITIES) add(`city ${c}`, { attribute: 'city', op: 'is', value: c });
  for (const p of ['Lo', 'Pa', 'Be', 'Ma', 'Li']) add(`city ${p}*`, { attribute: 'city', op: 'starts_with', value: p });
  for (const [a, b] of [[18, 24], [25, 34], [35, 44], [45, 54], [55, 64], [65, 80]] as const) {
    add(`age ${a}-${b}`, { all: [{ attribute: 'age', op: 'gte', value: a }, { attribute: 'age', op: 'lte', value: b }] });
  }
  add('birthday this week', { attribute: 'birthdate', op: 'anniversary_within', amount: 7, unit: 'day' });
  add('birthday this month', { attribute: 'birthdate', op: 'anniversary_within', amount: 30, unit: 'day' });
  for (const n of ['Ann', 'Bo', 'Cy', 'Di']) add(`first name ${n}`, { attribute: 'first_name', op: 'is', value: n });
  for (const n of ['Smith', 'Jones', 'Brown']) add(`last name ${n}`, { attribute: 'last_name', op: 'is', value: n });
  // ---- 30 event segments
  const names = ['page_view', 'screen_view', 'app_launch', 'product_view', 'search', 'add_to_cart'];
  for (const n of names) for (const d of [7, 30, 90]) add(`${n} in ${d} days`, { event: n, time: within(d) });
  for (const n of ['purchase', 'product_view', 'page_view']) add(`${n} ≥ 3 in 30 days`, { event: n, count: { op: 'gte', value: 3 }, time: within(30) });
  add('spent ≥ 200 in 90 days', { event: 'purchase', sum: { property: 'amount', op: 'gte', value: 200 }, time: within(90) });
  add('refund over 180 days ago', { event: 'refund', time: { op: 'before_last', amount: 180, unit: 'day' } });
  add('ticket over 180 days ago', { event: 'support_ticket', time: { op: 'before_last', amount: 180, unit: 'day' } });
  add('inactive mobile', { not: { event: 'app_launch', time: within(30) } });
  add('ever purchased', { event: 'purchase' });
  add('ever refunded', { event: 'refund' });
  add('email open 30-60 days ago', { event: 'email_open', time: { op: 'between_last', from: { amount: 30, unit: 'day' }, to: { amount: 60, unit: 'day' } } });
  add('probe', { event: PROBE_EVENT, time: within(1) });
  add('tick', { event: TICK_EVENT, time: within(1, 'minute') });
  // ---- 20 tag segments
  for (const t of TAGS.slice(0, 12)) add(`tag ${t}`, { tag: t });
  for (const t of TAGS.slice(12, 16)) add(`not tag ${t}`, { not: { tag: t } });
  for (const [t, c] of [['vip', 'London'], ['beta', 'Paris'], ['b2b', 'Berlin'], ['loyal', 'Madrid']] as const) {
    add(`tag ${t} in ${c}`, { all: [{ tag: t }, { attribute: 'city', op: 'is', value: c }] });
  }
  // ---- 20 nested segments (references by key, resolved to ids when inserted)
  const ref = (key: string) => ({ segment: `@${key}` });
  for (const [a, b] of [
    ['city London', 'purchase ≥ 3 in 30 days'], ['city Paris', 'app_launch in 30 days'], ['age 25-34', 'add_to_cart in 7 days'],
    ['age 35-44', 'spent ≥ 200 in 90 days'], ['tag vip', 'purchase ≥ 3 in 30 days'], ['tag beta', 'app_launch in 7 days'],
    ['birthday this month', 'ever purchased'], ['city Lo*', 'search in 30 days'], ['tag loyal', 'inactive mobile'], ['age 18-24', 'screen_view in 7 days'],
  ]) add(`${a} & ${b}`, { all: [ref(a!), ref(b!)] });
  for (const [a, b] of [['tag vip', 'spent ≥ 200 in 90 days'], ['city Berlin', 'city Madrid'], ['ever refunded', 'ticket over 180 days ago'], ['tag b2b', 'tag pro'], ['age 55-64', 'age 65-80']]) {
    add(`${a} | ${b}`, { any: [ref(a!), ref(b!)] });
  }
  for (const a of ['ever purchased', 'tag newsletter', 'app_launch in 90 days']) add(`not ${a}`, { not: ref(a) });
  add('vip buyers in London (2 levels)', { all: [ref('city London & purchase ≥ 3 in 30 days'), ref('tag vip')] });
  add('probe & not inactive', { all: [ref('probe'), { not: ref('inactive mobile') }] });
  if (out.length !== 100) throw new Error(`the bench defines ${out.length} segments, not 100`);
  return out;
}
