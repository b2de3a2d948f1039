import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRule } from '../parse.ts';
import type { RuleNode } from '../types.ts';
import { evaluate } from './evaluate.ts';
import { eventsToLoad } from './events-to-load.ts';
import { addDays } from '../time/calendar.ts';
import { localDay, startOfDay } from '../time/zone.ts';
import type { EventFact, Facts } from './facts.ts';
import { nextChange } from './next-change.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function facts(p: { attributes?: Record<string, unknown>; events?: EventFact[] } = {}): Facts {
  return { attributes: p.attributes ?? {}, tags: new Set(), lists: new Set(), consent: {}, dnc: { all: false, channels: new Set() }, events: p.events ?? [] };
}
const rule = (raw: unknown): RuleNode => parseRule(raw, { attributeType: (n) => ({ signup: 'date', seen: 'datetime' } as const)[n as 'signup'], segment: () => undefined });
const ev = (name: string, ts: string, properties: Record<string, unknown> = {}): EventFact => ({ name, ts: Date.parse(ts), properties });

/**
 * Checks nextChange against brute force: the answer stays the same at every sampled instant before
 * the returned one (every 10 minutes, plus around each event's window edges), and differs at it
 * when `flips` says so.
 */
function check(p: { node: RuleNode; facts: Facts; now: string; timezone: string; expect: string | null; flips?: boolean; horizonDays?: number }): void {
  const now = new Date(p.now);
  const at = (ms: number) => evaluate(p.node, p.facts, { now: new Date(ms), timezone: p.timezone });
  const got = nextChange(p.node, p.facts, { now, timezone: p.timezone });
  assert.equal(got?.toISOString() ?? null, p.expect);
  const start = now.getTime();
  const end = got ? got.getTime() : start + (p.horizonDays ?? 60) * DAY;
  const samples = new Set<number>();
  for (let t = start; t < end; t += 10 * 60_000) samples.add(t);
  for (const e of p.facts.events) for (let k = 0; k <= 95; k++) for (const d of [-1, 0, 1]) samples.add(e.ts + k * DAY + d); // ts's time of day, daily
  for (let d = localDay(start, p.timezone); startOfDay(d, p.timezone) < end; d = addDays(d, 1)) {
    for (const x of [-1, 0, 1]) samples.add(startOfDay(d, p.timezone) + x); // local midnights
  }
  const before = at(start);
  for (const t of samples) if (t >= start && t < end) assert.equal(at(t), before, `changed at ${new Date(t).toISOString()}, before ${p.expect}`);
  if (got && p.flips !== false) assert.notEqual(at(got.getTime()), before, 'the answer flips at the instant returned');
}

describe('nextChange', () => {
  test('within_last: an event leaves the window just after ts + n', () => {
    check({ node: rule({ event: 'buy', time: { op: 'within_last', amount: 7, unit: 'day' } }), facts: facts({ events: [ev('buy', '2026-03-12T08:00:00Z')] }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-19T08:00:00.001Z' });
  });

  test('before_last: an event enters just after ts + n; count thresholds use every event', () => {
    const events = [ev('buy', '2026-03-12T08:00:00Z'), ev('buy', '2026-03-13T08:00:00Z')];
    const node = rule({ event: 'buy', count: { op: 'gte', value: 2 }, time: { op: 'before_last', amount: 2, unit: 'day' } });
    check({ node, facts: facts({ events }), now: '2026-03-14T12:00:00Z', timezone: 'UTC', expect: '2026-03-15T08:00:00.001Z' });
    check({ node, facts: facts({ events }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: null, horizonDays: 5 });
  });

  test('a count that stays above its threshold: the instant an event leaves, though the answer holds', () => {
    const events = [ev('buy', '2026-03-14T14:00:00Z'), ev('buy', '2026-03-15T08:00:00Z')];
    check({ node: rule({ event: 'buy', count: { op: 'gte', value: 1 }, time: { op: 'within_last', amount: 1, unit: 'day' } }), facts: facts({ events }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-15T14:00:00.001Z', flips: false });
  });

  test('an event dated after now starts to count at its ts', () => {
    check({ node: rule({ event: 'buy' }), facts: facts({ events: [ev('buy', '2026-03-20T00:00:00Z')] }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-20T00:00:00.000Z' });
  });

  test('between_last: enters at ts + min (inclusive), leaves just after ts + max', () => {
    const node = rule({ event: 'buy', time: { op: 'between_last', from: { amount: 1, unit: 'day' }, to: { amount: 2, unit: 'day' } } });
    check({ node, facts: facts({ events: [ev('buy', '2026-03-15T06:00:00Z')] }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-16T06:00:00.000Z' });
    check({ node, facts: facts({ events: [ev('buy', '2026-03-14T06:00:00Z')] }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-16T06:00:00.001Z' });
  });

  test('month windows: the clamped calendar step, including the days it holds still at a month end', () => {
    const node = rule({ event: 'buy', time: { op: 'within_last', amount: 1, unit: 'month' } });
    const f = facts({ events: [ev('buy', '2026-02-28T10:00:00Z')] });
    check({ node, facts: f, now: '2026-03-27T12:00:00Z', timezone: 'UTC', expect: '2026-03-28T10:00:00.001Z' });
    // Mar 29 − 1 month clamps to Feb 28, so at midnight the cutoff jumps back and the event is in again.
    check({ node, facts: f, now: '2026-03-28T12:00:00Z', timezone: 'UTC', expect: '2026-03-29T00:00:00.000Z' });
    check({ node, facts: facts({ events: [ev('buy', '2026-03-01T13:30:00Z')] }), now: '2026-03-25T12:00:00Z', timezone: 'America/New_York', expect: '2026-04-01T12:30:00.001Z' });
  });

  test('month windows, brute force over many instants and zones', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const windows = [
      { op: 'within_last', amount: 1, unit: 'month' },
      { op: 'before_last', amount: 2, unit: 'month' },
      { op: 'between_last', from: { amount: 1, unit: 'month' }, to: { amount: 10, unit: 'day' } },
    ];
    for (let i = 0; i < 24; i++) {
      const timezone = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'][i % 4]!;
      const ts = Date.parse('2026-01-20T00:00:00Z') + Math.floor(rand() * 60 * DAY);
      const now = new Date(ts + Math.floor(rand() * 40 * DAY)).toISOString();
      const node = rule({ event: 'buy', time: windows[i % 3] });
      const f = facts({ events: [{ name: 'buy', ts, properties: {} }] });
      const expect = nextChange(node, f, { now: new Date(now), timezone })?.toISOString() ?? null;
      check({ node, facts: f, now, timezone, expect, horizonDays: 70 });
    }
  });

  test('date conditions, brute force over many values, instants and zones', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ops = [
      { attribute: 'signup', op: 'was', amount: 1, unit: 'month' },
      { attribute: 'signup', op: 'was_within', amount: 2, unit: 'week' },
      { attribute: 'signup', op: 'was_more_than', amount: 1, unit: 'month' },
      { attribute: 'signup', op: 'will_be_in', amount: 1, unit: 'month' },
      { attribute: 'signup', op: 'will_be_within', amount: 3, unit: 'day' },
      { attribute: 'signup', op: 'will_be_more_than', amount: 1, unit: 'month' },
      { attribute: 'birthdate', op: 'anniversary_within', amount: 10, unit: 'day' },
      { attribute: 'age', op: 'lt', value: 26 },
    ];
    for (let i = 0; i < 32; i++) {
      const timezone = ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Pacific/Kiritimati'][i % 4]!;
      const day = new Date(Date.parse('2026-01-01T00:00:00Z') + Math.floor(rand() * 120) * DAY).toISOString().slice(0, 10);
      const raw = ops[i % ops.length]!;
      const value = raw.attribute === 'signup' ? day : `2000${day.slice(4)}`;
      const now = new Date(Date.parse('2026-01-01T00:00:00Z') + Math.floor(rand() * 120 * DAY)).toISOString();
      const node = rule(raw);
      const f = facts({ attributes: { [raw.attribute === 'age' ? 'birthdate' : raw.attribute]: value } });
      const expect = nextChange(node, f, { now: new Date(now), timezone })?.toISOString() ?? null;
      check({ node, facts: f, now, timezone, expect, horizonDays: 120 });
    }
  });

  test('relative dates flip at the local midnight of the first day they change (Tokyo)', () => {
    const node = rule({ attribute: 'signup', op: 'was_within', amount: 7, unit: 'day' });
    check({ node, facts: facts({ attributes: { signup: '2026-03-12' } }), now: '2026-03-15T12:00:00Z', timezone: 'Asia/Tokyo', expect: '2026-03-19T15:00:00.000Z' });
    check({ node, facts: facts({ attributes: { signup: '2026-03-20' } }), now: '2026-03-15T12:00:00Z', timezone: 'Asia/Tokyo', expect: '2026-03-19T15:00:00.000Z' });
    const month = rule({ attribute: 'signup', op: 'was', amount: 1, unit: 'month' });
    check({ node: month, facts: facts({ attributes: { signup: '2026-02-28' } }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-28T00:00:00.000Z' });
    check({ node: month, facts: facts({ attributes: { signup: '2026-02-28' } }), now: '2026-03-28T12:00:00Z', timezone: 'UTC', expect: '2026-04-01T00:00:00.000Z' });
    const datetime = rule({ attribute: 'seen', op: 'was_more_than', amount: 2, unit: 'day' });
    check({ node: datetime, facts: facts({ attributes: { seen: '2026-03-15T16:00:00.000Z' } }), now: '2026-03-15T20:00:00Z', timezone: 'Asia/Tokyo', expect: '2026-03-18T15:00:00.000Z' });
  });

  test('anniversaries enter n days before and leave the day after', () => {
    const node = rule({ attribute: 'birthdate', op: 'anniversary_within', amount: 7, unit: 'day' });
    check({ node, facts: facts({ attributes: { birthdate: '1990-03-30' } }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-23T00:00:00.000Z' });
    check({ node, facts: facts({ attributes: { birthdate: '1990-03-16' } }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-17T00:00:00.000Z' });
    check({ node, facts: facts({ attributes: { birthdate: '2000-02-29' } }), now: '2027-02-10T12:00:00Z', timezone: 'UTC', expect: '2027-02-21T00:00:00.000Z' });
  });

  test('age changes on the birthday that crosses the threshold (28 February for 29 February in common years)', () => {
    const node = rule({ attribute: 'age', op: 'gte', value: 18 });
    check({ node, facts: facts({ attributes: { birthdate: '2009-02-28' } }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2027-02-28T00:00:00.000Z', horizonDays: 1 });
    check({ node, facts: facts({ attributes: { birthdate: '2008-02-29' } }), now: '2026-02-27T12:00:00Z', timezone: 'Europe/Paris', expect: '2026-02-27T23:00:00.000Z' });
    check({ node: rule({ attribute: 'age', op: 'is', value: 30 }), facts: facts({ attributes: { birthdate: '2000-06-01' } }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2030-06-01T00:00:00.000Z', horizonDays: 1 });
  });

  test('nothing time-dependent, or nothing to move: null', () => {
    check({ node: rule({ attribute: 'city', op: 'is', value: 'x' }), facts: facts(), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: null, horizonDays: 2 });
    check({ node: rule({ attribute: 'signup', op: 'was', amount: 1, unit: 'day' }), facts: facts(), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: null, horizonDays: 2 });
    check({ node: rule({ event: 'buy', time: { op: 'within_last', amount: 1, unit: 'day' } }), facts: facts({ events: [ev('view', '2026-03-15T00:00:00Z')] }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: null, horizonDays: 3 });
  });

  test('the earliest over all conditions, under groups and not', () => {
    const node = rule({ any: [{ not: { event: 'buy', time: { op: 'within_last', amount: 1, unit: 'day' } } }, { attribute: 'signup', op: 'will_be_in', amount: 1, unit: 'day' }] });
    check({ node, facts: facts({ attributes: { signup: '2026-03-18' }, events: [ev('buy', '2026-03-15T10:00:00Z')] }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-16T10:00:00.001Z' });
  });

  test('a where on today\'s date may change at the next local midnight', () => {
    const node = rule({ event: 'ship', where: [{ property: 'due', op: 'will_be_within', amount: 1, unit: 'day' }] });
    check({ node, facts: facts({ events: [ev('ship', '2026-03-10T00:00:00Z', { due: '2026-03-20' })] }), now: '2026-03-15T12:00:00Z', timezone: 'UTC', expect: '2026-03-16T00:00:00.000Z', flips: false });
  });
});

describe('eventsToLoad', () => {
  test('the earliest ts each event name needs, null for the whole history', () => {
    const node = rule({ all: [
      { event: 'buy', time: { op: 'within_last', amount: 7, unit: 'day' } },
      { any: [{ event: 'buy', time: { op: 'within_last', amount: 30, unit: 'day' } }, { event: 'open', time: { op: 'before_last', amount: 1, unit: 'day' } }] },
      { event: 'view', time: { op: 'within_last', amount: 1, unit: 'month' } },
    ] });
    const got = eventsToLoad(node, { now: new Date('2026-03-15T12:00:00Z'), timezone: 'UTC' });
    assert.deepEqual(Object.fromEntries([...got].map(([k, v]) => [k, v?.toISOString() ?? null])), {
      buy: '2026-02-13T12:00:00.000Z', open: null, view: '2026-02-11T12:00:00.000Z',
    });
  });
});
