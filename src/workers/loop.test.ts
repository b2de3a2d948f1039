import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLoop } from './loop.ts';

test('a loop drains work, sleeps, wakes on nudge, survives errors and stops cleanly', async () => {
  let queue = 3;
  let calls = 0;
  const errors: unknown[] = [];
  const loop = startLoop({
    name: 't',
    idleMs: 60_000,
    errorPauseMs: 100,
    tick: async () => {
      calls++;
      if (calls === 2) throw new Error('transient');
      if (queue === 0) return false;
      queue--;
      return true;
    },
    onError: (e) => errors.push(e),
  });
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(queue, 0);
  assert.equal(errors.length, 1);
  const before = calls;
  queue = 1;
  loop.nudge();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(queue, 0);
  assert.ok(calls > before);
  await loop.stop();
});

test('a nudge that arrives during a tick makes the loop tick again instead of sleeping', async () => {
  let calls = 0;
  let release: (() => void) | undefined;
  const loop = startLoop({
    name: 't',
    idleMs: 60_000,
    tick: async () => {
      calls++;
      if (calls === 1) await new Promise<void>((r) => (release = r));
      return false;
    },
  });
  while (!release) await new Promise((r) => setTimeout(r, 1));
  loop.nudge(); // while the first tick runs
  release();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(calls, 2);
  await loop.stop();
});
