import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RETRY, retryDelayMs } from './retry-policy.ts';

test('the wait doubles from 10 s, stops growing at 1 h, and jitter only adds up to 20 %', () => {
  const waits = Array.from({ length: 14 }, (_, i) => retryDelayMs(DEFAULT_RETRY, i + 1, () => 0) / 1000);
  assert.deepEqual(waits, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600, 3600, 3600]);
  assert.equal(retryDelayMs(DEFAULT_RETRY, 1, () => 0.5), 11_000);
  assert.ok(retryDelayMs(DEFAULT_RETRY, 12, () => 0.999999) < 3_600_000 * 1.2);
});
