import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRule } from '../parse.ts';
import { evaluate } from './evaluate.ts';
import { explain } from './explain.ts';
import type { Facts } from './facts.ts';

test('explain: each node with its truth value and what it saw, agreeing with evaluate', () => {
  const node = parseRule(
    {
      all: [
        { event: 'purchase', count: { op: 'gte', value: 3 }, time: { op: 'within_last', amount: 30, unit: 'day' } },
        { any: [{ tag: 'vip' }, { attribute: 'age', op: 'gte', value: 18 }] },
        { not: { segment: 'banned' } },
        { consent: 'email', status: 'subscribed' },
        { dnc: 'sms' },
      ],
    },
    { attributeType: () => undefined, segment: () => ({ attribute: 'city', op: 'is', value: 'Nowhere' }) },
  );
  const facts: Facts = {
    attributes: { city: 'London', birthdate: '2000-03-16' },
    tags: new Set(),
    lists: new Set(),
    consent: { email: 'subscribed' },
    dnc: { all: true, channels: new Set() },
    events: [{ name: 'purchase', ts: Date.parse('2026-03-01T00:00:00Z'), properties: {} }, { name: 'purchase', ts: Date.parse('2026-03-10T00:00:00Z'), properties: {} }],
  };
  const ctx = { now: new Date('2026-03-15T12:00:00Z'), timezone: 'UTC' };
  const e = explain(node, facts, ctx);
  assert.equal(e.result, evaluate(node, facts, ctx));
  assert.equal(e.result, false);
  const [purchase, group, notBanned, consent, dnc] = e.children!;
  assert.deepEqual(purchase, { kind: 'event', result: false, detail: 'purchase count in window (within_last 30 day): 2, needed gte 3' });
  assert.equal(group!.detail, 'any of 2: 1 hold');
  assert.deepEqual(group!.children![1], { kind: 'attribute', result: true, detail: 'age gte 18: saw 25 (birthdate "2000-03-16")' });
  assert.equal(notBanned!.result, true);
  assert.deepEqual(notBanned!.children![0]!.children![0], { kind: 'attribute', result: false, detail: 'city is "Nowhere": saw "London"' });
  assert.equal(consent!.detail, 'consent email: subscribed, needed subscribed');
  assert.deepEqual(dnc, { kind: 'dnc', result: true, detail: 'dnc sms: listed for all channels' });
});
