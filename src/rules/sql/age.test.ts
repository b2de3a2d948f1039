import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays } from '../time/calendar.ts';
import { ageOn, inDayRange } from '../time/boundaries.ts';
import { birthDayRange } from './age.ts';

test('birthDayRange holds exactly the birth days whose ageOn is in the bounds', () => {
  const todays = ['2024-02-28', '2024-02-29', '2024-03-01', '2025-02-28', '2025-03-01', '2026-03-15', '2026-12-31', '2027-01-01'];
  const bounds: [number, number][] = [];
  for (const n of [0, 1, 3, 4, 25, 40, 100]) bounds.push([n, n], [n, Infinity], [-Infinity, n], [n, n + 15]);
  bounds.push([-5, -1], [10, 5], [30000, Infinity], [-Infinity, -30000]);
  for (const today of todays) {
    for (const [lo, hi] of bounds) {
      const r = birthDayRange(lo, hi, today);
      // Every day within a week of each year boundary n years back, for the ages that matter.
      for (const n of [-1, 0, 1, 2, 3, 4, 5, 24, 25, 26, 39, 40, 41, 99, 100, 101, 115, 116]) {
        const centre = addDays(today, -Math.round(n * 365.2425));
        for (let d = -8; d <= 8; d++) {
          const birth = addDays(centre, d);
          const age = ageOn(birth, today);
          const want = age >= lo && age <= hi;
          assert.equal(r !== null && inDayRange(birth, r), want, `${birth} on ${today}: age ${age} in [${lo}, ${hi}]`);
        }
      }
    }
  }
});
