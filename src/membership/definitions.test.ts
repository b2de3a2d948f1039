import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDefinitions } from './definitions.ts';

const rows = [
  { id: 'a', name: 'buyers', version: 1, rule: { event: 'purchase', time: { op: 'within_last', amount: 30, unit: 'day' } } },
  { id: 'b', name: 'vip buyers', version: 1, rule: { all: [{ segment: 'a' }, { tag: 'vip' }] } },
  { id: 'c', name: 'adults in London', version: 1, rule: { all: [{ attribute: 'age', op: 'gte', value: 18 }, { attribute: 'city', op: 'is', value: 'London' }] } },
  { id: 'd', name: 'reachable', version: 1, rule: { all: [{ not: { dnc: 'sms' } }, { consent: 'sms', status: 'subscribed' }, { list: 'news' }] } },
  { id: 'e', name: 'broken', version: 1, rule: { segment: 'nope' } },
];
const defs = buildDefinitions({ workspaceId: 'w', timezone: 'UTC', rows, attributeTypes: new Map() });
const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id).sort();

test('a change selects the segments that read what changed, through references', () => {
  assert.deepEqual(ids(defs.affected('event', ['purchase'])), ['a', 'b']);
  assert.deepEqual(ids(defs.affected('event', ['page_view'])), []);
  assert.deepEqual(ids(defs.affected('tags', ['vip'])), ['b']);
  assert.deepEqual(ids(defs.affected('attributes', ['birthdate'])), ['c']); // age reads birthdate
  assert.deepEqual(ids(defs.affected('attributes', ['email', 'city'])), ['c', 'd']); // dnc reads email and phone
  assert.deepEqual(ids(defs.affected('consent', ['sms'])), ['d']);
  assert.deepEqual(ids(defs.affected('lists', ['news'])), ['d']);
  assert.deepEqual(ids(defs.affected('dnc', ['email'])), ['d']); // any DNC change: an entry for every channel names no channel of ours
  for (const kind of ['created', 'identity', 'erase', 'something new']) assert.deepEqual(ids(defs.affected(kind, [])), ['a', 'b', 'c', 'd']);
});

test('time-dependent segments, invalid rules and hashes', () => {
  assert.deepEqual(ids(defs.timeDependent), ['a', 'b', 'c']);
  assert.deepEqual(defs.invalid.map((x) => x.id), ['e']);
  const again = buildDefinitions({ workspaceId: 'w', timezone: 'UTC', rows, attributeTypes: new Map() });
  assert.equal(again.byId.get('b')!.hash, defs.byId.get('b')!.hash);
  // The referencing segment's hash moves with the referenced rule, and with the zone.
  const edited = buildDefinitions({ workspaceId: 'w', timezone: 'UTC', rows: rows.map((r) => (r.id === 'a' ? { ...r, rule: { event: 'purchase' } } : r)), attributeTypes: new Map() });
  assert.notEqual(edited.byId.get('b')!.hash, defs.byId.get('b')!.hash);
  const zoned = buildDefinitions({ workspaceId: 'w', timezone: 'Europe/Paris', rows, attributeTypes: new Map() });
  assert.notEqual(zoned.byId.get('c')!.hash, defs.byId.get('c')!.hash);
});
