import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DaySpec } from '../types.ts';
import { ageOn, anniversaryWindow, cutoff, dayRange, eventRange, inAnniversaryWindow, timeEnv } from './boundaries.ts';
import { addMonths, civilFromDays, daysFromCivil, dayToNum, numToDay, shiftDay } from './calendar.ts';
import { parseTemporal, temporalDay, temporalInstant, valueDay } from './temporal.ts';
import { localDay, localToInstant, offsetAt, startOfDay } from './zone.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar', () => {
  test('day numbers round-trip over four centuries', () => {
    for (let n = dayToNum('1900-01-01'); n <= dayToNum('2300-12-31'); n += 7) {
      const [y, m, d] = civilFromDays(n);
      assert.equal(daysFromCivil(y, m, d), n);
    }
    assert.equal(numToDay(0), '1970-01-01');
    assert.equal(numToDay(dayToNum('2024-02-29') + 1), '2024-03-01');
  });

  test('month steps keep the day, clamped to the month end', () => {
    assert.equal(addMonths('2026-03-31', -1), '2026-02-28');
    assert.equal(addMonths('2028-03-31', -1), '2028-02-29');
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2026-01-15', -2), '2025-11-15');
    assert.equal(addMonths('2025-12-31', 14), '2027-02-28');
    assert.equal(shiftDay('2026-03-15', -2, 'week'), '2026-03-01');
  });
});

describe('zones', () => {
  test('the local day of an instant', () => {
    assert.equal(localDay(Date.parse('2026-03-15T15:00:00Z'), 'Asia/Tokyo'), '2026-03-16');
    assert.equal(localDay(Date.parse('2026-03-15T02:00:00Z'), 'America/Los_Angeles'), '2026-03-14');
    assert.equal(localDay(Date.parse('2026-03-15T10:30:00Z'), 'Pacific/Kiritimati'), '2026-03-16');
    assert.equal(offsetAt(Date.parse('2026-07-01T00:00:00Z'), 'Asia/Kathmandu'), (5 * 60 + 45) * 60_000);
  });

  test('skipped and repeated wall-clock times resolve to the later reading, as PostgreSQL does', () => {
    const local = (s: string) => Date.parse(`${s}Z`);
    assert.equal(iso(localToInstant(local('2026-03-08T02:30:00'), 'America/New_York')), '2026-03-08T07:30:00.000Z');
    assert.equal(iso(localToInstant(local('2026-11-01T01:30:00'), 'America/New_York')), '2026-11-01T06:30:00.000Z');
    assert.equal(iso(localToInstant(local('2026-04-05T02:30:00'), 'Australia/Sydney')), '2026-04-04T16:30:00.000Z');
    assert.equal(iso(localToInstant(local('2026-07-01T12:00:00'), 'Europe/Berlin')), '2026-07-01T10:00:00.000Z');
  });

  test('a day whose midnight is skipped starts at the first instant that exists (Santiago)', () => {
    assert.equal(iso(startOfDay('2026-09-06', 'America/Santiago')), '2026-09-06T04:00:00.000Z');
    assert.equal(localDay(startOfDay('2026-09-06', 'America/Santiago'), 'America/Santiago'), '2026-09-06');
  });
});

describe('temporal strings', () => {
  test('the strict grammar', () => {
    for (const ok of ['2026-03-01', '2024-02-29', '2026-03-01T10:00', '2026-03-01 10:00:59.123456789', '2026-03-01T10:00Z', '2026-03-01T10:00+0530', '2026-03-01T10:00-05', '2026-03-01T10:00:00+05:30']) {
      assert.ok(parseTemporal(ok), ok);
    }
    for (const bad of ['2026-02-29', '2026-02-30', '2026-04-31', '0000-01-01', '2026-3-1', '2026-03-01T24:00', '2026-03-01T10:60', '2026-03-01Z', ' 2026-03-01', '2026-03-01t10:00', 'soon', '']) {
      assert.equal(parseTemporal(bad), undefined, bad);
    }
  });

  test('a day is as written unless an offset is given; then it is the day in the zone', () => {
    assert.equal(valueDay('2026-03-15T23:30:00', 'Asia/Tokyo'), '2026-03-15');
    assert.equal(valueDay('2026-03-15T23:30:00Z', 'Asia/Tokyo'), '2026-03-16');
    assert.equal(valueDay('2026-03-10T23:30:00-05:00', 'UTC'), '2026-03-11');
    assert.equal(valueDay(20260310, 'UTC'), undefined);
    const t = parseTemporal('2026-03-01T10:00:00.0005Z')!;
    assert.equal(temporalInstant(t, 'UTC'), Date.parse('2026-03-01T10:00:00Z') + 0.5);
    assert.equal(temporalDay(parseTemporal('2026-03-01')!, 'Asia/Tokyo'), '2026-03-01');
  });
});

describe('boundaries', () => {
  const relative = (op: Extract<DaySpec, { kind: 'relative' }>['op'], amount: number, unit: 'day' | 'week' | 'month'): DaySpec => ({ kind: 'relative', op, amount, unit });
  test('day ranges of the date operators', () => {
    const T = '2026-03-31';
    assert.deepEqual(dayRange(relative('was', 1, 'month'), T), { from: '2026-02-28', to: '2026-02-28' });
    assert.deepEqual(dayRange(relative('was_within', 1, 'month'), T), { from: '2026-02-28', to: T });
    assert.deepEqual(dayRange(relative('was_more_than', 1, 'month'), T), { to: '2026-02-27' });
    assert.deepEqual(dayRange(relative('will_be_in', 2, 'week'), T), { from: '2026-04-14', to: '2026-04-14' });
    assert.deepEqual(dayRange(relative('will_be_within', 1, 'day'), T), { from: T, to: '2026-04-01' });
    assert.deepEqual(dayRange(relative('will_be_more_than', 1, 'month'), T), { from: '2026-05-01' });
    assert.deepEqual(dayRange({ kind: 'absolute', op: 'before', day: '2026-03-01' }, T), { to: '2026-02-28' });
    assert.deepEqual(dayRange({ kind: 'absolute', op: 'after', day: '2026-02-28' }, T), { from: '2026-03-01' });
  });

  test('anniversary windows: wrapping, and 29 February on 28 February in common years', () => {
    const w = anniversaryWindow('2026-12-28', 7);
    assert.deepEqual(w, { all: false, from: '12-28', to: '01-04', wraps: true, leapDay: false });
    assert.ok(inAnniversaryWindow('01-03', w) && !inAnniversaryWindow('12-27', w));
    assert.equal(inAnniversaryWindow('02-29', anniversaryWindow('2027-02-28', 0)), true);
    assert.equal(inAnniversaryWindow('02-29', anniversaryWindow('2026-02-20', 7)), false);
    assert.equal(inAnniversaryWindow('02-29', anniversaryWindow('2028-02-28', 0)), false);
    assert.equal(inAnniversaryWindow('02-28', anniversaryWindow('2028-02-29', 364)), false); // Feb 29 2028 ..= Feb 27 2029
    assert.equal(anniversaryWindow('2026-01-01', 365).all, true);
  });

  test('age goes up on the birthday, and on 28 February for a 29 February birthday in common years', () => {
    assert.equal(ageOn('2000-03-15', '2026-03-15'), 26);
    assert.equal(ageOn('2000-03-16', '2026-03-15'), 25);
    assert.equal(ageOn('2000-02-29', '2027-02-27'), 26);
    assert.equal(ageOn('2000-02-29', '2027-02-28'), 27);
    assert.equal(ageOn('2000-02-29', '2028-02-28'), 27);
    assert.equal(ageOn('2000-02-29', '2028-02-29'), 28);
  });

  test('event cutoffs: fixed lengths, and months stepping the local calendar', () => {
    const env = timeEnv({ now: new Date('2026-04-01T12:00:00Z'), timezone: 'America/New_York' });
    assert.equal(iso(cutoff(env, 90, 'minute')), '2026-04-01T10:30:00.000Z');
    assert.equal(iso(cutoff(env, 1, 'day')), '2026-03-31T12:00:00.000Z');
    assert.equal(iso(cutoff(env, 1, 'month')), '2026-03-01T13:00:00.000Z'); // 08:00 EDT → 08:00 EST
    const clamp = timeEnv({ now: new Date('2026-03-31T12:00:00Z'), timezone: 'UTC' });
    assert.equal(iso(cutoff(clamp, 1, 'month')), '2026-02-28T12:00:00.000Z');
  });

  test('event ranges never pass now, and are null when empty', () => {
    const env = timeEnv({ now: new Date('2026-03-15T12:00:00Z'), timezone: 'UTC' });
    assert.deepEqual(eventRange({ op: 'before', value: '2026-04-01T00:00:00Z' }, env), { hi: { ms: env.nowMs, inclusive: true } });
    assert.equal(eventRange({ op: 'after', value: '2026-03-15T12:00:00Z' }, env), null);
    assert.equal(eventRange({ op: 'between', from: '2026-03-10T00:00:00Z', to: '2026-03-01T00:00:00Z' }, env), null);
    const r = eventRange({ op: 'between_last', from: { amount: 7, unit: 'day' }, to: { amount: 14, unit: 'day' } }, env)!;
    assert.equal(iso(r.lo!.ms), '2026-03-01T12:00:00.000Z');
    assert.equal(iso(r.hi.ms), '2026-03-08T12:00:00.000Z');
  });
});
