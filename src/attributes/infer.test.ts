import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageAt } from './derived.ts';
import { inferType } from './infer.ts';

test('a custom attribute created on first use takes its type from the value', () => {
  assert.equal(inferType(42), 'number');
  assert.equal(inferType(4.5), 'number');
  assert.equal(inferType(false), 'boolean');
  assert.equal(inferType('2026-03-15'), 'date');
  assert.equal(inferType('2026-03-15T10:00:00Z'), 'datetime');
  assert.equal(inferType('2026-03-15 10:00'), 'datetime');
  assert.equal(inferType('2026-02-30'), 'string'); // not a real day
  assert.equal(inferType('42'), 'string'); // only JSON numbers are numbers
  assert.equal(inferType(['a', 'b']), 'string');
  assert.equal(inferType('gold'), 'string');
});

test('age counts whole years in the workspace zone and turns on the birthday', () => {
  const now = new Date('2026-03-15T02:00:00Z');
  assert.equal(ageAt('2000-03-15', now, 'UTC'), 26);
  assert.equal(ageAt('2000-03-15', now, 'America/Los_Angeles'), 25); // still Mar 14 there
  assert.equal(ageAt('2000-02-29', new Date('2026-02-28T12:00:00Z'), 'UTC'), 25);
  assert.equal(ageAt('2000-02-29', new Date('2026-03-01T12:00:00Z'), 'UTC'), 26);
  assert.equal(ageAt('2030-01-01', now, 'UTC'), undefined);
});
