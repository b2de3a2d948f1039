import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeContact, normalizeEmail, normalizePhone } from './contacts.ts';

test('one phone however it is typed', () => {
  for (const p of ['+44 1234 567890', '0044-1234-567890', '441234567890', '(44) 1234.567.890']) assert.equal(normalizePhone(p), '+441234567890');
  for (const bad of ['', '12', 'abc', '+0441234567', '+1234567890123456']) assert.equal(normalizePhone(bad), undefined, bad);
});

test('emails compare case-insensitively', () => {
  assert.equal(normalizeEmail('  Ann@Example.COM '), 'ann@example.com');
  assert.equal(normalizeEmail('not-an-email'), undefined);
  assert.deepEqual(normalizeContact('Bo@x.io'), { kind: 'email', value: 'bo@x.io' });
  assert.deepEqual(normalizeContact('0044 1234 567890'), { kind: 'phone', value: '+441234567890' });
});
