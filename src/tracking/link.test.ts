import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correctedTimestamp } from './clock-skew.ts';
import { decideLink, type Owner } from './link.ts';

const anon = (profileId: string): Owner => ({ profileId, kind: 'anonymous_id', known: false });
const user = (profileId: string): Owner => ({ profileId, kind: 'external_id', known: true });

test('decideLink: an anonymous profile joins the known one; two known ones merge only when allowed', () => {
  assert.deepEqual(decideLink({ allowMerge: false }), { action: 'pipeline' });
  assert.deepEqual(decideLink({ previous: anon('a'), allowMerge: false }), { action: 'pipeline' });
  assert.deepEqual(decideLink({ previous: anon('a'), user: user('a'), allowMerge: false }), { action: 'pipeline' });
  assert.deepEqual(decideLink({ previous: user('k'), allowMerge: false }), { action: 'add-user-id', profileId: 'k' });
  assert.deepEqual(decideLink({ previous: anon('a'), user: user('k'), allowMerge: false }), { action: 'merge', from: 'a', into: 'k', reason: 'anonymous' });
  assert.deepEqual(decideLink({ previous: user('j'), user: user('k'), allowMerge: false }), { action: 'conflict', from: 'j', into: 'k' });
  assert.deepEqual(decideLink({ previous: user('j'), user: user('k'), allowMerge: true }), { action: 'merge', from: 'j', into: 'k', reason: 'alias' });
  // An anonymous id whose profile also has an email is known: not merged silently.
  assert.equal(decideLink({ previous: { ...anon('a'), known: true }, user: user('k'), allowMerge: false }).action, 'conflict');
});

test('correctedTimestamp: timestamp + (receivedAt - sentAt)', () => {
  const receivedAt = new Date('2026-03-15T12:00:00Z');
  assert.equal(correctedTimestamp({ timestamp: '2026-03-15T10:59:00Z', sentAt: '2026-03-15T11:00:00Z', receivedAt }), '2026-03-15T11:59:00.000Z');
  assert.equal(correctedTimestamp({ timestamp: '2026-03-15T10:59:00+01:00', sentAt: '2026-03-15T12:00:00.000Z', receivedAt }), '2026-03-15T09:59:00.000Z');
  assert.equal(correctedTimestamp({ timestamp: '2026-03-15T10:59:00Z', sentAt: undefined, receivedAt }), '2026-03-15T10:59:00Z');
  assert.equal(correctedTimestamp({ timestamp: '2026-03-15 10:59', sentAt: '2026-03-15T11:00:00Z', receivedAt }), '2026-03-15 10:59', 'no offset: left to the pipeline');
  assert.equal(correctedTimestamp({ timestamp: undefined, sentAt: '2026-03-15T11:00:00Z', receivedAt }), undefined);
});
