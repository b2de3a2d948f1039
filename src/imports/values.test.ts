import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ColumnTally } from './columns.ts';
import { classifyDate, defaultDateOrder, parseDatetimeValue, parseDateValue } from './dates.ts';
import { parseMapSpec, parseTarget } from './mapping.ts';
import { parseNumber } from './values.ts';

test('a value says what it can be: ISO, named months, day first, month first, either, nothing', () => {
  const shape = (s: string) => classifyDate(s).shape;
  assert.equal(shape('2020-12-31'), 'iso');
  assert.equal(shape('2020/12/31'), 'iso');
  assert.equal(shape('31 Dec 2020'), 'named');
  assert.equal(shape('December 31, 2020'), 'named');
  assert.equal(shape('31/12/2020'), 'dmy');
  assert.equal(shape('12/31/2020'), 'mdy');
  assert.equal(shape('03/04/2020'), 'either');
  assert.equal(shape('31/31/2020'), 'none');
  assert.equal(shape('29/02/2021'), 'none', 'not a leap year');
  assert.equal(shape('12/31/20'), 'none', 'two-digit years are not guessed');
  assert.deepEqual(classifyDate('31.12.2020 9:30 pm'), { shape: 'dmy', time: true });
});

test('a column decides its order from the values that prove one; otherwise the workspace habit', () => {
  const facts = (values: string[], habit: 'dmy' | 'mdy' = 'dmy') => {
    const t = new ColumnTally();
    for (const v of values) t.add(v);
    return t.facts(habit);
  };
  const dmy = facts(['2020-01-05', '03/04/2020', '31/12/2020', '15/06/2021']);
  assert.deepEqual([dmy.date_order, dmy.date_order_proved, dmy.fits.date, dmy.inferred_type], ['dmy', true, 4, 'date']);
  const mdy = facts(['03/04/2020', '12/31/2020', '31/12/2020', '06/15/2021']);
  assert.deepEqual([mdy.date_order, mdy.fits.date], ['mdy', 3], 'the one day-first value fails');
  const unproved = facts(['03/04/2020', '01/02/2020'], 'mdy');
  assert.deepEqual([unproved.date_order, unproved.date_order_proved], ['mdy', false]);
  assert.equal(defaultDateOrder('America/New_York'), 'mdy');
  assert.equal(defaultDateOrder('Europe/Paris'), 'dmy');
});

test('values as stored: days as written, times in the workspace zone unless they carry an offset', () => {
  assert.equal(parseDateValue('03/04/2020', 'dmy', 'UTC'), '2020-04-03');
  assert.equal(parseDateValue('03/04/2020', 'mdy', 'UTC'), '2020-03-04');
  assert.equal(parseDateValue('4 Jul 1999', 'mdy', 'UTC'), '1999-07-04');
  assert.equal(parseDateValue('2020-12-31T23:30:00-05:00', 'dmy', 'Europe/London'), '2021-01-01');
  assert.equal(parseDateValue('31/04/2020', 'dmy', 'UTC'), undefined);
  assert.equal(parseDatetimeValue('15/06/2020 09:30', 'dmy', 'Europe/London'), '2020-06-15T08:30:00.000Z');
  assert.equal(parseDatetimeValue('06/15/2020 9:30 PM', 'mdy', 'UTC'), '2020-06-15T21:30:00.000Z');
  assert.equal(parseDatetimeValue('2020-06-15T09:30:00+02:00', 'dmy', 'UTC'), '2020-06-15T07:30:00.000Z');
  assert.equal(parseDatetimeValue('2020-06-15', 'dmy', 'America/New_York'), '2020-06-15T04:00:00.000Z');
});

test('numbers as spreadsheets write them; zip codes are not numbers', () => {
  assert.equal(parseNumber('1,234.50'), 1234.5);
  assert.equal(parseNumber('12,5'), 12.5);
  assert.equal(parseNumber('1,234'), 1234);
  assert.equal(parseNumber('-3e2'), -300);
  assert.equal(parseNumber('12 apples'), undefined);
  const zips = new ColumnTally();
  for (const z of ['01234', '02134', '90210']) zips.add(z);
  assert.equal(zips.facts('dmy').inferred_type, 'string');
});

test('the short form of a mapping (CLI --map, API)', () => {
  assert.deepEqual(parseMapSpec('Email=email, City=city,"A=B"=skip,VIP=tag'), { Email: 'email', City: 'city', 'A=B': 'skip', VIP: 'tag' });
  assert.deepEqual(parseTarget('tag:Gold members'), { kind: 'tag', name: 'Gold members' });
  assert.deepEqual(parseTarget('consent:sms'), { kind: 'consent', channel: 'sms' });
  assert.deepEqual(parseTarget('renewal:date:mdy'), { kind: 'attribute', name: 'renewal', type: 'date', date_order: 'mdy' });
  assert.deepEqual(parseTarget('phone'), { kind: 'identifier', identifier: 'phone' });
  assert.ok('error' in parseTarget('plan:money'));
  assert.ok('error' in parseTarget('consent'));
});
