import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_JSON_DEPTH, unstorablePath } from './storable.ts';

test('finds the first string or key PostgreSQL can not store, and JSON nested too deep', () => {
  assert.equal(unstorablePath({ a: 'fine', b: [1, 'ok', { c: 'é😀' }] }), undefined);
  assert.deepEqual(unstorablePath({ a: 'x', b: [1, 'bad\u0000'] }), ['b', 1]);
  assert.deepEqual(unstorablePath({ props: { ['k\u0000']: 1 } }), ['props', 'k\u0000']);
  assert.deepEqual(unstorablePath({ s: 'lone \ud800 surrogate' }), ['s']);
  let deep: unknown = 1;
  for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];
  assert.equal(unstorablePath(deep)?.length, MAX_JSON_DEPTH);
});
