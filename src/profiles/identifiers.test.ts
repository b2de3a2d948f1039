import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudienceError } from '../shared/errors.ts';
import { identifiersFrom, takeContacts, toIdentifier } from './identifiers.ts';

const value = (kind: 'email' | 'phone', raw: string) => toIdentifier(kind, raw, kind).value;
const invalid = (kind: 'email' | 'phone', raw: string) =>
  assert.throws(() => toIdentifier(kind, raw, 'x'), (e: unknown) => e instanceof AudienceError && e.code === 'AUD_ERR_PROFILE_INVALID_IDENTIFIER', raw);

test('email identifiers are trimmed, lower-cased and validated', () => {
  assert.equal(value('email', '  Ana.Lopez+news@Example.COM '), 'ana.lopez+news@example.com');
  for (const bad of ['', 'ana', 'ana@', '@example.com', 'ana@example', 'ana @example.com', 'a@b@c.com']) invalid('email', bad);
});

test('phone identifiers become E.164: separators dropped, 00 becomes +, bare digits get a +, 8 to 15 digits', () => {
  assert.equal(value('phone', '+44 7911 123-456'), '+447911123456');
  assert.equal(value('phone', '(+1) 415.555.0100'), '+14155550100');
  assert.equal(value('phone', '0044 7911 123456'), '+447911123456');
  assert.equal(value('phone', '447911123456'), '+447911123456');
  assert.equal(value('phone', '+12345678'), '+12345678'); // 8 digits
  assert.equal(value('phone', '+123456789012345'), '+123456789012345'); // 15 digits
  for (const bad of ['', '+1234567', '+1234567890123456', '+44 79x1 123456', '++447911123456', '+']) invalid('phone', bad);
});

test('an invalid identifier is a 422 naming its path', () => {
  assert.throws(() => toIdentifier('email', 'nope', 'batch[2].email'), (e: unknown) =>
    e instanceof AudienceError && e.status === 422 && e.path === 'batch[2].email');
  assert.throws(() => toIdentifier('external_id', '   ', 'userId'), AudienceError);
});

test('identifiersFrom maps request fields to kinds; numbers are accepted as text', () => {
  const ids = identifiersFrom({ externalId: 42, email: 'A@B.co', phone: null }, { externalId: 'userId' });
  assert.deepEqual(ids, [
    { kind: 'external_id', value: '42', path: 'userId' },
    { kind: 'email', value: 'a@b.co', path: 'email' },
  ]);
});

test('email and phone among attributes are identifiers and are stored normalised', () => {
  const { identifiers, values } = takeContacts({ email: ' X@Y.io', phone: '0044 7911 123456', city: 'Oslo' }, 'attributes');
  assert.deepEqual(values, { email: 'x@y.io', phone: '+447911123456', city: 'Oslo' });
  assert.deepEqual(identifiers.map((i) => i.path), ['attributes.email', 'attributes.phone']);
  assert.throws(() => takeContacts({ email: ['a@b.co'] }, 'traits'), (e: unknown) => e instanceof AudienceError && e.path === 'traits.email');
});
